"""Sentence vectors kept on disk: written at ingest beside the passages, read back at a start, by
model and text, and never trusted when damaged."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from briefqa.runtime import make_builder
from index.sentence_store import MERGE_AT, SentenceStore
from index.sentence_vectors import sentences_of
from service.state import IndexState
from tests.fakes import CountingEmbedder
from tests.helpers import BRIEFING, settings_for

TEXTS = ["广州布局未来产业。", "天使母基金规模100亿元。", "The angel fund."]


def _vectors(n: int) -> np.ndarray:
    return np.random.default_rng(n).standard_normal((n, 8)).astype(np.float32)


def test_vectors_come_back_for_the_same_model_only(tmp_path: Path):
    SentenceStore(tmp_path, "e5@int8").write(TEXTS, _vectors(3))
    found = SentenceStore(tmp_path, "e5@int8").read(["天使母基金规模100亿元。", "没有的句子。"])
    assert list(found) == ["天使母基金规模100亿元。"]
    np.testing.assert_array_equal(found["天使母基金规模100亿元。"], _vectors(3)[1])
    assert SentenceStore(tmp_path, "e5").read(TEXTS) == {}  # another runtime's vectors are another model's
    assert SentenceStore(tmp_path, "e5@int8").missing([*TEXTS, "新句子。", "新句子。"]) == ["新句子。"]


def test_a_damaged_segment_is_ignored_and_its_sentences_count_as_missing(tmp_path: Path):
    store = SentenceStore(tmp_path, "e5")
    store.write(TEXTS[:1], _vectors(1))
    store.write(TEXTS[1:], _vectors(2))
    segment = sorted(store.folder.glob("*.npz"), key=lambda p: p.stat().st_mtime_ns)[-1]
    raw = bytearray(segment.read_bytes())
    raw[-40] ^= 0xFF
    segment.write_bytes(bytes(raw))
    assert store.missing(TEXTS) == TEXTS[1:]
    assert list(store.read(TEXTS)) == TEXTS[:1]


def test_many_segments_are_merged_into_one_that_keeps_every_vector(tmp_path: Path):
    store = SentenceStore(tmp_path, "e5")
    texts = [f"第{i}句。" for i in range(MERGE_AT)]
    for i, text in enumerate(texts):
        store.write([text], _vectors(i + 1)[-1:])
    assert len(list(store.folder.glob("*.npz"))) == 1
    found = store.read(texts)
    assert len(found) == MERGE_AT
    np.testing.assert_array_equal(found["第3句。"], _vectors(4)[-1])


def _ready(state: IndexState) -> None:
    deadline = time.monotonic() + 30
    while state.sentences_pending and time.monotonic() < deadline:
        time.sleep(0.01)


def test_ingest_keeps_every_sentence_and_a_start_embeds_none(tmp_path: Path):
    settings, embedder = settings_for(tmp_path), CountingEmbedder()
    report = make_builder(settings, embedder).sync([BRIEFING])
    index = make_builder(settings, embedder).current()
    assert index is not None
    sentences = {text for _, text in sentences_of(index.passages)}
    assert report.embedded_sentences > 0 and embedder.passages == report.embedded_passages + report.embedded_sentences
    embedder.passages = 0
    state = IndexState(settings, embedder)
    state.refresh()
    _ready(state)
    assert state.served is not None and (state.sentences_pending, state.sentences_embedded) == (0, 0)
    assert embedder.passages == 0 and state.sentences.missing(sentences) == []


def test_a_version_written_before_the_store_is_embedded_once_then_kept(tmp_path: Path):
    settings, embedder = settings_for(tmp_path), CountingEmbedder()
    builder = make_builder(settings, embedder)
    builder.sentences = None  # an index written by an older briefqa: no sentence vectors kept
    builder.sync([BRIEFING])
    first = IndexState(settings, embedder)
    first.refresh()
    _ready(first)
    assert first.sentences_embedded > 0
    again = IndexState(settings, embedder)
    again.refresh()
    _ready(again)
    assert (again.sentences_pending, again.sentences_embedded) == (0, 0)
