"""The keyword leg: BM25 (bm25s) over analyzer units of the passages."""

from __future__ import annotations

from pathlib import Path

import bm25s
import numpy as np


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

    def knows(self, unit: str) -> bool:
        return unit in self._bm25.vocab_dict

    def search(self, units: list[str], k: int, allowed: np.ndarray | None = None) -> list[tuple[int, float]]:
        """Return up to ``k`` ``(row, score)`` pairs with a positive score, best first."""
        known = [u for u in units if self.knows(u)]
        if not known or k <= 0:
            return []
        scores = self._bm25.get_scores(known)
        if allowed is not None:
            mask = np.zeros_like(scores)
            mask[allowed] = 1.0
            scores = scores * mask
        k = min(k, int(np.count_nonzero(scores > 0)))
        if k == 0:
            return []
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(int(r), float(scores[r])) for r in top]
