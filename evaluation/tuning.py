"""Choose fusion and keyword settings by measurement: legs are ranked once, fusions are replayed.

``briefqa tune QUESTIONS [--units UNITS]`` prints hit@1 / hit@5 / MRR@10 per configuration, for a
JSONL set (asked of the current index) or a BEIR folder (its corpus indexed here); the defaults in
``briefqa.settings`` are the winners recorded in docs/retrieval.md.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from rich.console import Console
from rich.table import Table

from briefqa.runtime import make_builder, make_embedder
from briefqa.settings import Settings
from evaluation.metrics import evaluate_rankings
from evaluation.questions import Question, load_questions
from evaluation.runner import PrecomputedQueries, beir_index
from index.fusion import FusionSettings, Ranking, fuse_rankings
from index.passage_index import PassageIndex
from text.normalize import simplify
from text.terms import Analyzer

Legs = dict[str, tuple[Ranking, Ranking]]


def rank_legs(
    index: PassageIndex, questions: list[Question], embedder: PrecomputedQueries, analyzer: Analyzer, depth: int = 100
) -> Legs:
    """Each question's dense and keyword rankings, computed once."""
    legs: Legs = {}
    for q in questions:
        vector = embedder.embed_queries([simplify(q.text)])[0]
        legs[q.id] = (index.dense.search(vector, depth), index.keyword.search(analyzer.units_of(q.text), depth))
    return legs


def configurations() -> Iterable[tuple[str, FusionSettings | str]]:
    yield "dense only", "dense"
    yield "bm25 only", "bm25"
    for k in (0, 2, 5, 10, 20, 60):
        yield f"rrf k={k}", FusionSettings("rrf", k, 0.5)
    for k in (0, 5, 10):
        for w in (0.6, 0.7):
            yield f"rrf k={k} dense weight {w}", FusionSettings("rrf", k, w)
    for w in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8):
        yield f"weighted min-max dense {w}", FusionSettings("weighted", 60, w)
    for w in (0.5, 0.6, 0.7):
        yield f"zscore dense {w}", FusionSettings("zscore", 60, w)


def replay(index: PassageIndex, questions: list[Question], legs: Legs, console: Console) -> None:
    table = Table("configuration", "hit@1", "hit@5", "mrr@10")
    for name, config in configurations():
        rankings = {}
        for q in questions:
            dense, keyword = legs[q.id]
            if config == "dense":
                fused = dense
            elif config == "bm25":
                fused = keyword
            else:
                assert isinstance(config, FusionSettings)
                fused = fuse_rankings(dense, keyword, config)
            rankings[q.id] = [(index.passages[r].passage_id, index.passages[r].text) for r, _ in fused[:10]]
        scores = evaluate_rankings(questions, rankings).overall
        table.add_row(name, f"{scores['hit@1']:.3f}", f"{scores['hit@5']:.3f}", f"{scores['mrr@10']:.3f}")
    console.print(table)


def run_tuning(path: Path, settings: Settings, console: Console) -> None:
    """Rank both legs once for the answerable questions at ``path``, then print every configuration's scores."""
    questions = [q for q in load_questions(path) if q.answerable]
    embedder = PrecomputedQueries(make_embedder(settings), [q.text for q in questions], settings.cache_dir / "eval")
    if path.is_dir():
        index = beir_index(path, embedder, settings, settings.cache_dir / "eval")
    else:
        index = make_builder(settings, embedder).current()  # type: ignore[assignment]
    assert index is not None
    analyzer = Analyzer(settings.keyword_units, settings.user_dict)
    replay(index, questions, rank_legs(index, questions, embedder, analyzer), console)
