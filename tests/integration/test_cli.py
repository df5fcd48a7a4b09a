"""The briefqa command's bad-input handling: one clear line, non-zero exit, index untouched."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import BRIEFING


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
