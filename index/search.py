"""Hybrid search: the dense and keyword legs, fused, with filters and per-leg evidence."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from index.embedder import Embedder
from index.fusion import FusionSettings, fuse_rankings
from index.passage_index import PassageIndex
from ingest.documents import Passage
from ingest.normalize import simplify
from ingest.terms import Analyzer

MODES = ("hybrid", "dense", "bm25")


@dataclass(frozen=True)
class Filters:
    """Restrict a search to some documents, a publication, or an inclusive ISO date range."""

    doc_ids: tuple[str, ...] = ()
    publication: str | None = None
    date_from: str | None = None
    date_to: str | None = None

    def is_empty(self) -> bool:
        return not (self.doc_ids or self.publication or self.date_from or self.date_to)


@dataclass(frozen=True)
class Hit:
    """A ranked passage and why it ranked: each leg's rank (1-based) and score."""

    passage: Passage
    rank: int
    score: float
    dense_rank: int | None
    dense_score: float | None
    bm25_rank: int | None
    bm25_score: float | None


@dataclass(frozen=True)
class SearchResult:
    hits: list[Hit]
    terms: list[str]
    query_vector: np.ndarray | None


class Searcher:
    """Answers searches against one loaded index version; safe to share between threads."""

    def __init__(
        self, index: PassageIndex, embedder: Embedder, analyzer: Analyzer, fusion: FusionSettings, depth: int = 50
    ) -> None:
        self.index, self.embedder, self.analyzer, self.fusion, self.depth = index, embedder, analyzer, fusion, depth

    def search(self, question: str, k: int = 5, mode: str = "hybrid", filters: Filters | None = None) -> SearchResult:
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}: use one of {', '.join(MODES)}")
        allowed = self._allowed(filters) if filters and not filters.is_empty() else None
        if allowed is not None and len(allowed) == 0:
            return SearchResult([], self.analyzer.terms(question), None)
        depth = max(k, self.depth)
        vector = None
        dense: list[tuple[int, float]] = []
        keyword: list[tuple[int, float]] = []
        if mode in ("hybrid", "dense"):
            vector = self.embedder.embed_queries([simplify(question)])[0]
            dense = self.index.dense.search(vector, depth, allowed)
        if mode in ("hybrid", "bm25"):
            keyword = self.index.keyword.search(self.analyzer.units_of(question), depth, allowed)
        fused = {"dense": dense, "bm25": keyword}.get(mode) or fuse_rankings(dense, keyword, self.fusion)
        return SearchResult(self._hits(fused[:k], dense, keyword), self.analyzer.terms(question), vector)

    def _hits(
        self, fused: list[tuple[int, float]], dense: list[tuple[int, float]], keyword: list[tuple[int, float]]
    ) -> list[Hit]:
        dense_at = {row: (rank + 1, score) for rank, (row, score) in enumerate(dense)}
        keyword_at = {row: (rank + 1, score) for rank, (row, score) in enumerate(keyword)}
        hits = []
        for rank, (row, score) in enumerate(fused, start=1):
            d_rank, d_score = dense_at.get(row, (None, None))
            b_rank, b_score = keyword_at.get(row, (None, None))
            hits.append(Hit(self.index.passages[row], rank, score, d_rank, d_score, b_rank, b_score))
        return hits

    def _allowed(self, filters: Filters) -> np.ndarray:
        docs = self.index.documents
        keep = {
            doc_id
            for doc_id, doc in docs.items()
            if (not filters.doc_ids or doc_id in filters.doc_ids)
            and (not filters.publication or doc.publication == filters.publication)
            and (not filters.date_from or (doc.date or "") >= filters.date_from)
            and (not filters.date_to or (doc.date or "9999") <= filters.date_to)
        }
        return np.array([i for i, p in enumerate(self.index.passages) if p.doc_id in keep], dtype=np.int64)
