/* The reader's scope: the filters sent with every question until "全部文档" clears them. */

const EMPTY = Object.freeze({ publication: "", dateFrom: "", dateTo: "", docIds: [] });
let current = EMPTY;
const listeners = [];

export function getScope() {
  return current;
}

export function setScope(next) {
  current = Object.freeze({
    publication: next.publication || "",
    dateFrom: next.dateFrom || "",
    dateTo: next.dateTo || "",
    docIds: Array.from(new Set(next.docIds || [])),
  });
  for (const fn of listeners) fn(current);
}

export function clearScope() {
  setScope(EMPTY);
}

export function onScopeChange(fn) {
  listeners.push(fn);
}

export function isEverything(scope) {
  return !scope.publication && !scope.dateFrom && !scope.dateTo && !scope.docIds.length;
}

/** The /v1/ask `filters` for a scope; null for the whole library. */
export function filtersOf(scope) {
  if (isEverything(scope)) return null;
  const filters = {};
  if (scope.docIds.length) filters.doc_ids = scope.docIds.slice();
  if (scope.publication) filters.publication = scope.publication;
  if (scope.dateFrom) filters.date_from = scope.dateFrom;
  if (scope.dateTo) filters.date_to = scope.dateTo;
  return filters;
}

/** 《领导学刊》 · 2025-01-01 至 2025-06-30 · 《标题》《标题》 (or "3 篇文档"). */
export function describeScope(scope, titleOf) {
  const parts = [];
  if (scope.publication) parts.push(`《${scope.publication}》`);
  if (scope.dateFrom && scope.dateTo) parts.push(`${scope.dateFrom} 至 ${scope.dateTo}`);
  else if (scope.dateFrom) parts.push(`${scope.dateFrom} 起`);
  else if (scope.dateTo) parts.push(`至 ${scope.dateTo}`);
  if (scope.docIds.length > 3) parts.push(`${scope.docIds.length} 篇文档`);
  else if (scope.docIds.length) parts.push(scope.docIds.map((id) => `《${titleOf(id)}》`).join(""));
  return parts.join(" · ");
}
