/* briefqa 简报问答 — browser front-end.
 *
 * Plain script, no build step, no dependencies. Talks to the JSON API on the
 * same origin (/v1/ask, /v1/documents/{id}).
 *
 * Safety rule: every string that comes from the API is put into the page with
 * textContent / createTextNode, never innerHTML, so briefing text can't inject
 * markup.
 *
 * Offsets: the API is written in Python, whose string offsets count Unicode
 * code points, while JS strings index UTF-16 units. All slicing therefore goes
 * through codePoints() so characters outside the BMP can't shift highlights.
 */
(function () {
  "use strict";

  const KEY_STORAGE = "briefqa.apiKey";
  const MODE_LABELS = { hybrid: "混合", dense: "语义", bm25: "关键词" };

  // Elements are looked up once; the page is static.
  const el = {};
  let inFlight = null; // AbortController of the current /v1/ask call
  let lastCitation = null; // link that opened the document view (focus returns here)
  let openedFromResults = false; // true when history.back() leads to the results

  /* ---------- small helpers ---------- */

  function byId(id) {
    return document.getElementById(id);
  }

  function h(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  /** Split into code points so offsets match Python's str indices. */
  function codePoints(text) {
    return Array.from(text || "");
  }

  function clampInt(value, lo, hi) {
    const n = Number(value);
    if (!Number.isFinite(n)) return null;
    return Math.min(Math.max(Math.trunc(n), lo), hi);
  }

  function show(node, visible) {
    node.hidden = !visible;
  }

  /* ---------- API key (optional, per browser) ---------- */

  // localStorage can throw (privacy mode, disabled storage): treat as "no key".
  function loadApiKey() {
    try {
      return localStorage.getItem(KEY_STORAGE) || "";
    } catch (_) {
      return "";
    }
  }

  function saveApiKey(key) {
    try {
      if (key) localStorage.setItem(KEY_STORAGE, key);
      else localStorage.removeItem(KEY_STORAGE);
      return true;
    } catch (_) {
      return false;
    }
  }

  /* ---------- HTTP ---------- */

  class ApiError extends Error {
    constructor(message, status, code) {
      super(message);
      this.status = status;
      this.code = code;
    }
  }

  /** fetch JSON; turn the API's {"error": {code, message}} shape into ApiError. */
  async function apiFetch(path, options) {
    const headers = { Accept: "application/json" };
    const key = loadApiKey();
    if (key) headers["X-API-Key"] = key;
    const init = Object.assign({}, options, { headers: Object.assign(headers, (options && options.headers) || {}) });

    let resp;
    try {
      resp = await fetch(path, init);
    } catch (err) {
      if (err && err.name === "AbortError") throw err;
      throw new ApiError("无法连接到服务器，请检查网络后重试。", 0, "network_error");
    }

    let body = null;
    try {
      body = await resp.json();
    } catch (_) {
      body = null; // non-JSON body (e.g. a proxy's HTML error page)
    }
    if (!resp.ok) {
      const e = body && body.error;
      const msg = (e && e.message) || `服务器返回错误（HTTP ${resp.status}）。`;
      throw new ApiError(msg, resp.status, (e && e.code) || "http_error");
    }
    if (body === null) throw new ApiError("服务器返回了无法解析的数据。", resp.status, "bad_response");
    return body;
  }

  /* ---------- status messages ---------- */

  /** kind: "loading" | "error" | "info"; empty message hides the box. */
  function setStatus(node, kind, message) {
    node.textContent = "";
    node.className = "status" + (kind ? " status-" + kind : "");
    if (!message) {
      show(node, false);
      return;
    }
    if (kind === "loading") node.appendChild(h("span", "spinner"));
    node.appendChild(h("span", null, message));
    show(node, true);
  }

  /* ---------- highlighting ---------- */

  /**
   * Render `text` with highlight ranges as a DocumentFragment.
   * "answer" ranges become <mark class="answer">, "term" ranges become
   * <mark class="term"> (nested inside an answer mark where they overlap).
   * Ranges may overlap or be out of bounds; they are clamped and merged.
   */
  function renderHighlighted(text, highlights) {
    const chars = codePoints(text);
    const n = chars.length;
    const answers = mergeRanges(rangesOfKind(highlights, "answer", n));
    const terms = mergeRanges(rangesOfKind(highlights, "term", n));

    // Every range edge is a cut point; between cuts membership is constant.
    const cuts = new Set([0, n]);
    for (const r of answers.concat(terms)) {
      cuts.add(r[0]);
      cuts.add(r[1]);
    }
    const points = Array.from(cuts).sort((a, b) => a - b);

    const frag = document.createDocumentFragment();
    let answerMark = null;
    let answerIdx = -1;
    for (let i = 0; i + 1 < points.length; i++) {
      const a = points[i];
      const b = points[i + 1];
      if (a === b) continue;
      const piece = chars.slice(a, b).join("");
      const ai = answers.findIndex((r) => r[0] <= a && b <= r[1]);
      const inTerm = terms.some((r) => r[0] <= a && b <= r[1]);

      let parent = frag;
      if (ai >= 0) {
        // Consecutive pieces of one answer range share one <mark class="answer">.
        if (ai !== answerIdx) {
          answerMark = h("mark", "answer");
          frag.appendChild(answerMark);
          answerIdx = ai;
        }
        parent = answerMark;
      } else {
        answerIdx = -1;
      }
      parent.appendChild(inTerm ? h("mark", "term", piece) : document.createTextNode(piece));
    }
    return frag;
  }

  function rangesOfKind(highlights, kind, n) {
    const out = [];
    for (const hl of highlights || []) {
      if (!hl || hl.kind !== kind) continue;
      const s = clampInt(hl.start, 0, n);
      const e = clampInt(hl.end, 0, n);
      if (s !== null && e !== null && e > s) out.push([s, e]);
    }
    return out;
  }

  /** Merge overlapping/adjacent ranges so nested marks never cross. */
  function mergeRanges(ranges) {
    const sorted = ranges.slice().sort((x, y) => x[0] - y[0]);
    const out = [];
    for (const r of sorted) {
      const last = out[out.length - 1];
      if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
      else out.push([r[0], r[1]]);
    }
    return out;
  }

  /* ---------- citations ---------- */

  function docHref(docId, start, end) {
    return `#doc=${encodeURIComponent(docId)}&start=${start}&end=${end}`;
  }

  /** 《title》 · publication issue · date · section · 字符 start–end */
  function citationLabel(c) {
    const parts = [];
    parts.push(`《${c.title || c.doc_id}》`);
    const pubIssue = [c.publication, c.issue].filter(Boolean).join(" ");
    if (pubIssue) parts.push(pubIssue);
    if (c.date) parts.push(c.date);
    if (c.section) parts.push(c.section);
    parts.push(`字符 ${c.start}–${c.end}`);
    return parts.join(" · ");
  }

  function citationLink(citation, start, end) {
    const a = h("a", "citation", citationLabel(citation));
    a.href = docHref(citation.doc_id, start, end);
    a.title = "查看原文并定位引文";
    // Remember where the user came from so "返回" restores focus there.
    a.addEventListener("click", () => {
      lastCitation = a;
      openedFromResults = true;
    });
    return a;
  }

  /* ---------- results rendering ---------- */

  function renderAnswer(resp) {
    const box = el.answer;
    box.textContent = "";
    const answer = resp.answer;

    if (resp.abstained || !answer) {
      box.className = "answer-card answer-abstained";
      box.appendChild(h("p", "answer-label", "未找到相关内容"));
      box.appendChild(
        h("p", "answer-hint", "简报中没有足以回答该问题的内容。可以换个说法，或切换检索方式再试。")
      );
      return;
    }

    box.className = "answer-card";
    box.appendChild(h("p", "answer-label", "答案"));
    const text = h("p", "answer-text");
    // The service marks the question's terms in the answer (answer.highlights), as in passages.
    text.appendChild(renderHighlighted(answer.text, answer.highlights));
    box.appendChild(text);

    // Source line: the answer's own span in the document (answer start/end are
    // document offsets, like citation start/end).
    const src = (resp.passages || []).find((p) => p.rank === answer.passage_rank);
    const line = h("p", "answer-source");
    line.appendChild(h("span", null, "出处："));
    const citation = src ? src.citation : { doc_id: answer.doc_id, title: answer.doc_id };
    const label = Object.assign({}, citation, { start: answer.start, end: answer.end });
    line.appendChild(citationLink(label, answer.start, answer.end));
    box.appendChild(line);
  }

  function rankText(p) {
    const bits = [];
    const r = p.ranks || {};
    if (r.dense != null) bits.push(`语义第 ${r.dense}`);
    if (r.bm25 != null) bits.push(`关键词第 ${r.bm25}`);
    if (typeof p.score === "number") bits.push(`得分 ${p.score.toFixed(3)}`);
    return bits.join(" · ");
  }

  function renderPassage(p, answerRank) {
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
    return li;
  }

  function renderResults(resp) {
    renderAnswer(resp);
    const passages = resp.passages || [];
    const answerRank = resp.answer && !resp.abstained ? resp.answer.passage_rank : null;

    el.passages.textContent = "";
    for (const p of passages) el.passages.appendChild(renderPassage(p, answerRank));
    el.passagesTitle.textContent = passages.length
      ? resp.abstained ? "可能相关的段落" : "引用段落"
      : "没有检索到段落";

    const took = typeof resp.took_ms === "number" ? `${Math.round(resp.took_ms)} ms` : "";
    el.resultMeta.textContent = [
      `${passages.length} 段`,
      took && `用时 ${took}`,
      resp.index_version && `索引 ${resp.index_version}`,
    ]
      .filter(Boolean)
      .join(" · ");
    show(el.results, true);
  }

  /* ---------- asking ---------- */

  function currentMode() {
    const checked = document.querySelector('input[name="mode"]:checked');
    return checked ? checked.value : "hybrid";
  }

  async function ask(question) {
    // A newer question supersedes an older one still in flight.
    if (inFlight) inFlight.abort();
    const ctrl = new AbortController();
    inFlight = ctrl;

    const mode = currentMode();
    setBusy(true);
    setStatus(el.status, "loading", `正在检索（${MODE_LABELS[mode] || mode}）…`);
    try {
      const resp = await apiFetch("/v1/ask", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ question, top_k: Number(el.topK.value) || 5, mode }),
        signal: ctrl.signal,
      });
      if (ctrl !== inFlight) return;
      setStatus(el.status, null, "");
      renderResults(resp);
    } catch (err) {
      if (err && err.name === "AbortError") return;
      show(el.results, false);
      setStatus(el.status, "error", err.message || "请求失败。");
      // A missing/invalid key is fixable right here: open the settings.
      if (err.status === 401 || err.status === 403) {
        el.settings.open = true;
        el.apiKey.focus();
      }
    } finally {
      if (ctrl === inFlight) {
        inFlight = null;
        setBusy(false);
      }
    }
  }

  function setBusy(busy) {
    el.askButton.disabled = busy;
    el.results.setAttribute("aria-busy", busy ? "true" : "false");
  }

  function onSubmit(event) {
    event.preventDefault();
    const q = el.question.value.trim();
    if (!q) {
      setStatus(el.status, "error", "请输入问题。");
      el.question.focus();
      return;
    }
    ask(q);
  }

  /* ---------- document view (route #doc=ID&start=S&end=E) ---------- */

  const docCache = new Map();

  function parseDocRoute() {
    const params = new URLSearchParams(location.hash.replace(/^#/, ""));
    const id = params.get("doc");
    if (!id) return null;
    return { id, start: params.get("start"), end: params.get("end") };
  }

  async function loadDocument(id) {
    if (docCache.has(id)) return docCache.get(id);
    const doc = await apiFetch(`/v1/documents/${encodeURIComponent(id)}`);
    docCache.set(id, doc);
    return doc;
  }

  function renderDocument(doc, startRaw, endRaw) {
    const chars = codePoints(doc.text);
    const n = chars.length;
    const start = clampInt(startRaw, 0, n);
    const end = clampInt(endRaw, 0, n);

    el.docTitle.textContent = doc.title || doc.doc_id;
    el.docMeta.textContent = [[doc.publication, doc.issue].filter(Boolean).join(" "), doc.date]
      .filter(Boolean)
      .join(" · ");
    el.docText.textContent = "";

    if (start === null || end === null || end <= start) {
      el.docText.textContent = doc.text;
      show(el.docJump, false);
      return null;
    }
    el.docText.appendChild(document.createTextNode(chars.slice(0, start).join("")));
    const mark = h("mark", "cited", chars.slice(start, end).join(""));
    mark.id = "cited-span";
    mark.tabIndex = -1; // focusable by script so screen readers land on the quote
    el.docText.appendChild(mark);
    el.docText.appendChild(document.createTextNode(chars.slice(end).join("")));
    show(el.docJump, true);
    return mark;
  }

  async function showDocument(route) {
    show(el.searchView, false);
    show(el.docView, true);
    show(el.docArticle, false);
    setStatus(el.docStatus, "loading", "正在加载原文…");
    el.docBack.textContent = openedFromResults ? "← 返回结果" : "← 返回搜索";
    try {
      const doc = await loadDocument(route.id);
      // The route may have changed while we were waiting.
      const now = parseDocRoute();
      if (!now || now.id !== route.id || now.start !== route.start || now.end !== route.end) return;
      setStatus(el.docStatus, null, "");
      show(el.docArticle, true);
      const mark = renderDocument(doc, route.start, route.end);
      focusCited(mark);
    } catch (err) {
      setStatus(el.docStatus, "error", err.message || "无法加载原文。");
      el.docBack.focus();
    }
  }

  function focusCited(mark) {
    if (!mark) {
      el.docTitle.focus();
      return;
    }
    // Instant scroll: the reader asked to see this span, animate nothing.
    mark.scrollIntoView({ block: "center", inline: "nearest" });
    mark.focus({ preventScroll: true });
  }

  function showSearch() {
    show(el.docView, false);
    show(el.searchView, true);
    if (lastCitation && document.contains(lastCitation)) {
      lastCitation.focus();
      lastCitation.scrollIntoView({ block: "center" });
    }
  }

  function route() {
    const r = parseDocRoute();
    if (r) showDocument(r);
    else showSearch();
  }

  function closeDocument() {
    if (openedFromResults) {
      // The citation click pushed a history entry; going back keeps history tidy.
      openedFromResults = false;
      history.back();
    } else {
      // Opened directly (e.g. from the widget): drop the hash without a new entry.
      history.replaceState(null, "", location.pathname + location.search);
      showSearch();
      el.question.focus();
    }
  }

  /* ---------- wiring ---------- */

  function init() {
    Object.assign(el, {
      form: byId("ask-form"),
      question: byId("question"),
      askButton: byId("ask-button"),
      topK: byId("top-k"),
      settings: byId("settings"),
      apiKey: byId("api-key"),
      apiKeySave: byId("api-key-save"),
      apiKeyState: byId("api-key-state"),
      status: byId("status"),
      searchView: byId("search-view"),
      results: byId("results"),
      answer: byId("answer"),
      passages: byId("passages"),
      passagesTitle: byId("passages-title"),
      resultMeta: byId("result-meta"),
      docView: byId("doc-view"),
      docBack: byId("doc-back"),
      docJump: byId("doc-jump"),
      docStatus: byId("doc-status"),
      docArticle: byId("doc-article"),
      docTitle: byId("doc-title"),
      docMeta: byId("doc-meta"),
      docText: byId("doc-text"),
    });

    el.form.addEventListener("submit", onSubmit);
    el.docBack.addEventListener("click", closeDocument);
    el.docJump.addEventListener("click", (e) => {
      // Keep the #doc route in the URL; just scroll to the quote.
      e.preventDefault();
      focusCited(byId("cited-span"));
    });
    document.addEventListener("keydown", (e) => {
      if (e.key === "Escape" && !el.docView.hidden) closeDocument();
    });

    el.apiKey.value = loadApiKey();
    el.apiKeyState.textContent = el.apiKey.value ? "已保存密钥。" : "";
    el.apiKeySave.addEventListener("click", () => {
      const ok = saveApiKey(el.apiKey.value.trim());
      el.apiKeyState.textContent = ok ? (el.apiKey.value.trim() ? "已保存密钥。" : "已清除密钥。") : "无法保存：浏览器禁止本地存储。";
    });

    window.addEventListener("hashchange", route);
    if (parseDocRoute()) route();
    else el.question.focus();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
