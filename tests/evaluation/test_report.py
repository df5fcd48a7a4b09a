"""Report writing: JSON, Markdown and a PNG chart for several modes."""

import json

import pytest
from rich.console import Console

from evaluation.metrics import evaluate_rankings
from evaluation.questions import Question
from evaluation.report import chart_label, has_cjk_font, write_chart, write_report


def test_write_report_files(tmp_path):
    question = Question("b02", "天使母基金规模多大？", answers=("100亿元",), kind="number")
    results = {
        "bm25": evaluate_rankings([question], {"b02": [("p1", "天使母基金100亿元")]}),
        "向量": evaluate_rankings([question], {"b02": [("p2", "无关 | 内容")]}),
    }
    console = Console(record=True, width=120)
    paths = write_report(results, tmp_path / "report", console=console)
    assert [p.name for p in paths] == ["report.json", "report.md", "report.png"]
    data = json.loads(paths[0].read_text(encoding="utf-8"))
    assert data["bm25"]["overall"]["hit@1"] == 1.0
    assert data["向量"]["misses"][0]["first_correct_rank"] is None
    markdown = paths[1].read_text(encoding="utf-8")
    assert "| bm25 | 1 |" in markdown and "无关 \\| 内容" in markdown
    assert paths[2].read_bytes().startswith(b"\x89PNG")
    assert "bm25" in console.export_text()


def test_chart_label_falls_back_to_ascii():
    assert chart_label("bm25", 0, cjk=False) == "bm25"
    assert chart_label("向量", 1, cjk=False) == "mode-2"
    assert chart_label("dense向量", 1, cjk=False) == "dense"
    assert chart_label("向量", 1, cjk=True) == "向量"


def _cjk_font_files() -> list[str]:
    from matplotlib import font_manager

    return [path for path in font_manager.findSystemFonts() if "cjk" in path.lower() or "wqy" in path.lower()]


def test_a_chart_with_chinese_labels_draws_every_glyph(tmp_path, recwarn):
    if not _cjk_font_files():
        pytest.skip("no CJK font installed (make browser installs fonts-noto-cjk)")
    questions = [
        Question("q1", "天使母基金规模多大？", answers=("100亿元",), kind="数字"),
        Question("q2", "责任编辑是谁？", answers=("柴永鹏",), kind="刊物信息"),
    ]
    rankings = {"q1": [("p1", "天使母基金100亿元")], "q2": [("p2", "无关")]}
    path = write_chart(
        {"混合": evaluate_rankings(questions, rankings), "bm25": evaluate_rankings(questions, {})}, tmp_path / "c.png"
    )
    assert path.read_bytes().startswith(b"\x89PNG")
    assert has_cjk_font()  # so the labels were drawn in Chinese, not replaced by ASCII stand-ins
    missing = [str(w.message) for w in recwarn if "missing from" in str(w.message) or "Glyph" in str(w.message)]
    assert not missing, missing
