"""Report writing: JSON, Markdown and a PNG chart for several modes."""

import json

from rich.console import Console

from evaluation.metrics import evaluate_rankings
from evaluation.questions import Question
from evaluation.report import chart_label, write_report


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
