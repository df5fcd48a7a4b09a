"""Choosing the answer sentence from the search's evidence, abstaining, and term highlights."""

from __future__ import annotations

from index.answering import AbstentionPolicy, answer_question, is_off_topic, pick_answer, term_spans
from index.evidence import SentenceEvidence
from index.query import analyse
from index.search import Hit, SearchResult
from ingest.documents import Passage
from text.terms import Analyzer

ANALYZER = Analyzer()
POLICY = AbstentionPolicy()
FUND = "在金融赋能科技创新方面，广州着力加强100亿元规模的天使母基金战略协同。"
FUTURE = "广州前瞻布局未来产业。选择智能无人系统、具身智能等赛道。"
FOOTER = "编辑部地址：苏州市。电话：0512-1234。"


def hit(text: str, rank: int, scores: list[float] | None = None, dense_rank: int | None = 1, bm25_rank: int | None = 1):
    """A hit over ``text`` (one document, offset 100); ``scores`` give its sentences' evidence, in order."""
    passage = Passage(f"p{rank}", "doc", 100, 100 + len(text), text, None)
    sentences = None
    if scores is not None:
        ends = [i + 1 for i, c in enumerate(text) if c == "。"]
        starts = [0, *ends[:-1]]
        sentences = tuple(SentenceEvidence(s, e, None, x) for s, e, x in zip(starts, ends, scores, strict=True))
    return Hit(passage, rank, 1.0 / rank, dense_rank, 0.85, bm25_rank, 3.0, sentences)


def result(question: str, hits: list[Hit], known: set[str] | None = None) -> SearchResult:
    knows = (lambda unit: True) if known is None else known.__contains__
    return SearchResult(hits, analyse(question, ANALYZER, knows), None)


def test_term_spans_find_every_occurrence_merged_through_normalisation():
    text = "廣州天使母基金，天使母基金。GDP"
    assert term_spans(text, ["天使母基金", "广州", "gdp"]) == [(0, 7), (8, 13), (14, 17)]  # 廣州 + the next
    assert term_spans("规模规模", ["规模", "模规"]) == [(0, 4)]  # overlapping and adjacent spans merge
    assert term_spans("广州", ["", "上海"]) == []


def test_the_best_sentence_answers_with_document_offsets():
    answer = pick_answer([hit(FUTURE, 1, [0.2, 0.9])])
    assert answer is not None
    assert answer.text == "选择智能无人系统、具身智能等赛道。"
    assert (answer.doc_id, answer.passage_rank) == ("doc", 1)
    assert FUTURE[answer.start - 100 : answer.end - 100] == answer.text


def test_a_lower_passage_needs_015_more_and_earlier_sentences_win_ties():
    assert pick_answer([hit(FUND, 1, [0.5]), hit(FUTURE, 2, [0.64, 0.0])]).passage_rank == 1  # type: ignore[union-attr]
    assert pick_answer([hit(FUND, 1, [0.5]), hit(FUTURE, 2, [0.66, 0.0])]).passage_rank == 2  # type: ignore[union-attr]
    assert pick_answer([hit(FUTURE, 1, [0.4, 0.4])]).text == "广州前瞻布局未来产业。"  # type: ignore[union-attr]


def test_only_judged_hits_within_the_depth_can_answer():
    assert pick_answer([hit(FUND, 1)]) is None  # the search did not judge its sentences
    deep = [hit(FOOTER, 1, [0.0, 0.0]), hit(FUND, 2, [0.0]), hit(FUND, 3, [0.0]), hit(FUTURE, 4, [2.0, 2.0])]
    assert pick_answer(deep).passage_rank == 1  # type: ignore[union-attr]
    assert pick_answer(deep, depth=4).passage_rank == 4  # type: ignore[union-attr]


def test_no_hits_abstains():
    assert is_off_topic(result("天使母基金规模多大？", []), POLICY)
    assert answer_question(result("天使母基金规模多大？", [])) == (None, True)


def test_a_chinese_question_abstains_when_a_place_it_names_is_missing():
    assert not is_off_topic(result("广州的天使母基金规模多大？", [hit(FUND, 1)]), POLICY)
    assert is_off_topic(result("上海的天使母基金规模多大？", [hit(FUND, 1)]), POLICY)


def test_a_year_or_tranche_stated_nowhere_abstains_though_the_rest_matches():
    tranche = "广州天使母基金首期规模100亿元，2024年设立。"
    assert not is_off_topic(result("广州天使母基金首期规模多大？", [hit(tranche, 1)]), POLICY)
    assert not is_off_topic(result("广州天使母基金第一期规模多大？", [hit(tranche, 1)]), POLICY)
    assert is_off_topic(result("广州天使母基金第二期规模多大？", [hit(tranche, 1)]), POLICY)
    assert not is_off_topic(result("广州天使母基金2024年设立时规模多大？", [hit(tranche, 1)]), POLICY)
    assert is_off_topic(result("广州天使母基金2025年规模多大？", [hit(tranche, 1)]), POLICY)


def test_a_chinese_question_abstains_when_too_little_of_its_wording_is_found():
    # None of 产业园区, 租金 is in the passage: coverage 0 < 0.3.
    assert is_off_topic(result("产业园区租金是多少？", [hit(FUND, 1)]), POLICY)


def test_weak_coverage_abstains_only_when_the_legs_disagree():
    question = "天使母基金的退出机制和考核办法是什么？"  # 天使母基金 found, the rest not: 5 of 13 characters
    found = result(question, [hit(FUND, 1)])
    assert 0.3 <= _share(found) < 0.5
    agree = [hit(FUND, 1, dense_rank=1, bm25_rank=1), hit(FUTURE, 2, dense_rank=2, bm25_rank=2)]
    disagree = [hit(FUND, 1, dense_rank=2, bm25_rank=1), hit(FUTURE, 2, dense_rank=1, bm25_rank=None)]
    assert not is_off_topic(result(question, agree), POLICY)
    assert is_off_topic(result(question, disagree), POLICY)


def _share(found: SearchResult) -> float:
    from index.evidence import coverage

    return coverage(found.hits[0].passage.text, found.query.terms, found.query.term_parts)


def test_an_english_question_abstains_when_a_name_it_gives_is_missing_or_the_match_is_weak():
    known = {"w:广州", "w:基金", "w:天使", "w:深圳"}
    assert not is_off_topic(result("How big is Guangzhou's angel fund?", [hit(FUND, 1)], known), POLICY)
    assert is_off_topic(result("How big is Shenzhen's angel fund?", [hit(FUND, 1)], known), POLICY)
    weak = hit(FUND, 1)
    weak = Hit(weak.passage, 1, 1.0, 1, 0.7, None, None)  # cosine under 0.74 and no word found
    assert is_off_topic(result("What will the weather be tomorrow?", [weak], known), POLICY)
    strong = Hit(weak.passage, 1, 1.0, 1, 0.8, None, None)  # the same words, a closer dense match
    assert not is_off_topic(result("What will the weather be tomorrow?", [strong], known), POLICY)
