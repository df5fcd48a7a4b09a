/* briefqa 简报问答 — browser front-end, entry module.
 *
 * Plain ES modules, no build step, no dependencies. Talks to the JSON API on the
 * same origin (/v1/ask, /v1/documents, /v1/feedback). Views, by route:
 *   (none)               the question box and the results
 *   #library             every document; choose the scope of the next questions
 *   #doc=ID&start=S&end=E  one document, the cited span marked (also opened by the widget)
 * Every API string goes into the page as text, never as markup (see js/util.js).
 */
import { loadApiKey, postJson, saveApiKey } from "./js/api.js";
import { initDocumentView, loadDocument, renderDocument } from "./js/document.js";
import { initLibrary, loadLibrary, showLibrary, titleOf } from "./js/library.js";
import { renderResults } from "./js/results.js";
import { clearScope, describeScope, filtersOf, getScope, isEverything, onScopeChange } from "./js/scope.js";
import { byId, setStatus, show } from "./js/util.js";

const MODE_LABELS = { hybrid: "混合", dense: "语义", bm25: "关键词" };
const el = {};
let inFlight = null; // AbortController of the current /v1/ask call
let lastLink = null; // the link that opened the document view (focus returns here)
let openedInApp = false; // true when history.back() leads to the view the document was opened from
let openedFrom = "search"; // that view
let currentView = null; // the view on screen

/* ---------- asking ---------- */

function currentMode() {
  const checked = document.querySelector('input[name="mode"]:checked');
  return checked ? checked.value : "hybrid";
}

