"""briefqa train-rerank on a small BEIR folder (fake embedder): it learns from some questions, reports on the rest."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from index.rerank import read_model
from tests.fakes import HashingEmbedder

FACTS = [
    ("广州", "天使母基金", "规模100亿元"),
    ("深圳", "天使母基金", "规模50亿元"),
    ("杭州", "低空经济基金", "首期20亿元"),
    ("合肥", "氢能产业基金", "规模30亿元"),
    ("苏州", "人工智能基金", "规模40亿元"),
    ("南京", "数字经济基金", "规模60亿元"),
]


def beir_folder(root: Path) -> Path:
    """Two sentences per fact (the answer, and a look-alike without the figure); a question per fact."""
    root.mkdir()
    corpus, queries, qrels = [], [], ["query-id\tcorpus-id\tscore"]
    for n, (city, fund, size) in enumerate(FACTS):
        corpus.append({"_id": f"s{n}a", "title": city, "text": f"{city}设立{fund}，{size}。"})
        corpus.append({"_id": f"s{n}b", "title": city, "text": f"{city}的{fund}由市财政出资设立并运作。"})
        prefix = "TRIAL_" if n < 4 else "DEV_"
        queries.append({"_id": f"{prefix}{n}", "text": f"{city}{fund}的规模是多少？"})
        qrels.append(f"{prefix}{n}\ts{n}a\t1")
    (root / "corpus.jsonl").write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in corpus), "utf-8")
    (root / "queries.jsonl").write_text("".join(json.dumps(q, ensure_ascii=False) + "\n" for q in queries), "utf-8")
    (root / "qrels.tsv").write_text("\n".join(qrels) + "\n", "utf-8")
    return root


@pytest.fixture
def fake_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("cli.rerank_command.load_embedder", lambda settings: HashingEmbedder())


def test_train_rerank_writes_a_model_it_reports_on_learned_and_held_out_questions(tmp_path: Path, fake_model: None):
    folder, target = beir_folder(tmp_path / "bench"), tmp_path / "reranker.json"
    args = ["train-rerank", str(folder), "--only", "TRIAL_", "--out", str(target)]
    result = CliRunner().invoke(app, args, terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "(TRIAL_*)" in result.output and "(held out)" in result.output and "learned" in result.output
    about = json.loads(target.read_text(encoding="utf-8"))["about"]
    assert about["command"].startswith("briefqa train-rerank") and set(about["replayed"]) == {
        f"{folder} (TRIAL_*)",
        f"{folder} (held out)",
    }
    assert read_model(target).weights.any()


def test_train_rerank_without_questions_to_learn_from_says_so(tmp_path: Path, fake_model: None):
    folder = beir_folder(tmp_path / "bench")
    args = ["train-rerank", str(folder), "--only", "NOPE_", "--out", str(tmp_path / "r.json")]
    result = CliRunner().invoke(app, args, terminal_width=200)
    assert result.exit_code == 1 and "has an id starting 'NOPE_': check --only" in " ".join(result.output.split())
    assert not (tmp_path / "r.json").exists() and "Traceback" not in result.output


def test_train_rerank_learns_from_every_prefix_given(tmp_path: Path, fake_model: None):
    folder, target = beir_folder(tmp_path / "bench"), tmp_path / "reranker.json"
    args = ["train-rerank", str(folder), "--only", "TRIAL_", "--only", "DEV_4", "--out", str(target)]
    result = CliRunner().invoke(app, args, terminal_width=200)
    assert result.exit_code == 0, result.output
    about = json.loads(target.read_text(encoding="utf-8"))["about"]
    assert "--only TRIAL_ --only DEV_4" in about["command"]
    assert about["learned from"] == [f"{folder} (TRIAL_|DEV_4*)"]
    held = about["replayed"][f"{folder} (held out)"]
    assert set(held) == {"mix", "learned"}  # DEV_5, whose prefix was not given, is still reported
