"""`briefqa library-eval` with the fake embedder: the reports, a row per size and mode, the passage cache
that makes a re-run embed nothing, and the answer and abstention counts on a toy index."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import cli.library_commands
from briefqa.runtime import make_builder, make_searcher
from cli.main import app
from evaluation.answers import AnswerCounts, answer_of, count_answers
from evaluation.library import library_folder
from evaluation.passage_cache import CachedPassages
from evaluation.questions import Question
from evaluation.report import write_report
from index.search import MODES
from tests.fakes import CountingEmbedder, HashingEmbedder
from tests.helpers import settings_for

ASKED = [
    {"id": "t1", "question": "天使母基金规模多大？", "answers": ["100亿元规模的天使母基金"], "kind": "number"},
    {"id": "t2", "question": "这期刊物的责任编辑是谁？", "answers": ["柴永鹏"], "kind": "metadata"},
]
UNANSWERABLE = [{"id": "o1", "question": "上海的未来产业基金有多大？", "answers": [], "kind": "offtopic"}]


def write_set(path: Path, records: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


@pytest.fixture
def embedder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> CountingEmbedder:
    """The fake for every library-eval run of a test, its caches under the test's folder."""
    fake = CountingEmbedder()
    monkeypatch.setenv("BRIEFQA_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(cli.library_commands, "load_embedder", lambda settings: fake)
    return fake


def run_library_eval(tmp_path: Path, work: str, sizes: str = "0,10", briefings: str = "library") -> Path:
    asked = write_set(tmp_path / "tiny.jsonl", ASKED)
    offtopic = write_set(tmp_path / "off.jsonl", UNANSWERABLE)
    out = tmp_path / "report"
    args = ["library-eval", "--sizes", sizes, "-q", str(asked), "-q", str(offtopic), "-w", str(tmp_path / work)]
    result = CliRunner().invoke(app, [*args, "-b", briefings, "-o", str(out)], terminal_width=200)
    assert result.exit_code == 0, result.output
    return out


def test_library_eval_writes_the_reports_with_a_row_per_size_and_mode(tmp_path, embedder):
    out = run_library_eval(tmp_path, "work")
    assert sorted(p.name for p in out.iterdir()) == ["report.json", "report.md", "report.png"]
    assert (out / "report.png").read_bytes().startswith(b"\x89PNG")
    markdown = (out / "report.md").read_text(encoding="utf-8")
    for size in (0, 10):
        for mode in MODES:
            assert len(re.findall(rf"^\| {size} \| \d+ \| {mode} \|", markdown, re.M)) == 1, (size, mode)
    assert "tiny hit@1" in markdown and "tiny answer sentence" in markdown and "off abstained" in markdown
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert [(s["size"], s["documents"]) for s in report["sizes"]] == [(0, 9), (10, 19)]
    tiny = report["sizes"][0]["sets"]["tiny"]
    assert set(tiny["modes"]) == set(MODES) and tiny["answers"]["answerable"] == 2
    off = report["sizes"][1]["sets"]["off"]
    assert off["modes"] == {} and off["answers"]["unanswerable"] == 1
    assert (tmp_path / "work" / "library" / "index-10" / "index" / "CURRENT").is_file()
    assert not list((tmp_path / "work" / "library" / "library-0").glob("distractors"))


def test_the_bundled_briefing_alone_among_the_distractors(tmp_path, embedder):
    out = run_library_eval(tmp_path, "work", "0,10", "bundled")
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert [(s["size"], s["documents"]) for s in report["sizes"]] == [(0, 1), (10, 11)]
    briefings = tmp_path / "work" / "bundled" / "library-10" / "briefings"
    assert [p.name for p in briefings.iterdir()] == ["lingdao-xuekan-2025-06.txt"]


def test_a_second_run_embeds_nothing(tmp_path, embedder):
    run_library_eval(tmp_path, "first")
    assert embedder.passages > 0
    embedder.passages = embedder.queries = 0
    run_library_eval(tmp_path, "second")  # a new work folder: every passage is ingested again
    assert (embedder.passages, embedder.queries) == (0, 0)


def test_bad_sizes_are_refused_before_any_work(tmp_path, embedder):
    for sizes, expected in (("10,many", "distractor counts joined by commas"), ("-1", "none below 0")):
        result = CliRunner().invoke(app, ["library-eval", "--sizes", sizes], terminal_width=200)
        assert result.exit_code == 2 and expected in result.output
    assert embedder.passages == 0


def test_the_passage_cache_serves_texts_seen_before_by_model(tmp_path):
    counting = CountingEmbedder()
    cache = CachedPassages(counting, tmp_path)
    first = cache.embed_passages(["甲", "乙", "甲"])
    cache.close()
    again = CachedPassages(counting, tmp_path)
    assert counting.passages == 2
    np.testing.assert_array_equal(again.embed_passages(["乙", "甲"]), first[[1, 0]])
    assert counting.passages == 2 and again.embedded == 0
    assert again.embed_passages([]).shape == (0, counting.dimension)
    other = CachedPassages(CountingEmbedder(dimension=32), tmp_path)
    assert other.embed_passages(["甲"]).shape == (1, 32) and other.embedded == 1


def test_library_folder_of_size_zero_holds_the_briefings_alone(tmp_path):
    folder = library_folder(tmp_path, 0)
    assert folder.name == "library-0" and len(list((folder / "briefings").glob("*.txt"))) == 9
    assert sorted(p.name for p in folder.iterdir()) == ["briefings"]


def toy_docs(tmp_path: Path) -> Path:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "guangzhou-fund.txt").write_text(
        "广州基金简报\n\n广州设立天使母基金，天使母基金规模为100亿元，投向早期科技企业。\n\n"
        "广州的创投基金规模为500亿元。\n",
        encoding="utf-8",
    )
    (docs / "shenzhen-drones.txt").write_text(
        "深圳低空简报\n\n深圳去年新开无人机航线250余条，低空经济产值持续增长。\n", encoding="utf-8"
    )
    return docs


