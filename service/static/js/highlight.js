/* Highlighted text: the service's term and answer ranges drawn as <mark> elements. */

import { clampInt, codePoints, h } from "./util.js";

/**
 * Render `text` with highlight ranges as a DocumentFragment.
 * "answer" ranges become <mark class="answer">, "term" ranges become
 * <mark class="term"> (nested inside an answer mark where they overlap).
 * Ranges may overlap or be out of bounds; they are clamped and merged.
 */
export function renderHighlighted(text, highlights) {
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
