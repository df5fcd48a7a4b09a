"""The multi-briefing gate, with the real model: nine issues of two publications on overlapping topics."""

from __future__ import annotations

import pytest

from briefqa.runtime import make_builder
from briefqa.settings import PROJECT_ROOT, Settings
from evaluation.answers import count_answers
from evaluation.questions import load_questions
from evaluation.runner import evaluate, searcher_for
from index.embedding import Embedder
from tests.helpers import LIBRARY, settings_for

pytestmark = pytest.mark.slow
SET = PROJECT_ROOT / "evaluation" / "questions" / "library.jsonl"


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory, real_embedder: Embedder) -> Settings:
    """The nine issues indexed once with the real model, for every test here."""
    settings = settings_for(tmp_path_factory.mktemp("library"))
    make_builder(settings, real_embedder).sync(LIBRARY)
    return settings


def test_the_library_set_ranks_the_gold_document_s_answer_first_for_90_percent(
    settings: Settings, real_embedder: Embedder
):
    """The library issue's gate: hybrid hit@1 >= 0.90, a hit counting only inside the question's gold issue."""
    questions = load_questions(SET)
    hybrid = evaluate(SET, questions, settings, real_embedder, ["hybrid"], 10)["hybrid"]
    assert hybrid.evaluated == len(questions) >= 50
    assert hybrid.overall["hit@1"] >= 0.90, [(m.question, m.first_correct_rank) for m in hybrid.misses]


def test_look_alike_questions_abstain_and_answerable_ones_do_not(settings: Settings, real_embedder: Embedder):
    """The library issue's abstention bars: >= 80 % of the look-alike unanswerable questions (the right
    city and topic, a detail no issue states) abstain; <= 2 % of the answerable ones do."""
    looks_alike, answerable = (
        load_questions(SET.with_name(name)) for name in ("library-unanswerable.jsonl", "library.jsonl")
    )
    searcher = searcher_for(SET, answerable, settings, real_embedder, ["hybrid"])
    declined = count_answers(looks_alike, searcher)
    assert declined.unanswerable == len(looks_alike) >= 10 and (declined.abstention_rate or 0) >= 0.8
    answered = count_answers(answerable, searcher)
    assert answered.false_abstentions <= 0.02 * answered.answerable
