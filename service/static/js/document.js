/* The document view (route #doc=ID&start=S&end=E): the clean text with the cited span marked,
 * an outline of its sections (click to jump) and, for paged sources, where each page starts. */

import { apiFetch } from "./api.js";
import { byId, clampInt, codePoints, h, pageLabel, show } from "./util.js";

const cache = new Map();
const el = {};

export function loadDocument(id) {
  if (!cache.has(id)) {
    const pending = apiFetch(`/v1/documents/${encodeURIComponent(id)}`);
    pending.catch(() => cache.delete(id)); // a failed load is retried next time
    cache.set(id, pending);
  }
  return cache.get(id);
}

/** Each section's first line (its heading, for a headed section) becomes a jump target. */
function sectionHeads(doc, chars) {
  return (doc.sections || []).map((s, i) => {
    const start = clampInt(s.start, 0, chars.length);
    let end = start;
    while (end < chars.length && chars[end] !== "\n") end++;
    return { start, end: Math.max(end, Math.min(start + 1, chars.length)), id: `doc-section-${i}` };
  });
}

function pageMark(page) {
  const mark = h("span", "page-mark");
  mark.dataset.page = String(page);
  mark.setAttribute("role", "note");
  mark.setAttribute("aria-label", `第 ${page} 页`);
  return mark;
}

/**
 * Draw the text into el.text: one <mark id="cited-span"> around [start, end), the section heads as
 * spans inside it or beside it, and an (empty, labelled) page marker where each page starts, so the
 * text content stays exactly the document's. Returns the cited mark, or null.
 */
function drawText(doc, chars, cited) {
  const heads = sectionHeads(doc, chars);
  const pages = (doc.pages || []).filter((p) => p.start > 0 && p.start < chars.length);
  const cuts = new Set([0, chars.length]);
  if (cited) cuts.add(cited[0]).add(cited[1]);
  heads.forEach((s) => cuts.add(s.start).add(s.end));
  pages.forEach((p) => cuts.add(p.start));
  const points = Array.from(cuts).sort((a, b) => a - b);

  let mark = null;
  const placed = new Set(); // a head split by the mark keeps its id on its first piece
  for (let i = 0; i + 1 < points.length; i++) {
    const [a, b] = [points[i], points[i + 1]];
    const inCited = cited && cited[0] <= a && b <= cited[1];
    if (inCited && !mark) {
      mark = h("mark", "cited");
      mark.id = "cited-span";
      mark.tabIndex = -1; // focusable by script so screen readers land on the quote
      el.text.appendChild(mark);
    }
    const parent = inCited ? mark : el.text;
    pages.filter((p) => p.start === a).forEach((p) => parent.appendChild(pageMark(p.page)));
    const piece = chars.slice(a, b).join("");
    const head = heads.find((s) => s.start <= a && b <= s.end);
    if (!head) {
      parent.appendChild(document.createTextNode(piece));
      continue;
    }
    const span = h("span", "section-head", piece);
    if (!placed.has(head.id)) {
      span.id = head.id;
      span.tabIndex = -1;
      placed.add(head.id);
    }
    parent.appendChild(span);
  }
  return mark;
}

function drawOutline(doc) {
  el.outline.textContent = "";
  const sections = doc.sections || [];
  show(el.outlineBox, sections.length > 0);
  sections.forEach((s, i) => {
    const li = h("li", `outline-item level-${Math.min(s.level || 0, 3)}`);
    const b = h("button", "outline-link", s.heading || s.title);
    b.type = "button";
    b.title = s.title;
    b.addEventListener("click", () => jumpTo(`doc-section-${i}`, b));
    li.appendChild(b);
    if (s.page != null) li.appendChild(h("span", "outline-page", pageLabel(s.page)));
    el.outline.appendChild(li);
  });
}

function jumpTo(id, button) {
  const target = byId(id);
  if (!target) return;
  el.outline.querySelectorAll("[aria-current]").forEach((n) => n.removeAttribute("aria-current"));
  button.setAttribute("aria-current", "location");
  target.scrollIntoView({ block: "start" });
  target.focus({ preventScroll: true });
}

/** Fill the document view; returns the cited mark (or null when the route names no span). */
export function renderDocument(doc, startRaw, endRaw) {
  const chars = codePoints(doc.text);
  const start = clampInt(startRaw, 0, chars.length);
  const end = clampInt(endRaw, 0, chars.length);
  const cited = start !== null && end !== null && end > start ? [start, end] : null;

  el.title.textContent = doc.title || doc.doc_id;
  const issue = [doc.issue, doc.issue_total].filter(Boolean).join(" / ");
  const pages = doc.page_count ? `共 ${doc.page_count} 页` : "";
  el.meta.textContent = [[doc.publication, issue].filter(Boolean).join(" "), doc.date, pages]
    .filter(Boolean)
    .join(" · ");
  el.text.textContent = "";
  drawOutline(doc);
  const mark = drawText(doc, chars, cited);
  show(el.jump, Boolean(mark));
  return mark;
}

export function initDocumentView() {
  Object.assign(el, {
    title: byId("doc-title"),
    meta: byId("doc-meta"),
    text: byId("doc-text"),
    jump: byId("doc-jump"),
    outline: byId("doc-outline"),
    outlineBox: byId("doc-outline-box"),
  });
}
