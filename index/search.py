"""Hybrid search: the dense and keyword legs, fused, with filters and per-leg evidence."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from index.embedder import Embedder
from index.fusion import FusionSettings, fuse_rankings
from index.passage_index import PassageIndex
from ingest.documents import Passage
from ingest.normalize import simplify
from ingest.sentences import sentence_spans
from ingest.terms import Analyzer

MODES = ("hybrid", "dense", "bm25")
_CJK = re.compile(r"[\u3400-\u9fff]")
RERANK_DEPTH = 5


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
    # Cosine of the question to single sentences, keyed by (doc_id, start, end): only computed for
    # questions without Chinese, whose keyword leg has nothing to say.
    sentence_similarity: dict[tuple[str, int, int], float] = field(default_factory=dict)


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
        similarity: dict[tuple[str, int, int], float] = {}
        if vector is not None and not _CJK.search(question):
            fused, similarity = self._rerank_by_sentences(fused, dict(dense), vector)
        hits = self._hits(fused[:k], dense, keyword)
        return SearchResult(hits, self.analyzer.terms(question), vector, similarity)

    def _rerank_by_sentences(
        self, fused: list[tuple[int, float]], cosine: dict[int, float], vector: np.ndarray
    ) -> tuple[list[tuple[int, float]], dict[tuple[str, int, int], float]]:
        """Cross-lingual questions: rescore the top passages by their best single sentence as well.

        A whole-passage vector of a short list of names (a masthead, a footer) sits close to many
        English questions; the sentence that actually answers sits closer still. Measured on the
        briefing's English questions: hit@3 0.57 → 0.71 (docs/retrieval.md).
        """
        top = fused[:RERANK_DEPTH]
        similarity = self.sentence_cosines([self.index.passages[row] for row, _ in top], vector)
        best: dict[str, float] = {}
        for (doc_id, start, _), value in similarity.items():
            for row, _ in top:
                p = self.index.passages[row]
                if p.doc_id == doc_id and p.start <= start < p.end:
                    best[p.passage_id] = max(best.get(p.passage_id, -1.0), value)
        rescored = sorted(
            (
                (row, 0.5 * cosine.get(row, 0.0) + 0.5 * best.get(self.index.passages[row].passage_id, 0.0))
                for row, _ in top
            ),
            key=lambda item: -item[1],
        )
        return rescored + fused[RERANK_DEPTH:], similarity

    def sentence_cosines(self, passages: list[Passage], vector: np.ndarray) -> dict[tuple[str, int, int], float]:
        """Cosine of ``vector`` to every sentence of ``passages``, keyed by (doc_id, start, end)."""
        spans = [(p, s, e) for p in passages for s, e in sentence_spans(p.text)]
        if not spans:
            return {}
        cosines = self.embedder.embed_passages([p.text[s:e] for p, s, e in spans]) @ vector
        return {(p.doc_id, p.start + s, p.start + e): float(c) for (p, s, e), c in zip(spans, cosines, strict=True)}

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
