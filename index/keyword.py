"""The keyword leg: BM25 (bm25s) over analyzer units of the passages."""

from __future__ import annotations

from pathlib import Path

import bm25s
import numpy as np

from index.fusion import Ranking


class KeywordIndex:
    """BM25 over pre-tokenised passages; unknown query units are simply ignored."""

    def __init__(self, retriever: bm25s.BM25) -> None:
        self._bm25 = retriever

    @classmethod
    def build(cls, units: list[list[str]]) -> KeywordIndex:
        retriever = bm25s.BM25()
        retriever.index(units, show_progress=False)
        return cls(retriever)

    @classmethod
    def load(cls, folder: Path) -> KeywordIndex:
        return cls(bm25s.BM25.load(str(folder), show_progress=False))

    def save(self, folder: Path) -> None:
        self._bm25.save(str(folder), show_progress=False)

    def weights(self) -> list[dict[str, float]]:
        """Each passage's weight per unit as bm25s scores it (a query's score adds those of its units,
        a repeated unit again): what a Milvus sparse vector stores to score exactly as bm25s."""
        scores, vocab = self._bm25.scores, self._bm25.vocab_dict
        out: list[dict[str, float]] = [{} for _ in range(int(scores["num_docs"]))]
        indptr, rows, data = scores["indptr"], scores["indices"], scores["data"]
        for unit, column in vocab.items():
            if column + 1 >= len(indptr):  # bm25s adds an empty unit that has no column
                continue
            for at in range(int(indptr[column]), int(indptr[column + 1])):
                out[int(rows[at])][unit] = float(data[at])
        return out

    def knows(self, unit: str) -> bool:
        return unit in self._bm25.vocab_dict

    def search(self, units: list[str], k: int, allowed: np.ndarray | None = None) -> Ranking:
        """Return up to ``k`` ``(row, score)`` pairs with a positive score, best first, only among
        ``allowed`` rows if given."""
        known = [u for u in units if self.knows(u)]
        if not known or k <= 0:
            return []
        return _top(self.scores(known, self._mask(allowed)), k)

    def scores(self, units: list[str], mask: np.ndarray | None = None) -> np.ndarray:
        """BM25 score of every passage for known ``units``, times ``mask`` (bm25s's ``weight_mask``);
        bm25s's own scoring measured fastest (docs/performance.md)."""
        return np.asarray(self._bm25.get_scores(units, weight_mask=mask))

    def search_alternatives(self, groups: list[list[list[str]]], k: int, allowed: np.ndarray | None = None) -> Ranking:
        """Like ``search``, for a query whose words each have several possible forms (translations):
        each group lists the unit lists of one word's forms; a passage scores the best form of
        each word, summed, so a word with many senses weighs no more than a word with one."""
        mask = self._mask(allowed)
        total: np.ndarray | None = None
        for forms in groups:
            scored = [self.scores(known, mask) for units in forms if (known := [u for u in units if self.knows(u)])]
            if scored:
                best = np.max(scored, axis=0)
                total = best if total is None else total + best
        if total is None or k <= 0:
            return []
        return _top(total, k)

    def _mask(self, allowed: np.ndarray | None) -> np.ndarray | None:
        """1 for the ``allowed`` rows, 0 for the others (None: every row is allowed)."""
        if allowed is None:
            return None
        mask = np.zeros(self._bm25.scores["num_docs"], dtype=np.dtype(self._bm25.dtype))
        mask[allowed] = 1.0
        return mask


def _top(scores: np.ndarray, k: int) -> Ranking:
    k = min(k, int(np.count_nonzero(scores > 0)))
    if k == 0:
        return []
    return [(int(r), float(scores[r])) for r in _top_rows(scores, k)]


def _top_rows(scores: np.ndarray, k: int, stride: int = 64) -> np.ndarray:
    """The rows of the ``k`` best scores, best first (ties: lower row first).

    Faster than one argpartition over a million passages (docs/performance.md). The k-th best of
    every ``stride``-th score is a floor that at least k scores reach (those k sampled ones), so
    only the few rows at or above it need sorting; the result is exact.
    """
    sample = scores[::stride]
    floor = np.partition(sample, len(sample) - k)[len(sample) - k] if len(sample) > k else -np.inf
    candidates = np.flatnonzero(scores >= floor) if floor > 0 else np.flatnonzero(scores > 0)
    if len(candidates) > 8 * k * stride:  # many ties at the floor: narrow before the full sort
        candidates = np.sort(candidates[np.argpartition(-scores[candidates], k - 1)[:k]])
    return candidates[np.argsort(-scores[candidates], kind="stable")[:k]]
