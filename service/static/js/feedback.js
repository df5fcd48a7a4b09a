/* 👍 / 👎 on the answer and on each cited passage: POST /v1/feedback, then "已记录". */

import { postJson } from "./api.js";
import { h } from "./util.js";

// Material Icons "thumb_up" (Apache-2.0), drawn inline: no emoji font needed (many office PCs lack one).
const THUMB = "M1 21h4V9H1v12zm22-11c0-1.1-.9-2-2-2h-6.31l.95-4.57.03-.32c0-.41-.17-.79-.44-1.06L14.17 1 7.59 " +
  "7.59C7.22 7.95 7 8.45 7 9v10c0 1.1.9 2 2 2h9c.83 0 1.54-.5 1.84-1.22l3.02-7.05c.09-.23.14-.47.14-.73v-2z";

/** 👍 (or 👎 when `down`) as an SVG icon. */
function thumb(down) {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("class", "thumb" + (down ? " thumb-down" : ""));
  const path = document.createElementNS(ns, "path");
  path.setAttribute("d", THUMB);
  svg.appendChild(path);
  return svg;
}

/**
 * Buttons judging one item of a response.
 * judged: {question, indexVersion, passageId, target: "passage"|"answer", answerStart, answerEnd}
 */
export function feedbackBar(judged) {
  const bar = h("div", "feedback");
  bar.setAttribute("role", "group");
  const what = judged.target === "answer" ? "答案" : "这段";
  bar.setAttribute("aria-label", `评价${what}`);
  const said = h("span", "feedback-state");
  said.setAttribute("role", "status");
  const buttons = [];

  const add = (label, title, verdict, answersQuestion, icon) => {
    const b = h("button", "btn btn-small feedback-btn");
    if (icon) b.appendChild(icon);
    b.appendChild(h("span", null, label));
    b.type = "button";
    b.title = title;
    b.setAttribute("aria-label", title);
    b.addEventListener("click", () => send(verdict, answersQuestion, b));
    buttons.push(b);
    bar.appendChild(b);
  };
  add("有用", `👍 ${what}有用`, "up", false, thumb(false));
  add("有误", `👎 ${what}有误`, "down", false, thumb(true));
  if (judged.target === "passage") add("这段回答了问题", "这段回答了问题", "up", true, null);
  bar.appendChild(said);

  async function send(verdict, answersQuestion, pressed) {
    buttons.forEach((b) => (b.disabled = true));
    said.textContent = "正在提交…";
    const body = {
      question: judged.question,
      passage_id: judged.passageId,
      verdict,
      target: judged.target,
      answers_question: answersQuestion,
    };
    if (judged.indexVersion) body.index_version = judged.indexVersion;
    if (judged.target === "answer") Object.assign(body, { answer_start: judged.answerStart, answer_end: judged.answerEnd });
    try {
      await postJson("/v1/feedback", body);
      pressed.setAttribute("aria-pressed", "true");
      said.textContent = "已记录";
      bar.classList.add("is-recorded");
    } catch (err) {
      said.textContent = `未能记录：${err.message || "请求失败"}`;
      buttons.forEach((b) => (b.disabled = false));
    }
  }
  return bar;
}
