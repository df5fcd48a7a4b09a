"""What a search leg offers, whichever backend holds it (FAISS and bm25s in memory, or Milvus)."""

from __future__ import annotations

from typing import Protocol

import numpy as np

from index.fusion import Ranking


class DenseLeg(Protocol):
    """Inner-product search over passage vectors; ``allowed`` rows restrict it (None: all rows)."""

    def search(self, vector: np.ndarray, k: int, allowed: np.ndarray | None = None) -> Ranking: ...


class KeywordLeg(Protocol):
    """BM25 over analyzer units (see ``index.keyword.KeywordIndex`` for the contract)."""

    def knows(self, unit: str) -> bool: ...

    def search(self, units: list[str], k: int, allowed: np.ndarray | None = None) -> Ranking: ...

    def search_alternatives(
        self, groups: list[list[list[str]]], k: int, allowed: np.ndarray | None = None
    ) -> Ranking: ...
