"""Hybrid search: the dense and keyword legs, fused, with filters and per-leg evidence."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from index.embedding import Embedder, submit_queries
from index.evidence import ANSWER_DEPTH, SentenceEvidence, missing_names, passage_evidence
from index.filters import Filters, allowed_rows
from index.fusion import FusionSettings, Ranking, fuse_rankings
from index.passage_index import PassageIndex
from index.query import Query, analyse
from index.rerank import Candidate, Rerank, RerankScores, reorder, scores
from index.scope import ISSUE_KINDS, Scope, asks_about_issue, resolve_scope
from index.sentence_vectors import SentenceVectors
from ingest.documents import Passage
from text.sentences import passage_sentences
from text.terms import Analyzer

MODES = ("hybrid", "dense", "bm25")
Positions = dict[int, tuple[int, float]]  # a leg's rows: (1-based rank, score)


@dataclass(frozen=True)
class Hit:
    """A ranked passage and why it ranked: each leg's rank (1-based) and score, and the evidence of
    each of its sentences when the search judged them (``index.evidence``; None when it did not)."""

    passage: Passage
    rank: int
    score: float
    dense_rank: int | None
    dense_score: float | None
    bm25_rank: int | None
    bm25_score: float | None
    sentences: tuple[SentenceEvidence, ...] | None = None
    missing_names: int = 0  # places the question names that neither it, its section nor its document's title holds


@dataclass(frozen=True)
class SearchResult:
    """The hits of one search and the analysed question they answer (``query``)."""

    hits: list[Hit]
    query: Query
    query_vector: np.ndarray | None
    scope: Scope | None = None  # the documents the search limited itself to, when the question named them

    @property
    def terms(self) -> list[str]:
        return list(self.query.terms)


class Searcher:
    """Answers searches against one loaded index version; safe to share between threads."""

    def __init__(
        self,
        index: PassageIndex,
        embedder: Embedder,
        analyzer: Analyzer,
        fusion: FusionSettings,
        depth: int = 50,
        sentences: SentenceVectors | None = None,
        rerank: Rerank | None = None,
    ) -> None:
        self.index, self.embedder, self.analyzer, self.fusion, self.depth = index, embedder, analyzer, fusion, depth
        self.rerank = rerank or Rerank()
        self.rerank_scores: RerankScores = scores  # training records what it saw (evaluation.rerank_training)
        self.sentences = sentences if sentences is not None else SentenceVectors(embedder)

    def analyse(self, question: str) -> Query:
        return analyse(question, self.analyzer, self.index.keyword.knows)

    def search(
        self,
        question: str | Query,
        k: int = 5,
        mode: str = "hybrid",
        filters: Filters | None = None,
        scope: bool = True,
    ) -> SearchResult:
        """The ``k`` best passages; the first ``ANSWER_DEPTH`` (in hybrid search, the re-ranked
        ones too) carry the evidence of each of their sentences. With ``scope`` and no ``filters``, a
        question that names or describes an issue is asked of that issue (``index.scope``)."""
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}: use one of {', '.join(MODES)}")
        query = question if isinstance(question, Query) else self.analyse(question)
        if scope and (filters is None or filters.is_empty()):
            resolved = resolve_scope(query.simplified, self.index.documents, self.rank_documents)
            if resolved is not None:
                # The issue named, the rest of the question is what its passages must answer.
                rest = query if resolved[1] == query.simplified else self.analyse(resolved[1])
                return self._scoped(resolved[0], rest, k, mode)
        return self._search(query, k, mode, filters)

    def rank_documents(self, text: str) -> list[tuple[str, float]]:
        """Documents in the order of their best passage for ``text`` (hybrid), with that passage's score."""
        query = self.analyse(text)
        _, dense, keyword = self._legs(query, "hybrid", self.depth, None)
        best: dict[str, float] = {}
        for row, score in fuse_rankings(dense, keyword, self._fusion(query)):
            best.setdefault(self.index.passages[row].doc_id, score)
        return list(best.items())

    def _scoped(self, scope: Scope, query: Query, k: int, mode: str) -> SearchResult:
        if not scope.doc_ids:  # the question is about an issue the library does not hold
            return SearchResult([], query, None, scope)
        # 责任编辑是谁, 印了多少份 … of a named issue: its masthead and footer answer, not its body.
        first = ISSUE_KINDS if asks_about_issue(query.simplified) else ()
        return replace(self._search(query, k, mode, Filters(doc_ids=scope.doc_ids), first), scope=scope)

    def _search(
        self, query: Query, k: int, mode: str, filters: Filters | None, first: tuple[str, ...] = ()
    ) -> SearchResult:
        """The search itself; passages of the ``first`` kinds go before the rest, in their own order."""
        allowed = allowed_rows(self.index, filters) if filters and not filters.is_empty() else None
        if allowed is not None and len(allowed) == 0:
            return SearchResult([], query, None)
        vector, dense, keyword = self._legs(query, mode, max(k, self.depth), allowed)
        fused = {"dense": dense, "bm25": keyword}.get(mode) or fuse_rankings(dense, keyword, self._fusion(query))
        fused = self._kinds_first(fused, first)
        reranks = mode == "hybrid" and vector is not None and self.rerank.depth > 1
        judged_depth = max(self.rerank.depth if reranks else 0, min(k, ANSWER_DEPTH))
        rows = [row for row, _ in fused[:judged_depth]]
        # Only the masthead and footer may answer a question about the issue itself (its date, editor).
        rows = [row for row in rows if self.index.passages[row].kind in first] or rows if first else rows
        judged = self._judge(rows, query, vector, dict(dense))
        at = (_positions(dense), _positions(keyword))
        if reranks:
            fused = self._kinds_first(self._by_best_sentence(fused, judged, at, query), first)
        return SearchResult(self._hits(fused[:k], at, judged, query), query, vector)

    def _kinds_first(self, fused: Ranking, kinds: tuple[str, ...]) -> Ranking:
        if not kinds:
            return fused
        kind_of = [self.index.passages[row].kind in kinds for row, _ in fused]
        return [f for f, k in zip(fused, kind_of, strict=True) if k] + [
            f for f, k in zip(fused, kind_of, strict=True) if not k
        ]

    def _legs(
        self, query: Query, mode: str, depth: int, allowed: np.ndarray | None
    ) -> tuple[np.ndarray | None, Ranking, Ranking]:
        """The question's vector, and the dense and keyword rankings that ``mode`` uses."""
        vector, dense, keyword = None, [], []
        # The question is encoded (in the batching thread) while this thread runs the keyword leg.
        encoding = submit_queries(self.embedder, [query.simplified]) if mode in ("hybrid", "dense") else None
        if mode in ("hybrid", "bm25"):
            keyword = self._keyword(query, depth, allowed)
        if encoding is not None:
            vector = encoding()[0]
            dense = self.index.dense.search(vector, depth, allowed)
        return vector, dense, keyword

    def _fusion(self, query: Query) -> FusionSettings:
        """A question with no Chinese is matched across languages, more weakly: its dense leg weighs less."""
        return (
            self.fusion if query.chinese else replace(self.fusion, dense_weight=self.fusion.crosslingual_dense_weight)
        )

    def _keyword(self, query: Query, depth: int, allowed: np.ndarray | None) -> Ranking:
        """BM25 over the question's units; for an English question, over the Chinese words its words
        may stand for (``text.english``), each English word counted once."""
        if not query.translations:
            return self.index.keyword.search(self.analyzer.units_of_terms(list(query.terms)), depth, allowed)
        groups = [[self.analyzer.units_of_terms(list(terms)) for terms in forms] for forms in query.translated_terms]
        return self.index.keyword.search_alternatives(groups, depth, allowed)

    def _judge(
        self, rows: list[int], query: Query, vector: np.ndarray | None, passage_cosines: dict[int, float]
    ) -> dict[int, tuple[SentenceEvidence, ...]]:
        """The evidence of every sentence of the passages at ``rows`` (``index.evidence``)."""
        passages = [self.index.passages[row] for row in rows]
        # A one-sentence passage the dense leg ranked is judged by its own cosine: no sentence to embed.
        unsure = [p for row, p in zip(rows, passages, strict=True) if not _one_sentence_known(p, row, passage_cosines)]
        cosines = self.sentences.cosines(unsure, vector) if vector is not None and unsure else {}
        return {
            row: passage_evidence(p, query, cosines, passage_cosines.get(row))
            for row, p in zip(rows, passages, strict=True)
        }

    def _by_best_sentence(
        self,
        fused: Ranking,
        judged: dict[int, tuple[SentenceEvidence, ...]],
        at: tuple[Positions, Positions],
        query: Query,
    ) -> Ranking:
        """Re-rank the best few passages by what is known of each and of its best sentence
        (``index.rerank``): 深圳's angel fund is no answer about 广州's."""
        top = fused[: self.rerank.depth]
        if len(top) < 2:
            return fused
        candidates = [self._candidate(row, f, at, judged, query) for row, f in top]
        return reorder(top, self.rerank_scores(candidates, query, self.rerank)) + fused[len(top) :]

    def _candidate(
        self,
        row: int,
        fused: float,
        at: tuple[Positions, Positions],
        judged: dict[int, tuple[SentenceEvidence, ...]],
        query: Query,
    ) -> Candidate:
        passage = self.index.passages[row]
        context = self._context(passage)
        missing = _missing_names(passage, context, query)
        return Candidate(passage, fused, at[0].get(row), at[1].get(row), judged.get(row, ()), context, missing)

    def _context(self, passage: Passage) -> str:
        """Its section heading and its document's title."""
        document = self.index.documents.get(passage.doc_id)
        return f"{passage.section or ''} {document.title if document else ''}"

    def _hits(
        self,
        fused: Ranking,
        at: tuple[Positions, Positions],
        judged: dict[int, tuple[SentenceEvidence, ...]],
        query: Query,
    ) -> list[Hit]:
        """The ranked passages with each leg's rank and score; the first knows which names it lacks."""
        hits = []
        for rank, (row, score) in enumerate(fused, start=1):
            d_rank, d_score = at[0].get(row, (None, None))
            b_rank, b_score = at[1].get(row, (None, None))
            passage = self.index.passages[row]
            missing = _missing_names(passage, self._context(passage), query) if rank == 1 else 0
            hits.append(Hit(passage, rank, score, d_rank, d_score, b_rank, b_score, judged.get(row), missing))
        return hits


def _missing_names(passage: Passage, context: str, query: Query) -> int:
    """The places ``query`` names that neither the passage nor its ``context`` holds."""
    return missing_names(f"{passage.text} {context}", query)


def _positions(leg: Ranking) -> Positions:
    return {row: (rank + 1, score) for rank, (row, score) in enumerate(leg)}


def _one_sentence_known(passage: Passage, row: int, passage_cosines: dict[int, float]) -> bool:
    return row in passage_cosines and len(passage_sentences(passage.text)) == 1
