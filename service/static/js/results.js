/* The answer card, the cited passages, and the service's own scoping of a question. */

import { feedbackBar } from "./feedback.js";
import { renderHighlighted } from "./highlight.js";
import { titleOf } from "./library.js";
import { h, pageLabel, show } from "./util.js";

export function docHref(docId, start, end) {
  return `#doc=${encodeURIComponent(docId)}&start=${start}&end=${end}`;
}

/** 《title》 · publication issue · date · section · 第 N 页 · 字符 start–end */
export function citationLabel(c) {
  const parts = [`《${c.title || c.doc_id}》`];
  const pubIssue = [c.publication, c.issue].filter(Boolean).join(" ");
  if (pubIssue) parts.push(pubIssue);
  if (c.date) parts.push(c.date);
  if (c.section) parts.push(c.section);
  const pages = pageLabel(c.page_start, c.page_end);
  if (pages) parts.push(pages);
  parts.push(`字符 ${c.start}–${c.end}`);
  return parts.join(" · ");
}

function citationLink(citation, start, end) {
  const a = h("a", "citation", citationLabel(citation));
  a.href = docHref(citation.doc_id, start, end);
  a.title = "查看原文并定位引文";
  return a;
}

function renderAnswer(box, resp) {
  box.textContent = "";
  const answer = resp.answer;
  if (resp.abstained || !answer) {
    box.className = "answer-card answer-abstained";
    box.appendChild(h("p", "answer-label", "未找到相关内容"));
    box.appendChild(h("p", "answer-hint", "简报中没有足以回答该问题的内容。可以换个说法，或切换检索方式再试。"));
    return;
  }
  box.className = "answer-card";
  box.appendChild(h("p", "answer-label", "答案"));
  const text = h("p", "answer-text");
  // The service marks the question's words in the answer (answer.highlights), as in passages.
  text.appendChild(renderHighlighted(answer.text, answer.highlights));
  box.appendChild(text);

  // Source line: the answer's own span in the document (answer start/end are document offsets).
  const src = (resp.passages || []).find((p) => p.rank === answer.passage_rank);
  const line = h("p", "answer-source");
  line.appendChild(h("span", null, "出处："));
  const citation = src ? src.citation : { doc_id: answer.doc_id, title: answer.doc_id };
  const label = Object.assign({}, citation, { start: answer.start, end: answer.end });
  line.appendChild(citationLink(label, answer.start, answer.end));
  box.appendChild(line);
  if (src) {
    const judged = { question: resp.question, indexVersion: resp.index_version, passageId: src.id, target: "answer" };
    box.appendChild(feedbackBar(Object.assign(judged, { answerStart: answer.start, answerEnd: answer.end })));
  }
}

function rankText(p) {
  const bits = [];
  const r = p.ranks || {};
  if (r.dense != null) bits.push(`语义第 ${r.dense}`);
  if (r.bm25 != null) bits.push(`关键词第 ${r.bm25}`);
  if (typeof p.score === "number") bits.push(`得分 ${p.score.toFixed(3)}`);
  return bits.join(" · ");
}

function renderPassage(p, resp, answerRank) {
  const li = h("li", "passage");
  li.id = `passage-${p.rank}`;
  if (p.rank === answerRank) li.classList.add("is-answer-source");

  const head = h("div", "passage-head");
  head.appendChild(h("span", "passage-rank", `#${p.rank}`));
  if (p.rank === answerRank) head.appendChild(h("span", "badge", "答案出处"));
  head.appendChild(h("span", "passage-scores", rankText(p)));
  li.appendChild(head);

  const text = h("p", "passage-text");
  text.appendChild(renderHighlighted(p.text, p.highlights));
  li.appendChild(text);

  const c = p.citation || {};
  li.appendChild(citationLink(c, c.start, c.end));
  if (p.id) {
    li.appendChild(
      feedbackBar({ question: resp.question, indexVersion: resp.index_version, passageId: p.id, target: "passage" })
    );
  }
  return li;
}

/** When the service limited the question itself: to which documents, why, and one click to undo. */
function renderServiceScope(box, resp, askEverything) {
  box.textContent = "";
  const scope = resp.scope;
  show(box, Boolean(scope));
  if (!scope) return;
  const cited = new Map((resp.passages || []).map((p) => [p.citation.doc_id, p.citation.title]));
  const titles = (scope.doc_ids || []).map((id) => `《${cited.get(id) || titleOf(id)}》`);
  const text = h("p", "service-scope-text");
  text.appendChild(h("strong", null, "已自动限定范围："));
  text.appendChild(document.createTextNode(`只在${titles.join("、") || "部分文档"}中检索`));
  if (scope.reason) text.appendChild(document.createTextNode(`（${scope.reason}）`));
  text.appendChild(document.createTextNode("。"));
  box.appendChild(text);
  const again = h("button", "btn btn-small", "在全部文档中再问一次");
  again.type = "button";
  again.addEventListener("click", askEverything);
  box.appendChild(again);
}

/** Draw a /v1/ask response into the results section (el: its elements). */
export function renderResults(el, resp, askEverything) {
  renderServiceScope(el.serviceScope, resp, askEverything);
  renderAnswer(el.answer, resp);
  const passages = resp.passages || [];
  const answerRank = resp.answer && !resp.abstained ? resp.answer.passage_rank : null;

  el.passages.textContent = "";
  for (const p of passages) el.passages.appendChild(renderPassage(p, resp, answerRank));
  el.passagesTitle.textContent = passages.length
    ? resp.abstained
      ? "可能相关的段落"
      : "引用段落"
    : "没有检索到段落";

  const took = typeof resp.took_ms === "number" ? `${Math.round(resp.took_ms)} ms` : "";
  el.resultMeta.textContent = [`${passages.length} 段`, took && `用时 ${took}`, resp.index_version && `索引 ${resp.index_version}`]
    .filter(Boolean)
    .join(" · ");
  show(el.results, true);
}
