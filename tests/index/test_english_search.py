"""English questions over the Chinese briefing: a keyword leg through the dictionary, and abstention."""

from __future__ import annotations

from index.answering import answer_question
from index.search import Searcher


def test_the_keyword_leg_finds_the_passage_an_english_question_asks_about(searcher: Searcher):
    result = searcher.search("How big is Guangzhou's angel fund of funds?", 3, mode="bm25")
    assert "天使母基金" in result.hits[0].passage.text
    assert {"广州", "基金"} <= set(result.terms)  # highlighted in Chinese, as the passage says it


def test_each_english_word_counts_once_whatever_its_senses(searcher: Searcher):
    # "fund" has many Chinese senses (基金, 资金, 款项, …); the mailing-address question must still
    # reach the footer through 地址, not drown in senses of other words.
    result = searcher.search("What is the mailing address of the publisher?", 3, mode="bm25")
    assert "地址" in result.hits[0].passage.text


def test_an_english_question_naming_a_place_the_briefing_never_mentions_abstains(searcher: Searcher):
    question = "What was Shenzhen's GDP in 2024?"
    assert answer_question(searcher.search(question, 5))[1]
    question = "How big is Guangzhou's angel fund of funds?"
    assert not answer_question(searcher.search(question, 5))[1]
