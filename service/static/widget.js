/* briefqa 简报问答 — embeddable widget.
 *
 * Usage on any page:
 *   <script src="http://HOST/widget.js" data-endpoint="http://HOST"
 *           data-key="OPTIONAL_KEY" data-target="#optional-container"></script>
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
    ":host { all: initial; display: block !important; contain: content; }",
    ":host([hidden]) { display: none !important; }",
    ".root { all: initial; display: block; box-sizing: border-box; max-width: 640px;",
    "  font-family: -apple-system, BlinkMacSystemFont, 'Segoe UI', 'PingFang SC', 'Hiragino Sans GB',",
    "  'Microsoft YaHei', 'Noto Sans CJK SC', 'Noto Sans SC', 'WenQuanYi Micro Hei', Arial, sans-serif;",
    "  font-size: 15px; line-height: 1.65; color: #1d2330; background: #fff; text-align: left;",
    "  border: 1px solid #dde1e8; border-radius: 12px; padding: 14px 16px;",
    "  box-shadow: 0 2px 8px rgba(16,24,40,.08); }",
    ".root *, .root *::before, .root *::after { box-sizing: border-box; }",
    ".title { margin: 0 0 8px; font-size: 15px; font-weight: 700; color: #174a96; }",
    ".title small { font-weight: 400; color: #5d6677; font-size: 12px; margin-left: 6px; }",
    "form { display: flex; gap: 8px; margin: 0; }",
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
    "li { padding: 8px 0; border-top: 1px solid #eceef2; }",
    "li:first-child { border-top: 0; }",
    ".text { margin: 0 0 4px; font-size: 14px; color: #1d2330; }",
    "mark { color: inherit; border-radius: 2px; padding: 0 1px; }",
    "mark.term { background: #fff1a8; }",
    "mark.answer { background: #d9f2e3; }",
    "a.citation { font-size: 12.5px; color: #1f5fbf; text-decoration: none; word-break: break-word; }",
    "a.citation:hover { text-decoration: underline; }",
  ].join("\n");

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
    parts.push("字符 " + c.start + "–" + c.end);
    return parts.join(" · ");
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

    get maxResults() {
      var n = parseInt(this.getAttribute("results") || "3", 10);
      return n > 0 && n <= 20 ? n : 3;
    }

    buildUI() {
      var box = h("div", "root");
      box.setAttribute("part", "root");
      var title = h("p", "title", "简报问答");
      title.appendChild(h("small", null, "briefqa"));
      box.appendChild(title);

      var form = h("form");
      form.setAttribute("role", "search");
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
        self.ask(input.value.trim());
      });
      return box;
    }

    async ask(question) {
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
        var data = await this.request(question);
        this.setStatus("", false);
        this.renderResults(data);
      } catch (err) {
        this.setStatus(err.message || "请求失败。", true);
      } finally {
        ui.button.disabled = false;
      }
    }

    async request(question) {
      var headers = { "Content-Type": "application/json", Accept: "application/json" };
      var key = this.getAttribute("api-key");
      if (key) headers["X-API-Key"] = key;
      var resp;
      try {
        resp = await fetch(this.endpoint + "/v1/ask", {
          method: "POST",
          headers: headers,
          body: JSON.stringify({ question: question, top_k: this.maxResults, mode: "hybrid" }),
        });
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

    renderResults(data) {
      var out = this._ui.results;
      out.textContent = "";
      var answer = data.answer;
      if (data.abstained || !answer) {
        out.appendChild(h("p", "answer-box none", "未找到相关内容。"));
      } else {
        var p = h("p", "answer-box");
        p.appendChild(renderSnippet(answer.text, answer.highlights, 10000)); // marked by the service
        out.appendChild(p);
      }

      var list = h("ol");
      var self = this;
      (data.passages || []).slice(0, this.maxResults).forEach(function (psg) {
        var li = h("li", "passage");
        var text = h("p", "text");
        text.appendChild(renderSnippet(psg.text, psg.highlights, 120));
        li.appendChild(text);
        var c = psg.citation || {};
        var a = h("a", "citation", citationLabel(c));
        a.href = self.docUrl(c.doc_id, c.start, c.end);
        a.target = "_blank";
        a.rel = "noopener";
        a.title = "在新标签页查看原文";
        li.appendChild(a);
        list.appendChild(li);
      });
      if (list.childNodes.length) out.appendChild(list);
    }
  }

  if (!customElements.get(TAG)) customElements.define(TAG, BriefQAWidget);

  /* ---------- mounting ---------- */

  /** Create a widget in `target` (element or selector) with {endpoint, key}. */
  function mount(target, options) {
    var opts = options || {};
    var container = typeof target === "string" ? document.querySelector(target) : target;
    var widget = document.createElement(TAG);
    if (opts.endpoint) widget.setAttribute("endpoint", opts.endpoint);
    if (opts.key) widget.setAttribute("api-key", opts.key);
    if (opts.results) widget.setAttribute("results", String(opts.results));
    if (container) container.appendChild(widget);
    return widget;
  }

  /** Read data-* from a <script> tag and mount next to it (or into data-target). */
  function mountFromScript(tag) {
    var ds = tag.dataset;
    var endpoint = ds.endpoint || new URL(tag.src, location.href).origin;
    var opts = { endpoint: endpoint, key: ds.key, results: ds.results };
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

  window.BriefQA = { version: "1", mount: mount, mountFromScript: mountFromScript };

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
