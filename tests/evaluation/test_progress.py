"""Long jobs say how far they got: eval while it embeds and asks, the CMRC builders, the bench sections."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from rich.console import Console

from bench.timing import SectionLog
from cli import eval_commands
from evaluation.cmrc import build_cmrc_paragraphs, build_cmrc_sentences
from evaluation.questions import load_questions
from evaluation.runner import evaluate
from tests.evaluation.test_cmrc import write_source
from tests.fakes import HashingEmbedder
from tests.helpers import settings_for

CORPUS = {
    "d1": "广州设立100亿元规模的天使母基金。",
    "d2": "深圳累计推广燃料电池汽车超过1600辆。",
    "d3": "合肥已建成加氢站12座。",
}
QUERIES = {"q1": "天使母基金规模多大？", "q2": "深圳推广了多少辆燃料电池车？", "q3": "合肥建了几座加氢站？"}


class Recorder:
    def __init__(self) -> None:
        self.heard: dict[str, list[tuple[int, int]]] = {}

    def __call__(self, stage: str):
        return lambda done, total: self.heard.setdefault(stage, []).append((done, total))


def _beir(folder: Path) -> Path:
    folder.mkdir()
    lines = [json.dumps({"_id": i, "text": t, "title": ""}, ensure_ascii=False) for i, t in CORPUS.items()]
    (folder / "corpus.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    queries = [json.dumps({"_id": i, "text": t}, ensure_ascii=False) for i, t in QUERIES.items()]
    (folder / "queries.jsonl").write_text("\n".join(queries) + "\n", encoding="utf-8")
    qrels = "".join(f"q{n}\td{n}\t1\n" for n in (1, 2, 3))
    (folder / "qrels.tsv").write_text("query-id\tcorpus-id\tscore\n" + qrels, encoding="utf-8")
    return folder


def _finished(reports: list[tuple[int, int]]) -> bool:
    dones = [done for done, _ in reports]
    return dones == sorted(dones) and reports[-1][0] == reports[-1][1] > 0


def test_eval_reports_each_stage_while_it_embeds_and_asks(tmp_path: Path):
    source = _beir(tmp_path / "beir")
    settings = settings_for(tmp_path / "data", cache_dir=tmp_path / "cache")
    stages = Recorder()
    evaluate(source, load_questions(source), settings, HashingEmbedder(), ["bm25", "hybrid"], 3, stages)
    assert {"embedding the questions", "embedding the corpus", "asking"} <= set(stages.heard)
    assert all(_finished(reports) for reports in stages.heard.values()), stages.heard
    assert stages.heard["asking"][-1] == (6, 6)  # 3 questions in 2 modes
    again = Recorder()  # a second run reads the cached embeddings: nothing to embed, only asking
    evaluate(source, load_questions(source), settings, HashingEmbedder(), ["bm25"], 3, again)
    assert set(again.heard) == {"asking"}


@pytest.mark.parametrize("build", [build_cmrc_sentences, build_cmrc_paragraphs])
def test_the_cmrc_builders_report_every_paragraph(tmp_path: Path, build):
    heard: list[tuple[int, int]] = []
    write_source(tmp_path / "src")
    stats = build(tmp_path / "src", tmp_path / "out", lambda done, total: heard.append((done, total)))
    assert heard == [(n, stats.contexts) for n in range(1, stats.contexts + 1)]


def test_the_cli_draws_a_bar_per_stage_on_a_terminal(monkeypatch: pytest.MonkeyPatch):
    screen = io.StringIO()
    monkeypatch.setattr(eval_commands, "err", Console(file=screen, force_terminal=True, width=100))
    with eval_commands.progress_bars() as stages:
        for done in range(1, 5):
            stages("embedding the corpus")(done, 4)
    assert "embedding the corpus" in screen.getvalue() and "4/4" in screen.getvalue()


def test_the_bench_says_each_section_as_it_starts_and_how_long_it_took(capsys: pytest.CaptureFixture[str]):
    section = SectionLog(2)
    section("ingest")
    section("encode floor")
    section.finish()
    lines = capsys.readouterr().err.splitlines()
    assert [line.split("] ", 1)[1].split(": done")[0] for line in lines] == [
        "(1/2) ingest",
        "(1/2) ingest",
        "(2/2) encode floor",
        "(2/2) encode floor",
    ]
    assert lines[1].endswith(" s") and "done in" in lines[3]
