"""The Milvus backend on a real Milvus Lite server: the same answers as the local backend, versions
as collections behind an alias, and the service knowing no difference."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from bench.lite_server import LiteServer
from briefqa.runtime import make_builder, make_searcher
from briefqa.settings import Settings
from index.search import Filters
from tests.fakes import HashingEmbedder
from tests.helpers import BRIEFING, settings_for
from tests.integration.test_briefing import FIRST_PLACE

pytestmark = pytest.mark.milvus
QUESTIONS = [*FIRST_PLACE, "广州产投基金规模多大？", "How big is the angel fund?", "未来产业"]


def milvus_settings(data_dir: Path, server: LiteServer, **overrides: object) -> Settings:
    options: dict[str, object] = {"milvus_timeout_s": 30.0, **overrides}
    return settings_for(data_dir, backend="milvus", milvus_uri=server.uri, **options)


def _ranking(searcher, question: str, **kwargs) -> list[tuple[str, float]]:
    return [(h.passage.passage_id, h.bm25_score or 0.0) for h in searcher.search(question, k=5, **kwargs).hits]


def test_briefing_on_milvus_answers_as_the_local_backend(milvus: LiteServer, tmp_path: Path) -> None:
    embedder = HashingEmbedder()
    local_settings = settings_for(tmp_path / "local")
    make_builder(local_settings, embedder).sync([BRIEFING])
    settings = milvus_settings(tmp_path / "milvus", milvus)
    report = make_builder(settings, embedder).sync([BRIEFING])
    assert report.version == "v000001"
    assert not (tmp_path / "milvus" / "index" / "versions").exists()  # nothing of the index is local
    local = make_searcher(local_settings, make_builder(local_settings, embedder).current(), embedder)
    index = make_builder(settings, embedder).current()  # loaded back from Milvus
    remote = make_searcher(settings, index, embedder)
    assert [p.text for p in index.passages] == [p.text for p in local.index.passages]
    assert index.documents == local.index.documents
    for passage in index.passages:
        assert index.documents[passage.doc_id].text[passage.start : passage.end] == passage.text
    for question in QUESTIONS:
        _assert_same(_ranking(remote, question), _ranking(local, question))
    doc_id = index.passages[0].doc_id
    for filters in (Filters(doc_ids=(doc_id,)), Filters(date_from="2025-01-01"), Filters(date_to="2000-01-01")):
        _assert_same(_ranking(remote, "未来产业", filters=filters), _ranking(local, "未来产业", filters=filters))
    assert _ranking(remote, "未来产业", filters=Filters(doc_ids=(doc_id,)))
    assert _ranking(remote, "未来产业", filters=Filters(date_to="2000-01-01")) == []


def _assert_same(got: list[tuple[str, float]], want: list[tuple[str, float]]) -> None:
    assert [pid for pid, _ in got] == [pid for pid, _ in want]
    assert [s for _, s in got] == pytest.approx([s for _, s in want], rel=1e-5)


def test_versions_are_collections_behind_one_alias(milvus: LiteServer, tmp_path: Path) -> None:
    embedder = HashingEmbedder()
    settings = milvus_settings(tmp_path, milvus, keep_versions=2)
    builder = make_builder(settings, embedder)
    builder.sync([BRIEFING])
    backend = builder.backend
    first = builder.current()
    assert first is not None and backend.current_version() == "v000001"
    # a writer killed mid-ingest leaves a half-written collection: never served, removed by the next ingest
    from index.backends.milvus import schema

    client = backend.client  # type: ignore[attr-defined]
    leftover = schema.names("briefqa_", "v000002")[1]
    client.create_collection(
        leftover, schema=schema.document_schema(client)[0], properties={"briefqa.state": "building"}
    )
    assert backend.list_versions() == ["v000001"] and backend.current_version() == "v000001"
    doc_id = first.passages[0].doc_id
    extra = tmp_path / "extra.md"
    extra.write_text("# 测试简报\n\n2025 年 6 月 20 日\n\n## 一\n\n海南离岛旅客每人每年免税购物额度提高到15万元。\n")
    builder.sync([BRIEFING, extra])  # removes the leftover, so its name is free again
    assert backend.current_version() == "v000002" and backend.list_versions() == ["v000001", "v000002"]
    builder.remove([doc_id])
    assert backend.list_versions() == ["v000002", "v000003"]  # keep_versions=2 pruned v000001
    served = builder.current()
    assert served is not None and len(served.documents) == 1 and doc_id not in served.documents


def test_a_bad_uri_is_refused_at_start(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="http://host:19530"):
        settings_for(tmp_path, backend="milvus", milvus_uri="127.0.0.1:19530")


def test_embedded_milvus_lite_from_a_db_path(tmp_path: Path) -> None:
    """A .db path runs Milvus Lite inside the process: one process only, no server to start."""
    embedder = HashingEmbedder()
    settings = settings_for(tmp_path, backend="milvus", milvus_uri=str(tmp_path / "lite" / "index.db"))
    assert make_builder(settings, embedder).sync([BRIEFING]).version == "v000001"
    index = make_builder(settings, embedder).current()
    assert index is not None and index.passages
    top = make_searcher(settings, index, embedder).search("天使母基金规模多大？", k=3).hits
    assert top and all(h.passage.doc_id in index.documents for h in top)


def test_sentence_vectors_are_stored_with_their_version(milvus: LiteServer, tmp_path: Path) -> None:
    """The milvus half of stateless replicas: a version written with its sentence vectors serves them."""
    import numpy as np

    from index.sentence_vectors import sentences_of

    embedder = HashingEmbedder()
    local_settings = settings_for(tmp_path / "local")
    make_builder(local_settings, embedder).sync([BRIEFING])
    built = make_builder(local_settings, embedder).current()
    assert built is not None
    texts = list(dict.fromkeys(text for _, text in sentences_of(built.passages)))
    backend = make_builder(milvus_settings(tmp_path / "milvus", milvus), embedder).backend
    plain = backend.write(built, built.manifest, keep=3)
    with_sentences = backend.write(built, built.manifest, keep=3, sentences=(texts, embedder.embed_passages(texts)))
    stored, vectors = backend.sentence_vectors(with_sentences)
    assert stored == texts and np.allclose(vectors, embedder.embed_passages(texts), atol=1e-6)
    assert backend.sentence_vectors(plain)[0] == []
    assert backend.list_versions() == [plain, with_sentences] and backend.current_version() == with_sentences
