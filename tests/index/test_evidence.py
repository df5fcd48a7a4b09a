"""Sentence evidence, and hybrid search re-ranking its best passages by their best sentence."""

from __future__ import annotations

import pytest

from index.evidence import sentence_evidence
from index.query import wanted_shape
from index.search import Rerank, Searcher


def test_evidence_grows_with_shared_words_closeness_and_the_wanted_shape():
    shape = wanted_shape("工信部的实施意见是哪年哪月发布的？")
    terms = ["实施", "意见", "发布"]
    plain = sentence_evidence("七部门联合印发了实施意见。", terms, None, None)
    assert sentence_evidence("七部门印发实施意见，并发布了细则。", terms, None, None) > plain
    assert sentence_evidence("七部门联合印发了实施意见。", terms, 0.9, None) > plain
    dated = sentence_evidence("2024年1月，七部门联合印发了实施意见。", terms, None, shape)
    assert dated > sentence_evidence("七部门联合印发了实施意见。", terms, None, shape)


@pytest.mark.parametrize(
    ("question", "answer", "not_answer"),
    [
        ("广州前瞻布局了哪些未来产业？", "选择智能无人系统、具身智能、细胞与基因等赛道。", "广州加快布局未来产业。"),
        ("哪些部门联合印发了意见？", "工业和信息化部、教育部和科技部联合印发。", "工业和信息化部联合印发了意见。"),
        ("哪些人参加了会议？", "主任：张三", "会议在广州召开。"),  # 哪些人 asks for people
    ],
)
def test_which_ones_questions_want_an_enumeration(question: str, answer: str, not_answer: str):
    shape = wanted_shape(question)
    assert shape is not None and shape.search(answer) and not shape.search(not_answer)


def test_english_which_asks_for_no_particular_shape():
    assert wanted_shape("Which think tank publishes this briefing?") is None


QUESTIONS = ["工信部牵头的实施意见是哪年哪月发布的？", "广州的天使母基金规模多大？", "Who is the editor?"]


@pytest.mark.parametrize("question", QUESTIONS)
def test_reranked_scores_still_fall_with_the_rank_and_stay_in_the_fused_range(searcher: Searcher, question: str):
    plain = Searcher(searcher.index, searcher.embedder, searcher.analyzer, searcher.fusion, rerank=Rerank(depth=0))
    before = plain.search(question, 10).hits
    after = searcher.search(question, 10).hits
    scores = [h.score for h in after]
    assert scores == sorted(scores, reverse=True)
    assert {h.passage.passage_id for h in after} == {h.passage.passage_id for h in before}
    assert before[0].score >= scores[0] and scores[-1] >= before[-1].score


def test_depth_zero_leaves_the_fused_ranking_alone(searcher: Searcher):
    plain = Searcher(searcher.index, searcher.embedder, searcher.analyzer, searcher.fusion, rerank=Rerank(depth=0))
    question = QUESTIONS[0]
    ranked = [(h.passage.passage_id, h.score) for h in plain.search(question, 10).hits]
    assert ranked == sorted(ranked, key=lambda item: -item[1])
    assert [h.passage.passage_id for h in plain.search(question, 10, mode="dense").hits] == [
        h.passage.passage_id for h in searcher.search(question, 10, mode="dense").hits
    ]  # only hybrid re-ranks: the legs stay pure for evaluation
