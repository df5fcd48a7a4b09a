"""Verdicts → question set: gold ids in the current version, answers, conflicts and unmapped verdicts listed."""

from __future__ import annotations

from dataclasses import replace

from feedback.export import export_question_set
from feedback.store import Verdict
from ingest.documents import Document, Passage

TEXT = "广州设立100亿元天使母基金。深圳建设低空经济示范区。苏州发展生物医药。"
DOC = Document("gz", "gz.txt", "sha-1", TEXT, "广州简报")
# The served version cut the text into two passages; the current one into three.
OLD = [Passage("gz#0000", "gz", 0, 14, TEXT[0:14], None), Passage("gz#0001", "gz", 14, len(TEXT), TEXT[14:], None)]
NEW = [
    Passage("gz#0000", "gz", 0, 14, TEXT[0:14], None),
    Passage("gz#0001", "gz", 14, 26, TEXT[14:26], None),
    Passage("gz#0002", "gz", 26, len(TEXT), TEXT[26:], None),
]


def judged(question: str, passage: Passage, verdict: str = "up", **extra: object) -> Verdict:
    return Verdict(
        question,
        passage.passage_id,
        verdict,
        "gz",
        "v1",
        doc_sha256="sha-1",
        start=passage.start,
        end=passage.end,
        **extra,  # type: ignore[arg-type]
    )


def test_thumbs_up_becomes_gold_ids_of_the_current_version():
    result = export_question_set([judged("天使母基金多大？", OLD[0])], {"gz": DOC}, NEW)
    assert result.questions == [
        {"id": "fb0001", "question": "天使母基金多大？", "gold_ids": ["gz#0000"], "kind": "feedback", "doc_ids": ["gz"]}
    ]


def test_a_passage_cut_differently_now_maps_to_the_passages_holding_most_of_it():
    result = export_question_set([judged("深圳建什么？", OLD[1])], {"gz": DOC}, NEW)
    assert result.questions[0]["gold_ids"] == ["gz#0001"]  # 12 of its 22 characters; gz#0002 holds 10


def test_an_approved_answer_sentence_becomes_answer_text():
    v = judged("天使母基金多大？", OLD[0], target="answer", answer_start=0, answer_end=14)
    assert export_question_set([v], {"gz": DOC}, NEW).questions[0]["answers"] == [TEXT[0:14]]


def test_the_same_question_in_traditional_characters_is_one_question():
    verdicts = [
        judged("廣州天使母基金多大？", OLD[0]),
        judged("广州天使母基金多大？", OLD[0]),
        judged("深圳建什么？", OLD[1]),
    ]
    assert [q["question"] for q in export_question_set(verdicts, {"gz": DOC}, NEW).questions] == [
        "廣州天使母基金多大？",
        "深圳建什么？",
    ]


def test_conflicting_verdicts_are_listed_not_guessed():
    verdicts = [judged("深圳建什么？", OLD[1]), judged("深圳建什么？", OLD[1], "down"), judged("深圳建什么？", OLD[0])]
    result = export_question_set(verdicts, {"gz": DOC}, NEW)
    assert result.conflicts == [{"question": "深圳建什么？", "passage_ids": ["gz#0001"]}]
    assert result.questions[0]["gold_ids"] == ["gz#0000"]


def test_a_changed_or_removed_document_is_reported_unmapped():
    changed = replace(judged("天使母基金多大？", OLD[0]), doc_sha256="sha-0")
    gone = replace(judged("苏州发展什么？", OLD[1]), doc_id="sz")
    result = export_question_set([changed, gone], {"gz": DOC}, NEW)
    assert result.questions == [] and result.unmapped == [changed, gone]


def test_only_thumbs_down_gives_no_question_but_is_counted():
    result = export_question_set([judged("深圳建什么？", OLD[0], "down")], {"gz": DOC}, NEW)
    assert result.questions == [] and result.only_down == ["深圳建什么？"]
