import re

import pytest

from text.cjk import HAN, PUNCTUATION, WIDE_PUNCTUATION, has_chinese, wrap_joiner


@pytest.mark.parametrize("text", ["广州", "What is 未来产业?", "㐀", "\ufa11", "廣州"])
def test_chinese_characters_of_every_block_count(text):
    assert has_chinese(text)  # unified, extension A, compatibility, traditional


@pytest.mark.parametrize("text", ["Guangzhou", "", "，。！？", "ＡＢＣ１２３", "\u4dc0", "한국어", "ひらがな"])
def test_latin_punctuation_symbols_and_other_scripts_do_not(text):
    assert not has_chinese(text)


def test_ranges_are_character_class_bodies():
    assert re.fullmatch(f"[{HAN}]+", "未来产业㐀\ufa11")
    assert re.fullmatch(f"[{WIDE_PUNCTUATION}]+", "。、「」〔〕　，！？：（）")
    assert re.fullmatch(f"[{PUNCTUATION}]+", "。，“”‘’…—")
    assert not re.search(f"[{WIDE_PUNCTUATION}]", "“”‘’…—,.!?")  # general punctuation, not wide
    assert not re.search(f"[{HAN}{PUNCTUATION}]", "abc 123 -")


@pytest.mark.parametrize(
    ("left", "right", "joiner"),
    [
        ("action", "plan", " "),
        ("2025", "05", " "),
        ("产业", "发展", ""),
        ("in", "广州", ""),
        ("广州", "2025", ""),
        ("plan,", "next", ""),
    ],
)
def test_wrapped_lines_join_with_a_space_only_between_latin_words(left, right, joiner):
    assert wrap_joiner(left, right) == joiner
