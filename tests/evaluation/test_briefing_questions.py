"""The briefing question set: size, kinds, gold strings, twins and paraphrasing."""

from collections import Counter
from pathlib import Path

import pytest

from evaluation.metrics import match_form
from evaluation.questions import load_questions

ROOT = Path(__file__).resolve().parents[2]
BRIEFING = ROOT / "data" / "briefings" / "lingdao-xuekan-2025-06.txt"
QUESTIONS = ROOT / "evaluation" / "questions" / "briefing.jsonl"
OFFTOPIC = ROOT / "evaluation" / "questions" / "offtopic.jsonl"
MINIMUM_PER_KIND = {
    "fact": 5,
    "number": 5,
    "date": 5,
    "list": 5,
    "entity": 5,
    "why_how": 5,
    "metadata": 5,
    "traditional": 6,
    "english": 5,
}
REQUIRED = {
    "广州前瞻布局了哪些未来产业？": "list",
    "天使母基金规模多大？": "number",
    "这期刊物的责任编辑是谁？": "metadata",
    "人体有多少个细胞？": "number",
}
VERBATIM_CHARS = 12


@pytest.fixture(scope="module")
def briefing() -> str:
    return match_form(BRIEFING.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def questions():
    return load_questions(QUESTIONS)


def test_set_is_large_enough_with_unique_ids(questions):
    assert len(questions) >= 48
    assert len({q.id for q in questions}) == len(questions)


def test_every_kind_meets_its_minimum(questions):
    counts = Counter(q.kind for q in questions)
    assert set(counts) == set(MINIMUM_PER_KIND)
    for kind, minimum in MINIMUM_PER_KIND.items():
        assert counts[kind] >= minimum, kind


def test_required_questions_are_present(questions):
    kinds = {q.text: q.kind for q in questions}
    for text, kind in REQUIRED.items():
        assert kinds.get(text) == kind, text


def test_every_answer_is_in_the_briefing(questions, briefing):
    for question in questions:
        assert 1 <= len(question.answers) <= 3, question.id
        for answer in question.answers:
            assert match_form(answer) in briefing, f"{question.id}: {answer!r}"


def test_traditional_questions_have_existing_simplified_twins(questions):
    by_id = {q.id: q for q in questions}
    for question in questions:
        if question.kind == "traditional":
            twin = by_id.get(question.twin or "")
            assert twin is not None and twin.kind not in ("traditional", "english"), question.id
            assert twin.answers == question.answers, question.id


def test_questions_are_paraphrased(questions, briefing):
    for question in questions:
        text = match_form(question.text)
        for start in range(len(text) - VERBATIM_CHARS + 1):
            window = text[start : start + VERBATIM_CHARS]
            assert window not in briefing, f"{question.id} copies {window!r}"


def test_offtopic_questions_have_no_gold():
    offtopic = load_questions(OFFTOPIC)
    assert len(offtopic) >= 16
    assert all(not q.answerable and q.kind == "offtopic" for q in offtopic)
    assert sum(q.text.isascii() for q in offtopic) >= 3