/** Ask; `scope: false` asks the whole library even where the service would limit the question. */
async function ask(question, scope = true) {
  if (inFlight) inFlight.abort(); // a newer question supersedes an older one still in flight
  const ctrl = new AbortController();
  inFlight = ctrl;

  const mode = currentMode();
  const body = { question, top_k: Number(el.topK.value) || 5, mode, scope };
  const filters = filtersOf(getScope());
  if (filters) body.filters = filters;
  setBusy(true);
  setStatus(el.status, "loading", `正在检索（${MODE_LABELS[mode] || mode}）…`);
  try {
    const resp = await postJson("/v1/ask", body, ctrl.signal);
    if (ctrl !== inFlight) return;
    setStatus(el.status, scope ? null : "info", scope ? "" : "已在全部文档中检索，未自动限定范围。");
    renderResults(el, resp, () => ask(question, false));
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

/* ---------- the scope in force ---------- */

function renderScopeBar() {
  const scope = getScope();
  const everything = isEverything(scope);
  el.scopeText.textContent = everything ? "全部文档" : describeScope(scope, titleOf);
  el.scopeBar.classList.toggle("is-scoped", !everything);
  show(el.scopeClear, !everything);
  show(el.scopeChoose, everything);
}

/* ---------- views and routes ---------- */

function parseRoute() {
  const raw = location.hash.replace(/^#/, "");
  if (raw === "library") return { view: "library" };
  const params = new URLSearchParams(raw);
  const id = params.get("doc");
  if (id) return { view: "doc", id, start: params.get("start"), end: params.get("end") };
  return { view: "search" };
}

function showView(view) {
  show(el.searchView, view === "search");
  show(el.libraryView, view === "library");
  show(el.docView, view === "doc");
  show(el.scopeBar, view !== "doc");
  el.navAsk.toggleAttribute("aria-current", view === "search");
  el.navLibrary.toggleAttribute("aria-current", view === "library");
  currentView = view;
}

async function showDocument(route) {
  show(el.docArticle, false);
  setStatus(el.docStatus, "loading", "正在加载原文…");
  el.docBack.textContent = !openedInApp ? "← 返回搜索" : openedFrom === "library" ? "← 返回文档库" : "← 返回结果";
  try {
    const doc = await loadDocument(route.id);
    const now = parseRoute(); // the route may have changed while we were waiting
    if (now.id !== route.id || now.start !== route.start || now.end !== route.end) return;
    setStatus(el.docStatus, null, "");
    show(el.docArticle, true);
    focusCited(renderDocument(doc, route.start, route.end));
  } catch (err) {
    setStatus(el.docStatus, "error", err.message || "无法加载原文。");
    el.docBack.focus();
  }
}

function focusCited(mark) {
  if (!mark) {
    window.scrollTo(0, 0);
    el.docTitle.focus();
    return;
  }
  // Instant scroll: the reader asked to see this span, animate nothing.
  mark.scrollIntoView({ block: "center", inline: "nearest" });
  mark.focus({ preventScroll: true });
}

function returnFocus() {
  if (lastLink && document.contains(lastLink)) {
    lastLink.focus();
    lastLink.scrollIntoView({ block: "center" });
  }
}

async function route() {
  const r = parseRoute();
  const from = currentView;
  showView(r.view);
  if (r.view === "doc") return showDocument(r);
  if (r.view === "library") {
    await showLibrary();
    const href = lastLink && lastLink.getAttribute("href");
    if (href && !document.contains(lastLink)) lastLink = el.libraryView.querySelector(`a[href="${CSS.escape(href)}"]`);
  }
  if (from === "doc") returnFocus(); // back from a document: to the link that opened it
}

function closeDocument() {
  if (openedInApp) {
    openedInApp = false; // the link pushed a history entry; going back keeps history tidy
    history.back();
  } else {
    // Opened directly (e.g. from the widget): drop the hash without a new entry.
    history.replaceState(null, "", location.pathname + location.search);
    route();
    el.question.focus();
  }
}

/** Any link to a document remembers where it was clicked, for "返回". */
function onLinkClick(event) {
  const link = event.target.closest && event.target.closest('a[href^="#doc="]');
  if (!link) return;
  lastLink = link;
  openedInApp = true;
  openedFrom = el.libraryView.hidden ? "search" : "library";
}

/* ---------- wiring ---------- */

function lookUp() {
  const ids = {
    form: "ask-form", question: "question", askButton: "ask-button", topK: "top-k", settings: "settings",
    apiKey: "api-key", apiKeySave: "api-key-save", apiKeyState: "api-key-state", status: "status",
    searchView: "search-view", libraryView: "library-view", results: "results", answer: "answer",
    serviceScope: "service-scope", passages: "passages", passagesTitle: "passages-title",
    resultMeta: "result-meta", docView: "doc-view", docBack: "doc-back", docJump: "doc-jump",
    docStatus: "doc-status", docArticle: "doc-article", docTitle: "doc-title", scopeBar: "scope-bar",
    scopeText: "scope-text", scopeClear: "scope-clear", scopeChoose: "scope-choose", navAsk: "nav-ask",
    navLibrary: "nav-library", libraryBadge: "library-badge",
  };
  for (const [name, id] of Object.entries(ids)) el[name] = byId(id);
}

function wireApiKey() {
  el.apiKey.value = loadApiKey();
  el.apiKeyState.textContent = el.apiKey.value ? "已保存密钥。" : "";
  el.apiKeySave.addEventListener("click", () => {
    const key = el.apiKey.value.trim();
    const ok = saveApiKey(key);
    el.apiKeyState.textContent = ok ? (key ? "已保存密钥。" : "已清除密钥。") : "无法保存：浏览器禁止本地存储。";
  });
}

function init() {
  lookUp();
  initLibrary();
  initDocumentView();
  el.form.addEventListener("submit", onSubmit);
  el.docBack.addEventListener("click", closeDocument);
  el.docJump.addEventListener("click", (e) => {
    e.preventDefault(); // keep the #doc route in the URL; just scroll to the quote
    focusCited(byId("cited-span"));
  });
  el.scopeClear.addEventListener("click", () => {
    clearScope();
    el.question.focus();
  });
  document.addEventListener("click", onLinkClick);
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && !el.docView.hidden) closeDocument();
  });
  onScopeChange(renderScopeBar);
  renderScopeBar();
  wireApiKey();
  loadLibrary().then(
    (docs) => {
      el.libraryBadge.textContent = String(docs.length);
      renderScopeBar(); // titles of chosen documents are known now
    },
    () => {} // the library view reports its own errors when opened
  );

  window.addEventListener("hashchange", route);
  const first = parseRoute();
  route();
  if (first.view === "search") el.question.focus();
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
else init();
