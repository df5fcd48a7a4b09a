"""Sentence vectors in Milvus: bytes on disk per sentence, and a replica with an empty data folder
reading them instead of embedding them (docs/scaling.md, capacity figures).

The library (``data/briefings`` and ``data/library``) is ingested with the configured embedder into a
fresh ``milvus-lite server``; each collection's folder is measured; an ``IndexState`` on an empty
data folder then serves the version. Run: ``python -m bench.sentence_bytes`` (prints JSON).
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.lite_server import LiteServer
from briefqa.runtime import make_builder, make_embedder
from briefqa.settings import PROJECT_ROOT, Settings
from index.embedding import Embedder
from service.state import IndexState

LIBRARY = [PROJECT_ROOT / "data" / "briefings", PROJECT_ROOT / "data" / "library"]
SAMPLE = 256  # sentences embedded to extrapolate what embedding them all would take


def _bytes(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())


def _settings(data_dir: Path, server: LiteServer) -> Settings:
    return Settings(data_dir=data_dir, backend="milvus", milvus_uri=server.uri, milvus_timeout_s=600.0)  # type: ignore[call-arg]


def _replica(settings: Settings, embedder: Embedder, version: str) -> dict[str, Any]:
    """A replica on an empty data folder: its read of the sentence vectors, its start, what it embedded."""
    state = IndexState(settings, embedder)
    started = time.perf_counter()
    texts, vectors = state.builder.backend.sentence_vectors(version)
    read_s = time.perf_counter() - started
    started = time.perf_counter()
    state.refresh()
    ready_s = time.perf_counter() - started
    sample = texts[:SAMPLE]
    started = time.perf_counter()
    embedder.embed_passages(sample)
    embed_all_s = (time.perf_counter() - started) * len(texts) / max(len(sample), 1)
    return {
        "sentences": len(texts),
        "dimension": int(vectors.shape[1]),
        "text_bytes_per_sentence": round(sum(len(t.encode()) for t in texts) / max(len(texts), 1)),
        "read_s": round(read_s, 2),
        "refresh_s": round(ready_s, 1),
        "sentences_embedded": state.sentences_embedded,
        "sentences_pending": state.sentences_pending,
        "embedding_them_instead_s": round(embed_all_s, 1),
    }


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="briefqa-sentence-bytes-"))
    server = LiteServer(work / "lite")
    server.start()
    try:
        settings = _settings(work / "ingest", server)
        embedder = make_embedder(settings)
        started = time.perf_counter()
        report = make_builder(settings, embedder).sync(LIBRARY)
        ingest_s = time.perf_counter() - started
        collections = {c.name: _bytes(c) for c in (server.data_dir / "collections").iterdir()}
        replica = _replica(_settings(work / "replica", server), embedder, str(report.version))
        sents = collections[f"briefqa_{report.version}_sents"]
        out = {
            "ingest_s": round(ingest_s, 1),
            "embedded_passages": report.embedded_passages,
            "embedded_sentences": report.embedded_sentences,
            "collection_bytes": collections,
            "bytes_on_disk_per_sentence": round(sents / max(replica["sentences"], 1)),
            "replica": replica,
            "load_average": [round(x, 1) for x in os.getloadavg()],
        }
        print(json.dumps(out, indent=2))
    finally:
        server.stop()


if __name__ == "__main__":
    main()
