"""Learn the hybrid re-ranker (``index.rerank``) from public training questions, and measure it on others.

Every question is searched once with the hand mix; the candidates it re-ranked are recorded with their
``FEATURES`` and whether each answers (``evaluation.metrics.is_relevant``). A logistic model is fitted
on pairs (an answering candidate against one that does not answer the same question), so it learns
what orders passages, not what a corpus's scores look like. Re-ranking is replayed offline on the
recorded candidates: hit@1 and MRR@10 of the re-ranked few, for the hand mix and the model alike.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np
from sklearn.linear_model import LogisticRegression

from evaluation.metrics import is_relevant
from evaluation.questions import Question
from index.query import Query
from index.rerank import Candidate, LinearModel, Rerank, features, scores
from index.search import Searcher
from text.progress import Progress, no_progress


@dataclass(frozen=True)
class Group:
    """The candidates one question's search re-ranked: their features, which answer, the hand mix's scores."""

    question: str
    rows: np.ndarray
    relevant: np.ndarray
    mix: np.ndarray


def collect(searcher: Searcher, questions: Sequence[Question], progress: Progress = no_progress) -> list[Group]:
    """Search every answerable question (hybrid, unscoped) and record what its re-ranking saw."""
    seen: list[tuple[Sequence[Candidate], np.ndarray, list[float]]] = []

    def recording(candidates: Sequence[Candidate], query: Query, rerank: Rerank) -> list[float]:
        mixed = scores(candidates, query, replace(rerank, method="mix"))
        seen.append((candidates, features(candidates, query, rerank.depth), mixed))
        return mixed

    searcher.rerank_scores = recording
    groups, asked = [], [q for q in questions if q.answerable]
    for done, question in enumerate(asked, start=1):
        seen.clear()
        searcher.search(question.text, 10, "hybrid", scope=False)
        if seen:
            candidates, rows, mixed = seen[-1]
            relevant = [is_relevant(question, c.passage.passage_id, c.passage.text) for c in candidates]
            groups.append(Group(question.id, rows, np.array(relevant, dtype=bool), np.array(mixed)))
        progress(done, len(asked))
    return groups


def fit(groups: Sequence[Group], strength: float = 1.0) -> LinearModel:
    """A pairwise logistic model over standardised features (``strength`` is sklearn's C)."""
    every = np.concatenate([g.rows for g in groups])
    mean, scale = every.mean(axis=0), every.std(axis=0)
    scale[scale == 0] = 1.0
    pairs = []
    for g in groups:
        unit = (g.rows - mean) / scale
        pairs += [unit[p] - unit[n] for p in np.flatnonzero(g.relevant) for n in np.flatnonzero(~g.relevant)]
    if not pairs:
        raise ValueError("no question had both an answering and a non-answering candidate: nothing to learn from")
    x = np.array(pairs)
    x, y = np.concatenate([x, -x]), np.concatenate([np.ones(len(x)), np.zeros(len(x))])
    model = LogisticRegression(C=strength, fit_intercept=False, max_iter=2000).fit(x, y)
    return LinearModel(mean, scale, model.coef_[0], 0.0)


def replay(groups: Sequence[Group], score: Callable[[Group], np.ndarray], asked: int) -> dict[str, float]:
    """hit@1 and MRR@10 over ``asked`` questions when each group's candidates are ordered by ``score``
    (a question whose search re-ranked nothing, or found no answering candidate, counts as a miss)."""
    hits, reciprocal = 0, 0.0
    for g in groups:
        order = np.argsort(-score(g), kind="stable")
        ranks = np.flatnonzero(g.relevant[order])
        if len(ranks):
            hits += int(ranks[0] == 0)
            reciprocal += 1.0 / (ranks[0] + 1) if ranks[0] < 10 else 0.0
    return {"hit@1": hits / asked, "mrr@10": reciprocal / asked}


def compare(groups: Sequence[Group], model: LinearModel, asked: int) -> dict[str, dict[str, float]]:
    """The hand mix and ``model`` replayed on the same recorded candidates."""
    return {
        "mix": replay(groups, lambda g: g.mix, asked),
        "learned": replay(groups, lambda g: model.score(g.rows), asked),
    }
