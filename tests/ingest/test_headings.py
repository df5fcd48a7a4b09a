import pytest

from ingest.headings import HEADING_MAX, heading_of, opens_like_heading


@pytest.mark.parametrize(
    ("paragraph", "heading"),
    [
        ("一、总体要求", (1, "一、总体要求")),
        ("（一）加强统筹。这是正文。", (2, "（一）加强统筹")),
        ("(二)强化保障", (2, "(二)强化保障")),
        ("一是对接国家战略立足广州所能。正文。", (3, "一是对接国家战略立足广州所能")),
        ("1. 明确目标", (4, "1. 明确目标")),
        ("12、细化任务", (4, "12、细化任务")),
        ("# 广州加快布局未来产业", (1, "广州加快布局未来产业")),
        ("### 小节", (3, "小节")),
    ],
)
def test_headings_have_a_level_and_a_name(paragraph, heading):
    assert heading_of(paragraph) == heading
    assert opens_like_heading(paragraph)


def test_a_long_first_sentence_is_body_text_not_a_heading():
    assert heading_of("一、" + "甲" * (HEADING_MAX - 2) + "。正文") == (1, "一、" + "甲" * (HEADING_MAX - 2))
    assert heading_of("一、" + "甲" * (HEADING_MAX - 1) + "。正文") is None


@pytest.mark.parametrize(
    "line", ["（1）列表项", "(2)列表项", "2.5亿元的投入", "2025.06.01", "- 项目", "* 项目", "• 项目"]
)
def test_list_items_and_numbers_open_a_line_but_no_section(line):
    assert opens_like_heading(line)
    assert heading_of(line) is None


def test_a_bare_section_number_is_a_heading_but_opens_no_line():
    assert heading_of("1.") == (4, "1.")
    assert not opens_like_heading("1.")


@pytest.mark.parametrize("line", ["正文内容", "十分重要。", "2025年5月8日", "#标签", "-5℃", "一二三"])
def test_ordinary_lines_are_neither(line):
    assert heading_of(line) is None
    assert not opens_like_heading(line)
