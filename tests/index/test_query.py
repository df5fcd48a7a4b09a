"""The Query: one question analysed once, for the search, the re-ranking and the answer."""

from __future__ import annotations

import dataclasses

import pytest

from index.query import Query, analyse, details
from text.terms import Analyzer

ANALYZER = Analyzer()


def knows_everything(unit: str) -> bool:
    return True


def test_a_chinese_question_keeps_its_terms_for_evidence_and_names_its_places():
    query = analyse("上海的天使母基金規模多大？", ANALYZER, knows_everything)
    assert query.chinese and query.text == "上海的天使母基金規模多大？"
    assert query.simplified == "上海的天使母基金规模多大?"  # NFKC, then traditional → simplified
    assert query.terms == tuple(ANALYZER.terms(query.text)) and "天使母基金" in query.terms
    assert query.lexical_terms == query.terms
    assert query.names == ("上海",)
    assert query.translations == () and query.translated_terms == ()
    assert query.shape is not None and query.shape.search("规模100亿元")  # 多大 asks for a number


def test_each_term_carries_its_parts():
    query = analyse("编辑部的传真号码是多少？", ANALYZER, knows_everything)
    parts = dict(zip(query.terms, query.term_parts, strict=True))
    assert "传真号码" in parts and parts["传真号码"][0] == "传真号码" and "传真" in parts["传真号码"]


def test_an_english_question_is_searched_by_the_translations_the_corpus_holds():
    corpus_units = {"w:广州", "w:基金", "c:天", "c:使"}
    query = analyse("How big is Guangzhou's angel fund?", ANALYZER, corpus_units.__contains__)
    assert not query.chinese and query.names == ()
    assert [t.english for t in query.translations] == ["big", "guangzhou", "angel", "fund"]
    assert {"广州", "基金", "天使"} <= set(query.terms)  # 天使 by its characters
    assert all(f"w:{t}" in corpus_units or len(t) > 1 for t in query.terms)
    assert query.lexical_terms == ()  # dictionary senses are too many to judge sentences by
    assert len(query.translated_terms) == len(query.translations)
    for translation, words in zip(query.translations, query.translated_terms, strict=True):
        assert len(words) == len(translation.chinese)


def test_an_english_question_without_dictionary_words_keeps_its_own_terms():
    query = analyse("Qwzx?", ANALYZER, knows_everything)
    assert query.translations == () and query.terms == tuple(ANALYZER.terms("Qwzx?"))


def test_the_query_is_frozen():
    query = analyse("广州前瞻布局了哪些未来产业？", ANALYZER, knows_everything)
    assert isinstance(query, Query)
    with pytest.raises(dataclasses.FrozenInstanceError):
        query.text = "另一个问题"  # type: ignore[misc]


def test_years_and_tranches_are_details_in_every_form_a_passage_may_write():
    assert details("深圳低空经济产业基金第二期的规模是多少？") == (("二期", "2期"),)
    assert details("广州低空经济产业基金首期到位了多少资金？") == (("首期", "一期", "1期"),)
    assert details("2023年杭州数据交易所成交了多少？2023年呢？") == (("2023",),)


def test_an_issue_number_or_a_that_issue_is_no_detail():
    assert details("领导学刊第7期的责任编辑是谁？") == ()
    assert details("谈数字经济的那一期印了多少份？") == ()
    assert details("深圳20个项目") == ()
