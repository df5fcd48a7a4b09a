"""Relevance judgement and ranx-backed metrics on small hand-computed fixtures."""

import math

import pytest

from evaluation.metrics import (
    evaluate_rankings,
    first_correct_rank,
    is_relevant,
    match_form,
    run_eval,
)
from evaluation.questions import Question

FUND = Question("q1", "天使母基金规模多大？", answers=("100亿元",), kind="number")
GOLD = Question("q2", "人体有多少个细胞？", gold_ids=("s2", "s9"), kind="fact")
EDITOR = Question("q3", "责任编辑是谁？", answers=("柴永鹏",), kind="metadata")
OFFTOPIC = Question("o1", "广州明天天气如何？", kind="offtopic")

RANKINGS = {
    "q1": [("u1", "五百亿元规模的创投基金"), ("u2", "天使母基金规模为１００ 亿元"), ("u3", "其他内容")],
    "q2": [("s2", "人体有50万亿个细胞"), ("s5", "无关"), ("s9", "细胞谱系")],
    "q3": [("u7", "地址：苏州市吴中区胥口镇" * 10)],
}
LOG2_3 = math.log2(3)


def test_match_form_removes_whitespace_and_full_width():
    assert match_form("１００　亿 元\n") == "100亿元"
    assert is_relevant(FUND, "u2", "天使母基金规模为１００ 亿元")
    assert is_relevant(Question("x", "?", answers=("共印：70份",)), "u", "共印: 70 份")
    assert not is_relevant(FUND, "u1", "五百亿元")


def test_page_break_inside_answer_still_matches():
    question = Question("x", "?", answers=("细胞与基因",))
    assert is_relevant(question, "u", "具身智能、细胞与基\n\n因、未来网络")


def test_first_correct_rank():
    assert first_correct_rank(FUND, RANKINGS["q1"]) == 2
    assert first_correct_rank(GOLD, RANKINGS["q2"]) == 1
    assert first_correct_rank(EDITOR, RANKINGS["q3"]) is None


def test_overall_and_per_kind_scores():
    result = evaluate_rankings([FUND, GOLD, EDITOR, OFFTOPIC], RANKINGS)
    assert result.evaluated == 3 and result.excluded == 1
    ndcg_fund = 1 / LOG2_3  # one relevant, at rank 2
    ndcg_gold = (1 + 1 / 2) / (1 + 1 / LOG2_3)  # relevant at 1 and 3, two gold
    expected = {
        "hit@1": 1 / 3,
        "hit@3": 2 / 3,
        "hit@5": 2 / 3,
        "hit@10": 2 / 3,
        "mrr@10": (0.5 + 1 + 0) / 3,
        "ndcg@10": (ndcg_fund + ndcg_gold) / 3,
    }
    assert result.overall == pytest.approx(expected)
    assert result.by_kind["number"]["mrr@10"] == pytest.approx(0.5)
    assert result.by_kind["fact"]["ndcg@10"] == pytest.approx(ndcg_gold)
    assert result.by_kind["metadata"]["hit@10"] == 0
    assert result.kind_counts == {"fact": 1, "metadata": 1, "number": 1}
    assert "offtopic" not in result.by_kind


def test_ndcg_ideal_uses_relevant_units_retrieved():
    question = Question("q5", "人体细胞数？", answers=("50万亿",))
    ranking = {"q5": [("a", "无关"), ("b", "人体有50万亿个细胞"), ("c", "约50 万亿")]}
    result = evaluate_rankings([question], ranking)
    dcg = 1 / LOG2_3 + 1 / 2
    assert result.overall["ndcg@10"] == pytest.approx(dcg / (1 + 1 / LOG2_3))
    assert result.overall["mrr@10"] == pytest.approx(0.5)


def test_misses_report_rank_and_truncated_top_text():
    result = evaluate_rankings([FUND, GOLD, EDITOR], RANKINGS)
    misses = {miss.question_id: miss for miss in result.misses}
    assert set(misses) == {"q1", "q3"}
    assert misses["q1"].first_correct_rank == 2
    assert misses["q1"].top_text == "五百亿元规模的创投基金"
    assert misses["q3"].first_correct_rank is None
    assert len(misses["q3"].top_text) == 80


def test_empty_ranking_scores_zero():
    result = evaluate_rankings([FUND], {"q1": []})
    assert result.overall["hit@10"] == 0
    assert result.misses[0].top_text == ""


def test_run_eval_asks_each_mode_and_skips_offtopic():
    asked = []

    def retrieve(text, k, mode):
        asked.append((text, mode))
        by_text = {q.text: RANKINGS[q.id] for q in (FUND, GOLD, EDITOR)}
        return by_text[text] if mode == "hybrid" else []

    results = run_eval([FUND, GOLD, EDITOR, OFFTOPIC], retrieve, ["bm25", "hybrid"], k=10)
    assert len(asked) == 6 and OFFTOPIC.text not in {text for text, _ in asked}
    assert results["bm25"].overall["hit@10"] == 0
    assert results["hybrid"].overall["hit@3"] == pytest.approx(2 / 3)
