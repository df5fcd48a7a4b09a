"""Re-ranking the best few hybrid passages: what is known of each (the features), and two ways to score
them: the hand mix of fused score and best-sentence evidence, or a logistic model learned from public
training questions (``evaluation.rerank_training``; its weights ship in ``index/data/reranker.json``)."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from index.evidence import SentenceEvidence, best_evidence, coverage
from index.fusion import Ranking, min_max, z_scores
from index.query import Query
from ingest.documents import Passage

LEARNED = Path(__file__).with_name("data") / "reranker.json"
RERANKERS = ("auto", "learned", "mix")
# The learned model saw only one-sentence passages (CMRC's sentence-level set): ``auto`` lets it score
# a question's candidates when this share of them are single sentences, and the hand mix otherwise.
ONE_SENTENCE_SHARE = 0.8

FEATURES = (
    "fused_z",
    "fused_rank",
    "dense_cosine",
    "dense_gap",
    "dense_rank",
    "bm25_share",
    "bm25_rank",
    "bm25_unranked",
    "sentence_cosine",
    "sentence_gap",
    "sentence_coverage",
    "passage_coverage",
    "context_coverage",
    "shaped",
    "evidence",
    "missing_names",
    "length",
)


@dataclass(frozen=True)
class Rerank:
    """Hybrid search re-ranks its best ``depth`` passages (0 turns it off) with the ``method``:
    ``learned`` (the shipped logistic model), ``mix`` (fused score and best-sentence evidence mixed by
    ``evidence_weight``, less ``missing_name`` per place the passage lacks) or ``auto`` (learned for
    single sentences, the mix for paragraphs: ``ONE_SENTENCE_SHARE``). The defaults are the
    service's (BRIEFQA_RERANKER, BRIEFQA_RERANK_DEPTH, BRIEFQA_EVIDENCE_WEIGHT)."""

    depth: int = 10
    evidence_weight: float = 0.6
    missing_name: float = 0.3
    method: str = "auto"


@dataclass(frozen=True)
class Candidate:
    """One passage in the re-ranked few: where each leg put it, its sentences judged, its context."""

    passage: Passage
    fused: float
    dense: tuple[int, float] | None  # (1-based rank, cosine)
    bm25: tuple[int, float] | None  # (1-based rank, score)
    sentences: tuple[SentenceEvidence, ...]
    context: str  # its section heading and its document's title
    missing_names: int


def features(candidates: Sequence[Candidate], query: Query, depth: int) -> np.ndarray:
    """One row of ``FEATURES`` per candidate; gaps and shares are against the best of the candidates,
    so the same row means the same thing in a corpus of ten passages or of a million."""
    fused_z = z_scores([c.fused for c in candidates])
    unranked = math.log(depth + 2)
    # Unranked by the dense leg: below the lowest cosine it ranked.
    floor = min((c.dense[1] for c in candidates if c.dense), default=0.0) - 0.02
    cosines = [c.dense[1] if c.dense else floor for c in candidates]
    sentence_cosines = [
        max((s.cosine for s in c.sentences if s.cosine is not None), default=cos)
        for c, cos in zip(candidates, cosines, strict=True)
    ]
    top_bm25 = max((c.bm25[1] for c in candidates if c.bm25), default=1.0) or 1.0
    terms = query.lexical_terms
    rows = []
    for at, c in enumerate(candidates):
        rows.append(
            (
                fused_z[at],
                math.log(at + 2),
                cosines[at],
                cosines[at] - max(cosines),
                math.log(c.dense[0] + 1) if c.dense else unranked,
                c.bm25[1] / top_bm25 if c.bm25 else 0.0,
                math.log(c.bm25[0] + 1) if c.bm25 else unranked,
                c.bm25 is None,
                sentence_cosines[at],
                sentence_cosines[at] - max(sentence_cosines),
                max((s.coverage for s in c.sentences), default=0.0),
                coverage(c.passage.text, terms) if terms else 0.0,
                coverage(c.context, terms) if terms else 0.0,
                any(s.shaped for s in c.sentences),
                best_evidence(c.sentences),
                c.missing_names,
                math.log(len(c.passage.text) + 1),
            )
        )
    return np.asarray(rows, dtype=np.float64).reshape(len(candidates), len(FEATURES))


@dataclass(frozen=True)
class LinearModel:
    """A logistic model over standardised ``FEATURES``: what ``evaluation.rerank_training`` writes."""

    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    bias: float

    def score(self, rows: np.ndarray) -> np.ndarray:
        return np.asarray(((rows - self.mean) / self.scale) @ self.weights + self.bias)

    def to_json(self, about: Mapping[str, object]) -> str:
        """The model as text, one feature (mean, scale, weight) a line, after what made it (``about``)."""
        told = json.dumps(about, ensure_ascii=False, indent=1, default=float).replace("\n", "\n ")
        named = [
            f'  "{name}": [{m:.6g}, {s:.6g}, {w:.6g}]'
            for name, m, s, w in zip(FEATURES, self.mean, self.scale, self.weights, strict=True)
        ]
        body = ",\n".join(named)
        return f'{{\n "about": {told},\n "bias": {self.bias},\n "features (mean, scale, weight)": {{\n{body}\n }}\n}}\n'


def read_model(path: Path) -> LinearModel:
    """The model in ``path``; its features must be this code's, in this order."""
    body = json.loads(path.read_text(encoding="utf-8"))
    named = body["features (mean, scale, weight)"]
    if tuple(named) != FEATURES:
        raise ValueError(f"{path}: features {list(named)} are not this version's {list(FEATURES)}: retrain it")
    mean, scale, weights = (np.array([named[n][i] for n in FEATURES]) for i in range(3))
    return LinearModel(mean, scale, weights, float(body["bias"]))


@cache
def shipped_model() -> LinearModel:
    return read_model(LEARNED)


def scores(candidates: Sequence[Candidate], query: Query, rerank: Rerank) -> list[float]:
    """How well each candidate answers, by ``rerank.method``; higher is better."""
    method = rerank.method
    if method == "auto":
        single = sum(len(c.sentences) == 1 for c in candidates)
        method = "learned" if candidates and single >= ONE_SENTENCE_SHARE * len(candidates) else "mix"
    if method == "learned":
        return [float(s) for s in shipped_model().score(features(candidates, query, rerank.depth))]
    if method != "mix":
        raise ValueError(f"unknown re-ranker {rerank.method!r}: use one of {', '.join(RERANKERS)}")
    w = rerank.evidence_weight
    evidence = min_max([best_evidence(c.sentences) for c in candidates])
    return [
        (1 - w) * f + w * e - rerank.missing_name * c.missing_names
        for c, f, e in zip(candidates, min_max([c.fused for c in candidates]), evidence, strict=True)
    ]


RerankScores = Callable[[Sequence[Candidate], Query, Rerank], list[float]]


def reorder(top: Ranking, mixed: list[float]) -> Ranking:
    """``top`` in the order of ``mixed``, its scores kept in the fused range so they still fall with the rank."""
    low, high = top[-1][1], top[0][1]
    spread = min_max(mixed)
    order = sorted(range(len(top)), key=lambda i: -mixed[i])
    return [(top[i][0], low + (high - low) * spread[i]) for i in order]
