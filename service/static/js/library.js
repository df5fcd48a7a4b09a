/* The library view (route #library): every document, searchable and sortable; choosing a
 * publication, dates or documents sets the scope of the next questions. */

import { fetchAllDocuments } from "./api.js";
import { getScope, setScope } from "./scope.js";
import { byId, h, issueLabel, setStatus, show } from "./util.js";

let documents = []; // every summary, as GET /v1/documents lists them
let loading = null; // the pending fetch, shared by every caller
const picked = new Set(); // documents ticked in the list
const el = {};

const SORTS = {
  "date-desc": (a, b) => (b.date || "").localeCompare(a.date || "") || a.doc_id.localeCompare(b.doc_id),
  "date-asc": (a, b) => (a.date || "").localeCompare(b.date || "") || a.doc_id.localeCompare(b.doc_id),
  title: (a, b) => (a.title || "").localeCompare(b.title || "", "zh-CN"),
  publication: (a, b) =>
    (a.publication || "").localeCompare(b.publication || "", "zh-CN") || SORTS["date-desc"](a, b),
};

/** The library, loaded once (every page of it); callers share one request. */
export function loadLibrary() {
  if (!loading) {
    loading = fetchAllDocuments().then(
      (docs) => {
        documents = docs;
        return docs;
      },
      (err) => {
        loading = null; // let a later call try again (e.g. after the key was saved)
        throw err;
      }
    );
  }
  return loading;
}

export function titleOf(docId) {
  const doc = documents.find((d) => d.doc_id === docId);
  return doc ? doc.title || doc.doc_id : docId;
}

function matches(doc, needle) {
  if (!needle) return true;
  const hay = [doc.title, doc.publication, doc.issue, doc.issue_total, doc.date, doc.doc_id].join(" ").toLowerCase();
  return needle
    .toLowerCase()
    .split(/\s+/)
    .every((word) => hay.includes(word));
}

function factsOf(doc) {
  const facts = h("p", "doc-facts");
  const add = (cls, text) => text && facts.appendChild(h("span", cls, text));
  add("doc-pub", doc.publication);
  add("doc-issue", issueLabel(doc.issue, doc.issue_total));
  add("doc-date", doc.date);
  add("doc-format", (doc.format || "").toUpperCase());
  add("doc-passages", `${doc.passages} 段`);
  if (doc.page_count) add("doc-pages", `${doc.page_count} 页`);
  return facts;
}

function renderItem(doc) {
  const li = h("li", "doc-item");
  const box = h("input");
  box.type = "checkbox";
  box.checked = picked.has(doc.doc_id);
  box.setAttribute("aria-label", `选择《${doc.title || doc.doc_id}》`);
  box.addEventListener("change", () => {
    if (box.checked) picked.add(doc.doc_id);
    else picked.delete(doc.doc_id);
    updatePicked();
  });
  li.appendChild(box);

  const main = h("div", "doc-main");
  const link = h("a", "doc-link", doc.title || doc.doc_id);
  link.href = `#doc=${encodeURIComponent(doc.doc_id)}`;
  main.appendChild(link);
  main.appendChild(factsOf(doc));
  li.appendChild(main);

  const only = h("button", "btn btn-small doc-only", "只问这篇");
  only.type = "button";
  only.setAttribute("aria-label", `只问《${doc.title || doc.doc_id}》`);
  only.addEventListener("click", () => applyScope({ docIds: [doc.doc_id] }));
  li.appendChild(only);
  return li;
}

function renderList() {
  const needle = el.filter.value.trim();
  const shown = documents.filter((d) => matches(d, needle)).sort(SORTS[el.sort.value] || SORTS["date-desc"]);
  el.list.textContent = "";
  for (const doc of shown) el.list.appendChild(renderItem(doc));
  el.count.textContent = needle ? `${shown.length} / ${documents.length} 篇` : `共 ${documents.length} 篇`;
}

function updatePicked() {
  el.picked.textContent = picked.size ? `已选 ${picked.size} 篇文档` : "";
}

function fillPublications() {
  const names = Array.from(new Set(documents.map((d) => d.publication).filter(Boolean))).sort((a, b) =>
    a.localeCompare(b, "zh-CN")
  );
  const chosen = el.publication.value || getScope().publication;
  el.publication.textContent = "";
  el.publication.appendChild(h("option", null, "全部刊物")).value = "";
  for (const name of names) el.publication.appendChild(h("option", null, name)).value = name;
  el.publication.value = names.includes(chosen) ? chosen : "";
}

/** Set the scope and go back to the question box. */
function applyScope(next) {
  setScope(next);
  location.hash = "";
  byId("question").focus();
}

function onApply(event) {
  event.preventDefault();
  const next = {
    publication: el.publication.value,
    dateFrom: el.dateFrom.value,
    dateTo: el.dateTo.value,
    docIds: Array.from(picked),
  };
  if (next.dateFrom && next.dateTo && next.dateFrom > next.dateTo) {
    setStatus(el.status, "error", "起始日期晚于截止日期。");
    return;
  }
  if (!next.publication && !next.dateFrom && !next.dateTo && !next.docIds.length) {
    setStatus(el.status, "error", "请先选择刊物、日期或文档。");
    return;
  }
  applyScope(next);
}

/** Show the library view, loading the list the first time. */
export async function showLibrary() {
  const scope = getScope();
  el.dateFrom.value = scope.dateFrom;
  el.dateTo.value = scope.dateTo;
  picked.clear();
  scope.docIds.forEach((id) => picked.add(id));
  updatePicked();
  if (!documents.length) setStatus(el.status, "loading", "正在加载文档库…");
  try {
    await loadLibrary();
    setStatus(el.status, null, "");
    fillPublications();
    el.publication.value = scope.publication;
    renderList();
  } catch (err) {
    setStatus(el.status, "error", err.message || "无法加载文档库。");
  }
}

export function initLibrary() {
  Object.assign(el, {
    filter: byId("library-filter"),
    sort: byId("library-sort"),
    list: byId("library-list"),
    count: byId("library-count"),
    status: byId("library-status"),
    form: byId("scope-form"),
    publication: byId("scope-publication"),
    dateFrom: byId("scope-from"),
    dateTo: byId("scope-to"),
    picked: byId("library-picked"),
  });
  el.filter.addEventListener("input", renderList);
  el.sort.addEventListener("change", renderList);
  el.form.addEventListener("submit", onApply);
  show(el.status, false);
}
