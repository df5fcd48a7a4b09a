"""answer.highlights: the service marks the question's terms in the answer sentence, as in passages."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from text.normalize import normalize


@pytest.mark.parametrize(
    "question", ["天使母基金规模多大？", "廣州產投基金規模多大？", "How big is Guangzhou's angel fund?"]
)
def test_answer_highlights_are_the_passage_term_highlights_inside_the_answer(open_client: TestClient, question: str):
    body = open_client.post("/v1/ask", json={"question": question, "top_k": 5}).json()
    answer = body["answer"]
    assert answer is not None and answer["highlights"], body
    passage = next(p for p in body["passages"] if p["rank"] == answer["passage_rank"])
    (mark,) = [h for h in passage["highlights"] if h["kind"] == "answer"]
    inside = [
        {"start": h["start"] - mark["start"], "end": h["end"] - mark["start"], "kind": "term"}
        for h in passage["highlights"]
        if h["kind"] == "term" and mark["start"] <= h["start"] and h["end"] <= mark["end"]
    ]
    assert answer["highlights"] == inside
    for h in answer["highlights"]:
        assert any(term in normalize(answer["text"][h["start"] : h["end"]]) for term in body["terms"])


def test_an_abstained_question_has_no_answer_to_highlight(open_client: TestClient):
    body = open_client.post("/v1/ask", json={"question": "上海的天使母基金规模多大？"}).json()
    assert body["abstained"] is True and body["answer"] is None
