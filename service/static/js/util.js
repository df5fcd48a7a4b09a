/* Small DOM helpers shared by the page's modules.
 *
 * Safety rule: every string that comes from the API is put into the page with
 * textContent / createTextNode, never innerHTML, so briefing text can't inject
 * markup.
 *
 * Offsets: the API is written in Python, whose string offsets count Unicode
 * code points, while JS strings index UTF-16 units. All slicing therefore goes
 * through codePoints() so characters outside the BMP can't shift highlights.
 */

export function byId(id) {
  return document.getElementById(id);
}

export function h(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

/** Split into code points so offsets match Python's str indices. */
export function codePoints(text) {
  return Array.from(text || "");
}

export function clampInt(value, lo, hi) {
  if (value === null || value === undefined || value === "") return null;
  const n = Number(value);
  if (!Number.isFinite(n)) return null;
  return Math.min(Math.max(Math.trunc(n), lo), hi);
}

export function show(node, visible) {
  node.hidden = !visible;
}

/** kind: "loading" | "error" | "info"; an empty message hides the box. */
export function setStatus(node, kind, message) {
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

/** 第6期 / 总第142期, whichever the document has. */
export function issueLabel(issue, issueTotal) {
  return [issue, issueTotal].filter(Boolean).join(" / ");
}

/** 第 3 页 or 第 2–3 页; "" without pages. */
export function pageLabel(first, last) {
  if (first == null) return "";
  return last != null && last !== first ? `第 ${first}–${last} 页` : `第 ${first} 页`;
}
