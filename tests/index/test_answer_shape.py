"""A count asked in a measure word, or a year, must be what the answer sentence states."""

from __future__ import annotations

import pytest

from index.answer_shape import required_shape
from index.answering import answer_question
from tests.index.test_answering import hit, result


@pytest.mark.parametrize(
    ("question", "answering", "not_answering"),
    [
        ("南京建成了多少座充电站？", "截至去年底建成充电站36座。", "到2025年产业规模达到300亿元。"),
        ("成都推广了多少辆新能源公交？", "累计推广新能源公交1.2万辆。", "目前相关企业约80家。"),
        ("这家公司在香港有多少家门店？", "现时在香港共有28间门店。", "门店面积合计3000平方米。"),
        ("说这种方言的大约有多少人？", "说这种方言的人约有150万，多在山区。", "这种方言有三种声调。"),
        ("几个部门联合印发了这份意见？", "工信部等七部门联合印发。", "意见于今年印发。"),
        ("他身兼几家学会的会长？", "他是物理学会、化学学会和天文学会的会长。", "他是学会的会长。"),
        ("该基金是哪一年设立的？", "该基金于2018年设立。", "该基金规模50亿元。"),
        ("这座书院建于哪年？", "书院建于万历十一年。", "书院占地三十亩。"),
    ],
)
def test_a_count_or_a_year_asked_for_is_what_an_answer_states(question, answering, not_answering):
    shape = required_shape(question)
    assert shape is not None
    assert shape.search(answering)
    assert not shape.search(not_answering)


@pytest.mark.parametrize(
    "question",
    [
        "报社好几次报道了这件事吗？",
        "这份简报是第几期？",
        "规划提出发展哪几类算力？",
        "他带领几个同伴建立了哪个国家？",
        "基金规模有多大？",
    ],
)
def test_questions_that_ask_no_count_in_a_measure_word_require_nothing(question):
    assert required_shape(question) is None


def test_a_near_miss_figure_abstains_where_the_asked_count_answers():
    plan = "深圳提出，到2025年氢能产业规模达到500亿元。"
    built = "截至2024年底，深圳建成加氢站18座。"
    asked = "深圳建成了多少座加氢站？"
    assert answer_question(result(asked, [hit(plan, 1, [0.9])])) == (None, True)
    answer, abstained = answer_question(result(asked, [hit(built, 1, [0.9])]))
    assert not abstained and answer is not None and answer.text == built


def test_a_numeral_inside_a_word_is_no_count():
    shape = required_shape("深圳天使母基金已经投了多少个项目？")
    assert shape is not None
    assert not shape.search("2018年设立的规模100亿元的天使母基金已成为国内规模较大的天使投资母基金之一；")
    assert shape.search("累计投资项目超过600个。")
