"""Highlights mark the question's words as found in a passage, never a lone numeral, measure word or
function character (年 of 今年, 一 of 一批), which says nothing of why the passage matched."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from briefqa.settings import PROJECT_ROOT
from evaluation.questions import load_questions
from service.responses import matched_words
from tests.fakes import HashingEmbedder
from tests.helpers import settings_for
from text.normalize import normalize
from text.terms import lone_characters, means_nothing_alone

QUESTION_SETS = [PROJECT_ROOT / "evaluation" / "questions" / f"{name}.jsonl" for name in ("briefing", "library")]
# The offenders the issue names: whatever the list holds, these never stand alone.
NAMED_OFFENDERS = set("一个份年上的") | set("0123456789")


@pytest.fixture(scope="module")
def client(fake_library_dir: Path) -> Iterator[TestClient]:
    from service.app import create_app

    with TestClient(create_app(settings_for(fake_library_dir), HashingEmbedder(), watch=False)) as client:
        yield client


def _term_highlights(body: dict) -> Iterator[str]:
    """The text of every term highlight of a response, in its passages and in its answer."""
    for passage in body["passages"]:
        yield from (passage["text"][h["start"] : h["end"]] for h in passage["highlights"] if h["kind"] == "term")
    if body["answer"]:
        yield from (body["answer"]["text"][h["start"] : h["end"]] for h in body["answer"]["highlights"])


def test_no_highlight_is_a_lone_character_that_means_nothing(client: TestClient):
    questions = [q.text for path in QUESTION_SETS for q in load_questions(path)]
    assert len(questions) > 150
    marked: list[str] = []
    for question in questions:
        response = client.post("/v1/ask", json={"question": question, "top_k": 5})
        assert response.status_code == 200, response.text
        marked += _term_highlights(response.json())
    assert len(marked) > 1000  # the check needs highlights to look at
    alone = [text for text in marked if normalize(text.strip()) in lone_characters() | NAMED_OFFENDERS]
    assert not alone, sorted(set(alone))
    # A year and the 年 after it are one span (2027年, or 2027年氢能产业 when the next word is a term too).
    assert any("2027年" in text for text in marked) and not any(text.endswith("2027") for text in marked)


def test_the_list_holds_the_named_offenders_in_every_form():
    assert lone_characters() >= NAMED_OFFENDERS
    assert all(means_nothing_alone(c) for c in ("個", "７", " 年 "))
    assert not any(means_nothing_alone(w) for w in ("车", "2027年", "广州", ""))


def test_matched_terms_that_touch_or_stand_apart_by_spaces_are_one_span():
    text = "今年印发《领导学刊》第 7 期，2027年目标一批"
    spans = [text[s:e] for s, e in matched_words(text, ["年", "领导", "学刊", "第", "7", "期", "2027", "一"])]
    assert spans == ["领导学刊", "第 7 期", "2027年"]  # 年 of 今年 and 一 of 一批 alone are dropped
