"""Hybrid search: the dense and keyword legs, fused, with filters and per-leg evidence."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from index.embedding import Embedder, submit_queries
from index.evidence import lexical_terms, passage_evidence, wanted_shape
from index.fusion import FusionSettings, fuse_rankings, min_max
from index.passage_index import PassageIndex
from index.sentence_vectors import SentenceVectors
from ingest.documents import Passage
from text.cjk import has_chinese
from text.english import Translation, translate
from text.normalize import simplify
from text.sentences import passage_sentences
from text.terms import Analyzer

MODES = ("hybrid", "dense", "bm25")


@dataclass(frozen=True)
class Rerank:
    """Hybrid search re-ranks its best ``depth`` passages, mixing their fused score with the evidence
    of their best single sentence (``index.evidence``) by ``evidence_weight``; depth 0 turns it off.
    The defaults are the service's (BRIEFQA_RERANK_DEPTH, BRIEFQA_EVIDENCE_WEIGHT)."""

    depth: int = 10
    evidence_weight: float = 0.6


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
    translations: list[Translation] = field(default_factory=list)  # an English question's words, in Chinese


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
        self.sentences = sentences if sentences is not None else SentenceVectors(embedder)

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
        # The question is encoded (in the batching thread) while this thread runs the keyword leg.
        encoding = submit_queries(self.embedder, [simplify(question)]) if mode in ("hybrid", "dense") else None
        chinese = has_chinese(question)
        translations = [] if chinese else translate(question)
        # Each Chinese word an English question may stand for, segmented once for both uses below.
        segmented = {word: self.analyzer.terms(word) for t in translations for word in t.chinese}
        terms = self._terms(question, segmented)
        if mode in ("hybrid", "bm25"):
            keyword = self._keyword(terms, translations, segmented, depth, allowed)
        if encoding is not None:
            vector = encoding()[0]
            dense = self.index.dense.search(vector, depth, allowed)
        fusion = self.fusion if chinese else replace(self.fusion, dense_weight=self.fusion.crosslingual_dense_weight)
        fused = {"dense": dense, "bm25": keyword}.get(mode) or fuse_rankings(dense, keyword, fusion)
        if mode == "hybrid" and vector is not None and self.rerank.depth > 1:
            fused = self._by_best_sentence(fused, question, lexical_terms(question, terms), vector, dict(dense))
        hits = self._hits(fused[:k], dense, keyword)
        return SearchResult(hits, terms, vector, translations)

    def _keyword(
        self,
        terms: list[str],
        translations: list[Translation],
        segmented: dict[str, list[str]],
        depth: int,
        allowed: np.ndarray | None,
    ) -> list[tuple[int, float]]:
        """BM25 over the question's units; for an English question, over the Chinese words its words
        may stand for (``text.english``), each English word counted once."""
        if not translations:
            return self.index.keyword.search(self.analyzer.units_of_terms(terms), depth, allowed)
        groups = [[self.analyzer.units_of_terms(segmented[word]) for word in t.chinese] for t in translations]
        return self.index.keyword.search_alternatives(groups, depth, allowed)

    def _terms(self, question: str, segmented: dict[str, list[str]]) -> list[str]:
        """The words to highlight and to judge coverage by: for an English question, those of its
        Chinese translations this corpus may hold (a word of it, or several characters all in it)."""
        if not segmented:
            return self.analyzer.terms(question)
        words = {term for terms in segmented.values() for term in terms}
        known = self.index.keyword.knows
        return sorted(w for w in words if known(f"w:{w}") or (len(w) > 1 and all(known(f"c:{c}") for c in w)))

    def _by_best_sentence(
        self,
        fused: list[tuple[int, float]],
        question: str,
        terms: list[str],
        vector: np.ndarray,
        passage_cosines: dict[int, float],
    ) -> list[tuple[int, float]]:
        """Re-rank the best few passages by their fused score and the evidence of their best sentence.

        A passage of one sentence is that sentence, and its vector (embedded with its heading) says
        more than the bare sentence's: its cosine stands for the sentence's. Scores stay in the
        fused range of those passages, so they still fall with the rank.
        """
        top = fused[: self.rerank.depth]
        if len(top) < 2:
            return fused
        passages = [self.index.passages[row] for row, _ in top]
        cosines = self.sentences.cosines(passages, vector)
        for (row, _), p in zip(top, passages, strict=True):
            spans = passage_sentences(p.text)
            if len(spans) == 1 and row in passage_cosines:
                cosines[(p.doc_id, p.start + spans[0][0], p.start + spans[0][1])] = passage_cosines[row]
        shape = wanted_shape(question)
        evidence = [
            max((score for _, _, score in passage_evidence(p, terms, cosines, shape)), default=0.0) for p in passages
        ]
        weight = self.rerank.evidence_weight
        mixed = [
            (1 - weight) * f + weight * e for f, e in zip(min_max([f for _, f in top]), min_max(evidence), strict=True)
        ]
        low, high = top[-1][1], top[0][1]
        order = sorted(range(len(top)), key=lambda i: -mixed[i])
        return [(top[i][0], low + (high - low) * mixed[i]) for i in order] + fused[len(top) :]

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
