"""Sentence evidence, and hybrid search re-ranking its best passages by their best sentence."""

from __future__ import annotations

import pytest

from index.evidence import coverage, passage_evidence, sentence_evidence
from index.fusion import fuse_rankings
from index.query import analyse, wanted_shape
from index.search import Rerank, Searcher
from ingest.documents import Passage
from text.terms import Analyzer


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
    rows = {p.passage_id: row for row, p in enumerate(searcher.index.passages)}

    def leg(mode: str) -> list[tuple[int, float]]:
        return [(rows[h.passage.passage_id], h.score) for h in plain.search(question, plain.depth, mode=mode).hits]

    fused = fuse_rankings(leg("dense"), leg("bm25"), plain.fusion)[:10]
    assert [(rows[passage_id], score) for passage_id, score in ranked] == fused  # exactly the fused ranking
    assert [h.passage.passage_id for h in plain.search(question, 10, mode="dense").hits] == [
        h.passage.passage_id for h in searcher.search(question, 10, mode="dense").hits
    ]  # only hybrid re-ranks: the legs stay pure for evaluation


def test_coverage_counts_a_term_missed_whole_by_half_its_characters_or_by_its_parts():
    terms = ["传真号码", "地址"]
    assert coverage("编辑部地址：苏州", terms) == 2 / 6
    assert coverage("传真：0512", terms) == (0.5 * 2) / 6  # 传 and 真 found alone
    parts = [Analyzer().parts_of(term) for term in terms]
    assert coverage("传真：0512", terms, parts) == 4 / 6  # 传真 is a part of 传真号码
    assert coverage("传真号码与地址", terms, parts) == coverage("传真号码与地址", terms) == 1.0
    assert coverage("任何文字", []) == 0.0


def test_a_one_sentence_passage_is_judged_by_its_passage_cosine():
    query = analyse("天使母基金规模多大？", Analyzer(), lambda unit: True)
    one = Passage("p1", "doc", 10, 30, "天使母基金规模100亿元。", None)
    two = Passage("p2", "doc", 40, 70, "广州布局未来产业。天使母基金规模100亿元。", None)
    cosines = {("doc", 10, 23): 0.8, ("doc", 40, 49): 0.8, ("doc", 49, 62): 0.8}
    (alone,) = passage_evidence(one, query, cosines, passage_cosine=0.9)
    assert alone.cosine == 0.9 and alone.score == sentence_evidence(one.text, query.lexical_terms, 0.9, query.shape)
    assert passage_evidence(one, query, cosines)[0].cosine == 0.8  # not in the dense leg: its own cosine
    assert [s.cosine for s in passage_evidence(two, query, cosines, passage_cosine=0.9)] == [0.8, 0.8]
    assert [(s.start, s.end) for s in passage_evidence(two, query, {})] == [(0, 9), (9, 22)]
    assert all(s.cosine is None for s in passage_evidence(two, query, {}))


def test_the_search_carries_the_evidence_the_answer_reads(searcher: Searcher):
    result = searcher.search(QUESTIONS[1], 5)
    vector = result.query_vector
    assert vector is not None
    passage_cosines = dict(searcher.index.dense.search(vector, searcher.depth))
    rows = {p.passage_id: row for row, p in enumerate(searcher.index.passages)}
    for hit in result.hits[:3]:
        cosines = searcher.sentences.cosines([hit.passage], vector)
        expected = passage_evidence(
            hit.passage, result.query, cosines, passage_cosines.get(rows[hit.passage.passage_id])
        )
        assert hit.sentences == expected
    for mode in ("dense", "bm25"):
        assert all(h.sentences is not None for h in searcher.search(QUESTIONS[1], 5, mode=mode).hits[:3])
    assert all(h.sentences is None for h in searcher.search(QUESTIONS[1], 20, mode="bm25").hits[3:])
