/* briefqa 简报问答 — embeddable widget.
 *
 * Usage on any page:
 *   <script src="http://HOST/widget.js" data-endpoint="http://HOST"
 *           data-key="OPTIONAL_KEY" data-target="#optional-container"></script>
 *
 * Scope and size (all optional): data-publication="领导学刊", data-doc-ids="id1,id2",
 * data-date-from="2025-01-01", data-date-to="2025-12-31" (sent as the question's filters),
 * data-top-k="5" (passages asked for and shown, 1-20; data-results is the older name).
 * Keyboard: ↓ from the box moves into the results, ↑/↓ between them, Enter opens one, Esc
 * goes back to the box.
 *
 * It inserts a <briefqa-widget> element (after the script tag, or into
 * data-target) whose UI lives in a shadow root, so the host page's CSS can't
 * restyle it and its CSS can't leak out. Manual use is also possible:
 *   <briefqa-widget endpoint="http://HOST" api-key="..."></briefqa-widget>
 *
 * The only global is window.BriefQA. No dependencies. API strings are always
 * inserted with textContent, never innerHTML.
 */
(function () {
  "use strict";

  var TAG = "briefqa-widget";
  // Captured now: document.currentScript is only set while this file runs.
  var script = document.currentScript;

  // Loaded twice (two script tags)? Reuse the definition, still mount again.
  if (window.BriefQA && window.BriefQA.mount) {
    if (script) window.BriefQA.mountFromScript(script);
    return;
  }

  /* Fixed pixel sizes and `all: initial` on the root: inherited properties from
     the host element (font-size, color, line-height…) stop at the shadow root. */
  var CSS = [
    ":host { all: initial; display: block !important; contain: content; max-width: 100%; }",
    ":host([hidden]) { display: none !important; }",
    ".root { all: initial; display: block; box-sizing: border-box; max-width: 640px; width: 100%;",
    "  font-family: -apple-system, BlinkMacSystemFont, 'Segoe UI', 'PingFang SC', 'Hiragino Sans GB',",
    "  'Microsoft YaHei', 'Noto Sans CJK SC', 'Noto Sans SC', 'WenQuanYi Micro Hei', Arial, sans-serif;",
    "  font-size: 15px; line-height: 1.65; color: #1d2330; background: #fff; text-align: left;",
    "  border: 1px solid #dde1e8; border-radius: 12px; padding: 14px 16px;",
    "  box-shadow: 0 2px 8px rgba(16,24,40,.08); }",
    ".root *, .root *::before, .root *::after { box-sizing: border-box; }",
    ".title { margin: 0 0 8px; font-size: 15px; font-weight: 700; color: #174a96; }",
    ".title small { font-weight: 400; color: #5d6677; font-size: 12px; margin-left: 6px; }",
    ".scope { margin: -4px 0 8px; font-size: 12.5px; color: #5d6677; overflow-wrap: anywhere; }",
    "form { display: flex; flex-wrap: wrap; gap: 8px; margin: 0; }",
    "input { flex: 1 1 160px; }",
    "input { flex: 1; min-width: 0; font: inherit; color: #1d2330; background: #fff; margin: 0;",
    "  border: 1px solid #c5cbd5; border-radius: 8px; padding: 7px 10px; }",
    "input:focus { outline: 2px solid #1f5fbf; outline-offset: 1px; border-color: #1f5fbf; }",
    "button { font: inherit; font-weight: 600; color: #fff; background: #1f5fbf; border: 0; margin: 0;",
    "  border-radius: 8px; padding: 7px 16px; cursor: pointer; }",
    "button:hover { background: #174a96; }",
    "button:disabled { opacity: .6; cursor: progress; }",
    "button:focus-visible, a:focus-visible { outline: 2px solid #1f5fbf; outline-offset: 2px; }",
    ".status { margin: 10px 0 0; font-size: 14px; color: #174a96; }",
    ".status.error { color: #b42318; }",
    ".status:empty { display: none; }",
    ".answer-box { margin: 12px 0 0; padding: 10px 12px; background: #f1faf5; border-left: 4px solid #2e9b5f;",
    "  border-radius: 6px; font-size: 16px; font-weight: 500; }",
    ".answer-box.none { background: #f4f5f7; border-left-color: #98a2b3; font-weight: 400; }",
    "ol { list-style: none; margin: 10px 0 0; padding: 0; }",
    "li { padding: 8px 6px; margin: 0 -6px; border-top: 1px solid #eceef2; border-radius: 6px; }",
    "li:focus { outline: 2px solid #1f5fbf; outline-offset: -2px; background: #f5f8fe; }",
    "li:first-child { border-top: 0; }",
    ".text { margin: 0 0 4px; font-size: 14px; color: #1d2330; }",
    "mark { color: inherit; border-radius: 2px; padding: 0 1px; }",
    "mark.term { background: #fff1a8; }",
    "mark.answer { background: #d9f2e3; }",
    "a.citation { font-size: 12.5px; color: #1f5fbf; text-decoration: none; word-break: break-word; }",
    "a.citation:hover { text-decoration: underline; }",
    ".note { margin: 10px 0 0; font-size: 13px; color: #7a4b00; overflow-wrap: anywhere; }",
    ".feedback { display: flex; flex-wrap: wrap; align-items: center; gap: 6px; margin: 6px 0 0; }",
    ".feedback button { font-size: 12.5px; font-weight: 500; padding: 2px 10px; color: #1d2330;",
    "  background: #fff; border: 1px solid #c5cbd5; display: inline-flex; align-items: center; gap: 4px; }",
    ".feedback button:hover { background: #f0f2f5; }",
    ".feedback svg { width: 13px; height: 13px; fill: currentColor; }",
    ".feedback svg.down { transform: rotate(180deg); }",
    ".feedback .said { font-size: 12.5px; color: #1e6b41; }",
  ].join("\n");

  // Material Icons "thumb_up" (Apache-2.0), drawn inline: no emoji font needed.
  var THUMB = "M1 21h4V9H1v12zm22-11c0-1.1-.9-2-2-2h-6.31l.95-4.57.03-.32c0-.41-.17-.79-.44-1.06L14.17 1 7.59 " +
    "7.59C7.22 7.95 7 8.45 7 9v10c0 1.1.9 2 2 2h9c.83 0 1.54-.5 1.84-1.22l3.02-7.05c.09-.23.14-.47.14-.73v-2z";
  // The attributes a widget reads its options from (data-* on the script tag, same names without "data-").
  var OPTIONS = ["endpoint", "api-key", "results", "top-k", "publication", "doc-ids", "date-from", "date-to"];

  /* ---------- pure helpers (shared logic with the page, kept local: no deps) ---------- */

  // Python offsets count code points; JS strings count UTF-16 units.
  function codePoints(text) {
    return Array.from(text || "");
  }

  function h(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text != null) node.textContent = String(text);
    return node;
  }

  /** Pick the snippet window [from, to) around the first answer/term highlight. */
  function snippetWindow(n, highlights, size) {
    if (n <= size) return [0, n];
    var focus = 0;
    var list = (highlights || []).filter(function (x) { return x && x.end > x.start; });
    var ans = list.filter(function (x) { return x.kind === "answer"; })[0];
    var first = ans || list.sort(function (a, b) { return a.start - b.start; })[0];
    if (first) focus = Math.max(0, first.start - 20);
    var from = Math.min(focus, n - size);
    return [from, from + size];
  }

  /**
   * Render chars[from,to) with highlights as marks. Where a term overlaps an
   * answer the term wins (simple, flat markup is enough at widget size).
   */
  function renderSnippet(text, highlights, size) {
    var chars = codePoints(text);
    var win = snippetWindow(chars.length, highlights, size);
    var kindAt = new Array(chars.length);
    (highlights || []).forEach(function (hl) {
      if (!hl || (hl.kind !== "term" && hl.kind !== "answer")) return; // unknown kinds: ignore
      var s = Math.max(win[0], Math.trunc(Number(hl.start)) || 0);
      var e = Math.min(win[1], Math.trunc(Number(hl.end)) || 0);
      for (var i = s; i < e; i++) {
        if (kindAt[i] !== "term") kindAt[i] = hl.kind;
      }
    });

    var frag = document.createDocumentFragment();
    if (win[0] > 0) frag.appendChild(document.createTextNode("…"));
    var i = win[0];
    while (i < win[1]) {
      var kind = kindAt[i];
      var j = i;
      while (j < win[1] && kindAt[j] === kind) j++;
      var piece = chars.slice(i, j).join("");
      frag.appendChild(kind ? h("mark", kind, piece) : document.createTextNode(piece));
      i = j;
    }
    if (win[1] < chars.length) frag.appendChild(document.createTextNode("…"));
    return frag;
  }

  function citationLabel(c) {
    var parts = ["《" + (c.title || c.doc_id) + "》"];
    var pub = [c.publication, c.issue].filter(Boolean).join(" ");
    if (pub) parts.push(pub);
    if (c.date) parts.push(c.date);
    if (c.section) parts.push(c.section);
    if (c.page_start != null) {
      parts.push(c.page_end != null && c.page_end !== c.page_start
        ? "第 " + c.page_start + "–" + c.page_end + " 页" : "第 " + c.page_start + " 页");
    }
    parts.push("字符 " + c.start + "–" + c.end);
    return parts.join(" · ");
  }

  function thumb(down) {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    if (down) svg.setAttribute("class", "down");
    var path = document.createElementNS(ns, "path");
    path.setAttribute("d", THUMB);
    svg.appendChild(path);
    return svg;
  }

  function list(value) {
    return (value || "").split(",").map(function (x) { return x.trim(); }).filter(Boolean);
  }

  /* ---------- the custom element ---------- */

  class BriefQAWidget extends HTMLElement {
    connectedCallback() {
      if (this.shadowRoot) return; // moved in the DOM: keep the existing UI
      var root = this.attachShadow({ mode: "open" });
      var style = h("style");
      style.textContent = CSS;
      root.appendChild(style);
      root.appendChild(this.buildUI());
    }

    get endpoint() {
      // Default: same origin as the page (useful when the service embeds itself).
      return (this.getAttribute("endpoint") || location.origin).replace(/\/+$/, "");
    }

    /** Passages asked for and shown: top-k, else results (the older name), else 3. */
    get maxResults() {
      var n = parseInt(this.getAttribute("top-k") || this.getAttribute("results") || "3", 10);
      return n > 0 && n <= 20 ? n : 3;
    }

    /** The /v1/ask filters from the scope attributes; null when none is set. */
    get filters() {
      var f = {};
      var ids = list(this.getAttribute("doc-ids"));
      if (ids.length) f.doc_ids = ids;
      if (this.getAttribute("publication")) f.publication = this.getAttribute("publication");
      if (this.getAttribute("date-from")) f.date_from = this.getAttribute("date-from");
      if (this.getAttribute("date-to")) f.date_to = this.getAttribute("date-to");
      return Object.keys(f).length ? f : null;
    }

    /** 只查：《领导学刊》 · 2025-01-01 起 (empty without a scope). */
    scopeText() {
      var f = this.filters;
      if (!f) return "";
      var parts = [];
      if (f.publication) parts.push("《" + f.publication + "》");
      if (f.date_from || f.date_to) parts.push((f.date_from || "…") + " 至 " + (f.date_to || "今"));
      if (f.doc_ids) parts.push(f.doc_ids.length + " 篇文档");
      return "只查：" + parts.join(" · ");
    }

    buildUI() {
      var box = h("div", "root");
      box.setAttribute("part", "root");
      var title = h("p", "title", "简报问答");
      title.appendChild(h("small", null, "briefqa"));
      box.appendChild(title);
      var scope = this.scopeText();
      if (scope) box.appendChild(h("p", "scope", scope));

      var form = h("form");
      form.setAttribute("role", "search");
      form.setAttribute("aria-label", scope ? "向简报提问（" + scope + "）" : "向简报提问");
      var input = h("input");
      input.type = "search";
      input.placeholder = this.getAttribute("placeholder") || "例如：天使母基金规模多大？";
      input.setAttribute("aria-label", "向简报提问");
      input.autocomplete = "off";
      var button = h("button", null, "提问");
      button.type = "submit";
      form.appendChild(input);
      form.appendChild(button);
      box.appendChild(form);

      var status = h("p", "status");
      status.setAttribute("role", "status");
      status.setAttribute("aria-live", "polite");
      box.appendChild(status);
      var results = h("div", "results");
      box.appendChild(results);

      this._ui = { input: input, button: button, status: status, results: results };
      var self = this;
      form.addEventListener("submit", function (e) {
        e.preventDefault();
        self.ask(input.value.trim(), true);
      });
      input.addEventListener("keydown", function (e) {
        if (e.key === "ArrowDown" && self.items().length) {
          e.preventDefault();
          self.focusItem(0);
        }
      });
      results.addEventListener("keydown", function (e) { self.onResultKey(e); });
      return box;
    }

    /* ---------- keyboard: ↑/↓ between results, Enter opens, Esc back to the box ---------- */

    items() {
      return Array.prototype.slice.call(this._ui.results.querySelectorAll("li.passage"));
    }

    focusItem(index) {
      var items = this.items();
      if (!items.length) return;
      var i = Math.max(0, Math.min(index, items.length - 1));
      items.forEach(function (li, j) { li.tabIndex = j === i ? 0 : -1; }); // one tab stop: the current one
      items[i].focus();
    }

    onResultKey(e) {
      var items = this.items();
      var at = items.indexOf(e.target);
      if (at < 0) return; // a key on a button or link inside a result keeps its own meaning
      var moves = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: items.length - 1 };
      if (e.key in moves) {
        e.preventDefault();
        if (e.key === "ArrowUp" && at === 0) this._ui.input.focus();
        else this.focusItem(moves[e.key]);
      } else if (e.key === "Enter") {
        e.preventDefault();
        var link = items[at].querySelector("a.citation");
        if (link) link.click();
      } else if (e.key === "Escape") {
        this._ui.input.focus();
      }
    }

    /* ---------- asking ---------- */

    async ask(question, scope) {
      var ui = this._ui;
      if (!question) {
        this.setStatus("请输入问题。", true);
        ui.input.focus();
        return;
      }
      ui.button.disabled = true;
      ui.results.textContent = "";
      this.setStatus("正在检索…", false);
      try {
        var body = { question: question, top_k: this.maxResults, mode: "hybrid", scope: scope };
        if (this.filters) body.filters = this.filters;
        var data = await this.post("/v1/ask", body);
        this.setStatus("", false);
        this.renderResults(data, question);
      } catch (err) {
        this.setStatus(err.message || "请求失败。", true);
      } finally {
        ui.button.disabled = false;
      }
    }

    async post(path, payload) {
      var headers = { "Content-Type": "application/json", Accept: "application/json" };
      var key = this.getAttribute("api-key");
      if (key) headers["X-API-Key"] = key;
      var resp;
      try {
        resp = await fetch(this.endpoint + path, { method: "POST", headers: headers, body: JSON.stringify(payload) });
      } catch (_) {
        throw new Error("无法连接到问答服务。");
      }
      var body = null;
      try {
        body = await resp.json();
      } catch (_) {
        body = null;
      }
      if (!resp.ok) {
        var msg = body && body.error && body.error.message;
        throw new Error(msg || "服务返回错误（HTTP " + resp.status + "）。");
      }
      if (!body) throw new Error("服务返回了无法解析的数据。");
      return body;
    }

    setStatus(message, isError) {
      this._ui.status.textContent = message;
      this._ui.status.className = "status" + (isError ? " error" : "");
    }

    docUrl(docId, start, end) {
      return this.endpoint + "/#doc=" + encodeURIComponent(docId) + "&start=" + start + "&end=" + end;
    }

    /* ---------- results ---------- */

    /** 👍 / 👎 (and, for a passage, 这段回答了问题) → POST /v1/feedback, then 已记录. */
    feedback(judged) {
      var bar = h("div", "feedback");
      bar.setAttribute("role", "group");
      var what = judged.target === "answer" ? "答案" : "这段";
      bar.setAttribute("aria-label", "评价" + what);
      var said = h("span", "said");
      said.setAttribute("role", "status");
      var buttons = [];
      var self = this;
      function add(label, title, verdict, answers, icon) {
        var b = h("button");
        b.type = "button";
        if (icon) b.appendChild(icon);
        b.appendChild(h("span", null, label));
        b.title = title;
        b.setAttribute("aria-label", title);
        b.addEventListener("click", function () { send(verdict, answers, b); });
        buttons.push(b);
        bar.appendChild(b);
      }
      async function send(verdict, answers, pressed) {
        buttons.forEach(function (b) { b.disabled = true; });
        var body = {
          question: judged.question, passage_id: judged.passageId, verdict: verdict,
          target: judged.target, answers_question: answers, index_version: judged.indexVersion,
        };
        if (judged.target === "answer") {
          body.answer_start = judged.answerStart;
          body.answer_end = judged.answerEnd;
        }
        try {
          await self.post("/v1/feedback", body);
          pressed.setAttribute("aria-pressed", "true");
          said.textContent = "已记录";
        } catch (err) {
          said.textContent = "未能记录：" + (err.message || "请求失败");
          buttons.forEach(function (b) { b.disabled = false; });
        }
      }
      add("有用", "👍 " + what + "有用", "up", false, thumb(false));
      add("有误", "👎 " + what + "有误", "down", false, thumb(true));
      if (judged.target === "passage") add("这段回答了问题", "这段回答了问题", "up", true, null);
      bar.appendChild(said);
      return bar;
    }

    renderAnswer(out, data, question) {
      var answer = data.answer;
      var live = h("div", "answer");
      live.setAttribute("aria-live", "polite"); // the answer is read out when it arrives
      out.appendChild(live);
      if (data.abstained || !answer) {
        live.appendChild(h("p", "answer-box none", "未找到相关内容。"));
        return;
      }
      var p = h("p", "answer-box");
      p.appendChild(renderSnippet(answer.text, answer.highlights, 10000)); // marked by the service
      live.appendChild(p);
      var src = (data.passages || []).filter(function (x) { return x.rank === answer.passage_rank; })[0];
      if (src) {
        out.appendChild(this.feedback({
          question: question, indexVersion: data.index_version, passageId: src.id, target: "answer",
          answerStart: answer.start, answerEnd: answer.end,
        }));
      }
    }

    renderResults(data, question) {
      var out = this._ui.results;
      out.textContent = "";
      var self = this;
      if (data.scope && data.scope.reason) {
        out.appendChild(h("p", "note", "已自动限定范围：" + data.scope.reason));
      }
      this.renderAnswer(out, data, question);

      var list = h("ol");
      list.setAttribute("role", "list");
      list.setAttribute("aria-label", "检索结果（↑↓ 选择，Enter 打开原文）");
      (data.passages || []).slice(0, this.maxResults).forEach(function (psg, i) {
        var li = h("li", "passage");
        li.tabIndex = i === 0 ? 0 : -1;
        var text = h("p", "text");
        text.appendChild(renderSnippet(psg.text, psg.highlights, 120));
        li.appendChild(text);
        var c = psg.citation || {};
        var a = h("a", "citation", citationLabel(c));
        a.href = self.docUrl(c.doc_id, c.start, c.end);
        a.target = "_blank";
        a.rel = "noopener";
        a.title = "在新标签页查看原文";
        a.tabIndex = -1; // reached with Enter on the result; one tab stop per list
        li.appendChild(a);
        if (psg.id) {
          li.appendChild(self.feedback({
            question: question, indexVersion: data.index_version, passageId: psg.id, target: "passage",
          }));
        }
        list.appendChild(li);
      });
      if (list.childNodes.length) out.appendChild(list);
    }
  }

  if (!customElements.get(TAG)) customElements.define(TAG, BriefQAWidget);

  /* ---------- mounting ---------- */

  /** Create a widget in `target` (element or selector); options: endpoint, key, results, topK,
   * publication, docIds, dateFrom, dateTo (the data-* names in camelCase). */
  function mount(target, options) {
    var opts = options || {};
    var container = typeof target === "string" ? document.querySelector(target) : target;
    var widget = document.createElement(TAG);
    var values = {
      endpoint: opts.endpoint, "api-key": opts.key, results: opts.results, "top-k": opts.topK,
      publication: opts.publication, "doc-ids": opts.docIds, "date-from": opts.dateFrom, "date-to": opts.dateTo,
    };
    OPTIONS.forEach(function (name) {
      if (values[name]) widget.setAttribute(name, String(values[name]));
    });
    if (container) container.appendChild(widget);
    return widget;
  }

  /** Read data-* from a <script> tag and mount next to it (or into data-target). */
  function mountFromScript(tag) {
    var ds = tag.dataset;
    var endpoint = ds.endpoint || new URL(tag.src, location.href).origin;
    var opts = {
      endpoint: endpoint, key: ds.key, results: ds.results, topK: ds.topK, publication: ds.publication,
      docIds: ds.docIds, dateFrom: ds.dateFrom, dateTo: ds.dateTo,
    };
    var target = ds.target ? document.querySelector(ds.target) : null;
    if (target) return mount(target, opts);
    var widget = mount(null, opts);
    if (tag.closest("head")) {
      // Nothing visible can live in <head>: put it at the end of <body> instead.
      if (document.body) document.body.appendChild(widget);
      else document.addEventListener("DOMContentLoaded", function () { document.body.appendChild(widget); });
    } else {
      tag.insertAdjacentElement("afterend", widget);
    }
    return widget;
  }

  window.BriefQA = { version: "2", mount: mount, mountFromScript: mountFromScript };

  // A script tag that carries the config mounts immediately; if data-target is
  // not parsed yet (script placed in <head>), wait for the DOM.
  if (script) {
    if (script.dataset.target && !document.querySelector(script.dataset.target) && document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", function () { mountFromScript(script); });
    } else {
      mountFromScript(script);
    }
  }
})();
