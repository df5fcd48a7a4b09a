"""Retrieval accuracy: relevance judgement and rank metrics computed with ranx.

Relevance of a retrieved unit ``(unit_id, text)`` for a question:

* questions with ``answers``: the unit text in *match form* (NFKC, then all
  whitespace removed) contains one of the answers in match form, and, when
  the question names gold documents (``doc_ids``), the unit belongs to one of
  them (a passage id is ``doc_id#NNNN``);
* questions with ``gold_ids``: the unit id is one of them.

Metrics (all at most cutoff 10, averaged over answerable questions):

* ``hit@k`` (k = 1, 3, 5, 10): 1 when at least one relevant unit is in the top
  k, else 0 -- ranx ``hit_rate@k``. This is "recall@k" in the
  "found it at all" sense used by QA retrieval papers.
* ``mrr@10``: reciprocal rank of the first relevant unit -- ranx ``mrr@10``.
* ``ndcg@10``: binary-gain nDCG -- ranx ``ndcg@10``.

The qrels handed to ranx are the gold ids plus every retrieved unit judged
relevant. For answer-string questions the set of all relevant passages is
unknown, so the ideal ranking behind nDCG is built from the relevant units
the system *retrieved*; nDCG@10 therefore rewards putting the found relevant
units first, and hit@k / MRR are unaffected by this choice. A question with
no relevant unit retrieved gets an unreachable placeholder qrel, so it
scores 0 instead of being dropped.

Questions with neither answers nor gold ids (off-topic) are not scored.
"""

from __future__ import annotations

import re
import unicodedata
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from ranx import Qrels, Run
from ranx import evaluate as ranx_evaluate

from evaluation.questions import Question

RankedUnits = Sequence[tuple[str, str]]
Retriever = Callable[[str, int, str], list[tuple[str, str]]]
"""(question text, k, mode) -> ranked (unit_id, text), best first."""

METRICS: tuple[str, ...] = ("hit@1", "hit@3", "hit@5", "hit@10", "mrr@10", "ndcg@10")
_RANX_NAMES = {
    "hit@1": "hit_rate@1",
    "hit@3": "hit_rate@3",
    "hit@5": "hit_rate@5",
    "hit@10": "hit_rate@10",
    "mrr@10": "mrr@10",
    "ndcg@10": "ndcg@10",
}
_UNFOUND = "__unfound__"
_NO_RESULT = "__no_result__"
_WHITESPACE = re.compile(r"\s+")
TOP_TEXT_CHARS = 80


@dataclass(frozen=True)
class Miss:
    """A question whose first retrieved unit was not relevant."""

    question_id: str
    question: str
    kind: str
    first_correct_rank: int | None
    top_text: str


@dataclass(frozen=True)
class EvalResult:
    """Scores of one retrieval mode over a question set."""

    overall: dict[str, float]
    by_kind: dict[str, dict[str, float]]
    kind_counts: dict[str, int]
    misses: tuple[Miss, ...]
    evaluated: int
    excluded: int


def match_form(text: str) -> str:
    """Normalise text for answer matching: NFKC, then remove all whitespace."""
    return _WHITESPACE.sub("", unicodedata.normalize("NFKC", text))


def doc_of(unit_id: str) -> str:
    """The document a unit belongs to: the part of its id before '#' (a whole id without one)."""
    return unit_id.partition("#")[0]


def is_relevant(question: Question, unit_id: str, text: str) -> bool:
    """Whether a retrieved unit answers the question (gold id, or answer string in a gold document)."""
    if unit_id in question.gold_ids:
        return True
    if not question.answers or (question.doc_ids and doc_of(unit_id) not in question.doc_ids):
        return False
    unit = match_form(text)
    return any(answer and answer in unit for answer in map(match_form, question.answers))


def first_correct_rank(question: Question, ranking: RankedUnits) -> int | None:
    """1-based rank of the first relevant unit, or None when none is relevant."""
    for rank, (unit_id, text) in enumerate(ranking, start=1):
        if is_relevant(question, unit_id, text):
            return rank
    return None


