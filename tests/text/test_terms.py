from pathlib import Path

import pytest

from text.normalize import normalize, normalize_with_origins
from text.terms import Analyzer


def test_question_filler_is_dropped():
    assert Analyzer().terms("请问广州前瞻布局了哪些未来产业？") == ["广州", "前瞻", "布局", "未来产业"]


def test_domain_words_stay_whole():
    terms = Analyzer().terms("具身智能和脑机接口属于低空经济吗？天使母基金呢？“12218”体系")
    for word in ("具身智能", "脑机接口", "低空经济", "天使母基金", "12218"):
        assert word in terms


def test_traditional_and_full_width_match_simplified():
    analyzer = Analyzer()
    assert analyzer.terms("廣州產投基金") == analyzer.terms("广州产投基金")
    assert normalize("ＡＢＣ１２３") == "abc123"


def test_units_are_tagged_by_kind():
    units = Analyzer("words+chars+bigrams").units_of("天使母基金")
    assert "w:天使母基金" in units and "c:母" in units and "b:母基" in units


def test_user_dictionary_extends_jieba(tmp_path: Path):
    text = "推进海珠湾创新带建设"
    assert "海珠湾创新带" not in Analyzer().terms(text)
    words = tmp_path / "words.txt"
    words.write_text("海珠湾创新带 100 n\n", encoding="utf-8")
    assert "海珠湾创新带" in Analyzer(user_dict=words).terms(text)


def test_unknown_unit_is_refused():
    with pytest.raises(ValueError, match="unknown keyword unit"):
        Analyzer("words+trigrams")


def test_origins_map_normalised_characters_back():
    text = "廣州　ＡＩ產業"
    normal, origins = normalize_with_origins(text)
    at = normal.find("ai")
    assert text[origins[at] : origins[at + 1] + 1] == "ＡＩ"


def test_places_are_named_even_where_jieba_tags_the_city_as_a_common_noun():
    analyzer = Analyzer()
    assert analyzer.names("合肥数字经济核心产业增加值是多少？") == ["合肥"]  # 合肥 is tagged n, 合肥市 ns
    assert analyzer.names("包头和南通的氢能产业") == ["包头", "南通"]
    assert analyzer.names("广州的天使母基金") == ["广州"]  # tagged ns


def test_a_word_that_is_rarely_a_city_name_is_not_a_place():
    analyzer = Analyzer()
    assert analyzer.names("要延长产业链，做强珠宝行业") == []  # 延长市 and 珠宝市 exist, but rarely
    assert analyzer.names("各地城市都在发展未来产业") == []  # generic places