@pytest.fixture
def toy_searcher(tmp_path):
    settings, embedder = settings_for(tmp_path / "var"), HashingEmbedder()
    make_builder(settings, embedder).sync([toy_docs(tmp_path)])
    return make_searcher(settings, make_builder(settings, embedder).load(), embedder)


def test_answers_and_abstentions_are_counted_on_a_toy_index(toy_searcher):
    held = Question("a1", "天使母基金规模多大？", answers=("100亿元",))
    wrong_document = Question("a2", "天使母基金规模多大？", answers=("100亿元",), doc_ids=("shenzhen-drones",))
    by_id = Question("a3", "深圳新开了多少条无人机航线？", gold_ids=("shenzhen-drones#0001",))
    off_topic = Question("o1", "上海明天天气如何？", kind="offtopic")
    answered = answer_of(toy_searcher, held.text)
    assert not answered.abstained and answered.doc_id == "guangzhou-fund" and "100亿元" in (answered.text or "")
    assert answer_of(toy_searcher, off_topic.text).abstained
    seen = []
    counts = count_answers([held, wrong_document, by_id, off_topic], toy_searcher, lambda d, t: seen.append((d, t)))
    assert counts == AnswerCounts(answerable=3, scored=2, held=1, false_abstentions=0, unanswerable=1, abstained=1)
    assert counts.answer_rate == 0.5 and counts.abstention_rate == 1.0 and seen[-1] == (4, 4)


def test_the_eval_report_carries_the_answers(tmp_path):
    from evaluation.metrics import evaluate_rankings

    question = Question("b02", "天使母基金规模多大？", answers=("100亿元",))
    results = {"hybrid": evaluate_rankings([question], {"b02": [("p1", "天使母基金100亿元")]})}
    answers = AnswerCounts(answerable=76, scored=76, held=67, false_abstentions=1, unanswerable=0, abstained=0)
    paths = write_report(results, tmp_path, answers=answers)
    assert json.loads(paths[0].read_text(encoding="utf-8"))["answers"]["held"] == 67
    markdown = paths[1].read_text(encoding="utf-8")
    assert "## Answers (hybrid)" in markdown and "| answer sentence holds a gold answer | 0.882 (67/76) |" in markdown
    assert "| abstained (unanswerable) | - |" in markdown


def test_briefqa_eval_prints_and_writes_the_answers_of_a_jsonl_set(tmp_path, monkeypatch):
    import cli.eval_commands

    monkeypatch.setenv("BRIEFQA_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(cli.eval_commands, "load_embedder", lambda settings: HashingEmbedder())
    make_builder(settings_for(tmp_path / "var"), HashingEmbedder()).sync([toy_docs(tmp_path)])
    fund = {"id": "f1", "question": "天使母基金规模多大？", "answers": ["100亿元"], "kind": "number"}
    asked = write_set(tmp_path / "toy.jsonl", [fund, *UNANSWERABLE])
    result = CliRunner().invoke(app, ["eval", str(asked), "--out", str(tmp_path / "out")], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "answers (hybrid" in result.output and "abstained (unanswerable)" in result.output
    markdown = (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    assert "| answer sentence holds a gold answer | 1.000 (1/1) |" in markdown
    assert "| abstained (unanswerable) | 1.000 (1/1) |" in markdown
    only_bm25 = CliRunner().invoke(app, ["eval", str(asked), "-m", "bm25", "-o", str(tmp_path / "bm25")])
    assert only_bm25.exit_code == 0 and "## Answers" not in (tmp_path / "bm25" / "report.md").read_text("utf-8")


def test_a_library_indexed_by_another_model_is_indexed_again(tmp_path, embedder):
    run_library_eval(tmp_path, "work", sizes="0")
    embedder.model_id = "another-model"  # the default runtime changed since the last run
    out = run_library_eval(tmp_path, "work", sizes="0")
    root = tmp_path / "work" / "library" / "index-0" / "index"
    current = (root / "CURRENT").read_text(encoding="utf-8").strip()
    manifest = json.loads((root / "versions" / current / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["model"]["id"] == "another-model"
    assert json.loads((out / "report.json").read_text(encoding="utf-8"))["sizes"][0]["documents"] == 9