def _dedupe(ranking: RankedUnits) -> list[tuple[str, str]]:
    """Keep the first occurrence of every unit id."""
    seen: set[str] = set()
    kept = []
    for unit_id, text in ranking:
        if unit_id not in seen:
            seen.add(unit_id)
            kept.append((unit_id, text))
    return kept


def _ranx_inputs(
    questions: Sequence[Question], rankings: Mapping[str, RankedUnits]
) -> tuple[dict[str, dict[str, int]], dict[str, dict[str, float]]]:
    """Build ranx qrels and run dicts; scores are descending by rank so ranx keeps the order."""
    qrels: dict[str, dict[str, int]] = {}
    run: dict[str, dict[str, float]] = {}
    for question in questions:
        ranking = _dedupe(rankings.get(question.id, ()))
        relevant = {uid: 1 for uid, text in ranking if is_relevant(question, uid, text)}
        relevant.update({gold_id: 1 for gold_id in question.gold_ids})
        qrels[question.id] = relevant or {_UNFOUND: 1}
        scores = {uid: float(len(ranking) - i) for i, (uid, _) in enumerate(ranking)}
        run[question.id] = scores or {_NO_RESULT: 0.0}
    return qrels, run


def score(questions: Sequence[Question], rankings: Mapping[str, RankedUnits]) -> dict[str, float]:
    """Mean METRICS over answerable questions, computed by ranx; zeros for an empty set."""
    if not questions:
        return {name: 0.0 for name in METRICS}
    qrels, run = _ranx_inputs(questions, rankings)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # numba type-safety chatter from ranx
        values = ranx_evaluate(Qrels(qrels), Run(run), list(_RANX_NAMES.values()), make_comparable=True)
    return {name: float(values[_RANX_NAMES[name]]) for name in METRICS}


def _top_text(ranking: RankedUnits) -> str:
    """Whitespace-collapsed text of the first unit, cut to TOP_TEXT_CHARS."""
    if not ranking:
        return ""
    text = _WHITESPACE.sub(" ", ranking[0][1]).strip()
    return text if len(text) <= TOP_TEXT_CHARS else text[: TOP_TEXT_CHARS - 1] + "…"


def find_misses(questions: Sequence[Question], rankings: Mapping[str, RankedUnits]) -> tuple[Miss, ...]:
    """Questions whose top unit is not relevant, with the first correct rank and what came first."""
    misses = []
    for question in questions:
        ranking = _dedupe(rankings.get(question.id, ()))
        rank = first_correct_rank(question, ranking)
        if rank != 1:
            misses.append(Miss(question.id, question.text, question.kind, rank, _top_text(ranking)))
    return tuple(misses)


def evaluate_rankings(questions: Sequence[Question], rankings: Mapping[str, RankedUnits]) -> EvalResult:
    """Score ranked units per question id: overall, per kind, and the misses."""
    ids = [question.id for question in questions]
    if len(ids) != len(set(ids)):
        raise ValueError("question ids must be unique to score rankings by id")
    answerable = [question for question in questions if question.answerable]
    kinds = sorted({question.kind for question in answerable})
    by_kind = {kind: [q for q in answerable if q.kind == kind] for kind in kinds}
    return EvalResult(
        overall=score(answerable, rankings),
        by_kind={kind: score(group, rankings) for kind, group in by_kind.items()},
        kind_counts={kind: len(group) for kind, group in by_kind.items()},
        misses=find_misses(answerable, rankings),
        evaluated=len(answerable),
        excluded=len(questions) - len(answerable),
    )


def run_eval(
    questions: Sequence[Question], retrieve: Retriever, modes: Sequence[str], k: int = 10
) -> dict[str, EvalResult]:
    """Ask every answerable question in every mode and score the rankings; off-topic ones are skipped."""
    results = {}
    for mode in modes:
        rankings = {q.id: retrieve(q.text, k, mode) for q in questions if q.answerable}
        results[mode] = evaluate_rankings(questions, rankings)
    return results
