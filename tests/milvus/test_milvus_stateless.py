"""Stateless replicas: a version's sentence vectors live in Milvus with it, so a replica with an empty
data folder serves answer sentences without embedding one, an ingest elsewhere reuses the previous
version's, and a pruned or half-written version takes its sentence vectors with it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest

from bench.lite_server import LiteServer
from briefqa.runtime import make_builder
from briefqa.settings import Settings
from index.backends.milvus import schema, writer
from index.embedding import Embedder
from index.sentence_vectors import sentences_of
from tests.fakes import CountingEmbedder
from tests.helpers import BRIEFING, serve_in_thread
from tests.integration.test_briefing import FIRST_PLACE
from tests.milvus.test_milvus_backend import milvus_settings
from tests.milvus.test_milvus_service import HAINAN

pytestmark = pytest.mark.milvus
QUESTIONS = [*FIRST_PLACE, "广州产投基金规模多大？", "How big is the angel fund?"]


@contextmanager
def _served(settings: Settings, embedder: Embedder) -> Iterator[str]:
    running = serve_in_thread(settings, embedder)
    yield next(running)
    next(running, None)


def _ask(url: str, question: str) -> dict[str, Any]:
    response = httpx.post(url + "/v1/ask", json={"question": question, "top_k": 3}, timeout=60)
    assert response.status_code == 200, response.text
    return {k: v for k, v in response.json().items() if k != "took_ms"}


def _sentences(index: Any) -> list[str]:
    return list(dict.fromkeys(text for _, text in sentences_of(index.passages)))


def test_a_replica_with_an_empty_data_dir_embeds_no_sentence(milvus: LiteServer, tmp_path: Path) -> None:
    ingesting = CountingEmbedder()
    ingest_settings = milvus_settings(tmp_path / "ingest", milvus)
    assert make_builder(ingest_settings, ingesting).sync([BRIEFING]).embedded_sentences > 0
    fresh, replica_dir = CountingEmbedder(), tmp_path / "replica"
    with _served(ingest_settings, ingesting) as first, _served(milvus_settings(replica_dir, milvus), fresh) as second:
        ready = httpx.get(second + "/readyz", timeout=10).json()
        assert (ready["sentences_pending"], ready["sentences_embedded"]) == (0, 0), ready
        for question in QUESTIONS:
            here, there = _ask(first, question), _ask(second, question)
            marks = [h["kind"] for p in there["passages"] for h in p["highlights"]]
            assert there["answer"] is not None and "answer" in marks, question  # the answer sentence, marked
            assert there == here, question  # passages, scores, answer sentence, highlights: the same
        assert httpx.get(second + "/readyz", timeout=10).json()["sentences_embedded"] == 0
    assert fresh.passages == 0 and fresh.queries > 0  # only questions were embedded, not one sentence
    assert not (replica_dir / "index" / "sentence-vectors").exists()  # and nothing was kept locally


def test_an_ingest_elsewhere_reuses_them_and_pruning_drops_them(milvus: LiteServer, tmp_path: Path) -> None:
    embedder = CountingEmbedder()
    first = make_builder(milvus_settings(tmp_path / "a", milvus, keep_versions=1), embedder).sync([BRIEFING])
    extra = tmp_path / "hainan.md"
    extra.write_text(HAINAN, encoding="utf-8")
    # a second ingest job on another machine: no local store, so the briefing's come from Milvus
    builder = make_builder(milvus_settings(tmp_path / "b", milvus, keep_versions=1), embedder)
    before = builder.current()
    assert before is not None
    embedder.passages = 0
    second = builder.sync([BRIEFING, extra])
    index, backend = builder.current(), builder.backend
    assert index is not None and second.version == "v000002"
    new = set(_sentences(index)) - set(_sentences(before))
    assert 0 < second.embedded_sentences <= len(new) < len(_sentences(index)) // 10
    assert embedder.passages == second.embedded_passages + second.embedded_sentences  # none of the briefing's
    texts, vectors = backend.sentence_vectors(second.version)
    assert texts == _sentences(index)
    assert np.allclose(vectors, embedder.embed_passages(texts), atol=1e-6)
    collections = set(backend.client.list_collections())  # type: ignore[attr-defined]
    assert schema.names("briefqa_", first.version)[2] not in collections  # keep_versions=1 pruned v000001
    assert backend.list_versions() == ["v000002"] and backend.sentence_vectors(first.version)[0] == []


def test_a_write_that_fails_leaves_the_served_sentences(
    milvus: LiteServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A writer dying after the sentence collection is written: the alias and its sentences stay,
    and the next ingest drops the leftover."""
    embedder = CountingEmbedder()
    settings = milvus_settings(tmp_path, milvus)
    builder = make_builder(settings, embedder)
    builder.sync([BRIEFING])
    extra = tmp_path / "hainan.md"
    extra.write_text(HAINAN, encoding="utf-8")

    def dies(*_: object) -> None:
        raise KeyboardInterrupt("killed while writing passages")

    with monkeypatch.context() as patched:
        patched.setattr(writer, "_passage_rows", dies)
        with pytest.raises(KeyboardInterrupt):
            builder.sync([BRIEFING, extra])
    client, backend = builder.backend.client, builder.backend  # type: ignore[attr-defined]
    leftover = schema.names("briefqa_", "v000002")[2]
    assert client.has_collection(leftover)  # written before the crash
    assert backend.current_version() == "v000001" and backend.list_versions() == ["v000001"]
    served = builder.current()
    assert served is not None and backend.sentence_vectors("v000001")[0] == _sentences(served)
    assert builder.sync([BRIEFING, extra]).version == "v000002"  # the leftover removed, its name free
    index = builder.current()
    assert index is not None and backend.sentence_vectors("v000002")[0] == _sentences(index)
