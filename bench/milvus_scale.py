"""The milvus backend's two legs beside the local backend's, at 10k and 100k passages.

One synthetic index per size, written through ``MilvusBackend`` (the real write path) into a fresh
``milvus-lite server`` and loaded back (the real read path, as a replica loads it); then each leg is
searched there and locally (FAISS flat and bm25s: what the local backend builds below 200k
passages) with the same questions, depth 50 as ``Searcher`` asks. The data (``bench.scale``'s):

- dense: the real model's vectors of CMRC sentences first, then seeded blends of two of them plus
  noise (``synthetic_vectors``); the questions' real vectors;
- keyword: passages of four real CMRC sentences recombined (seeded), their briefqa units; the
  questions' units. A passage's text is its four sentences; 20 passages make a document.

recall@10 = |top 10 of the leg ∩ top 10 of the reference| / 10, averaged over the questions; the
reference is exact inner product (numpy, as FAISS flat) for dense and bm25s itself for keyword.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path
from typing import Any

import numpy as np

from bench.bm25_synth import build_bm25, passage_units, recombine
from bench.lite_server import LiteServer
from bench.scale import DEPTH
from bench.timing import percentiles, say, timed
from bench.vectors import synthetic_vectors
from index.dense import DenseIndex, exact_top_k
from index.keyword import KeywordIndex
from index.manifest import Manifest
from index.passage_index import PassageIndex
from ingest.documents import Document, Passage

PER_DOCUMENT = 20


def synthetic_index(size: int, real: np.ndarray, units: list[list[str]], sentences: list[str]) -> PassageIndex:
    """``size`` passages: synthetic vectors, four recombined real sentences each, 20 to a document."""
    vectors = synthetic_vectors(real, size)
    combos = recombine(size, len(units))
    keyword = KeywordIndex.build(passage_units(units, combos)) if size <= 10_000 else None
    keyword = keyword or KeywordIndex(build_bm25(units, combos))
    passages, documents = [], {}
    for first in range(0, size, PER_DOCUMENT):
        doc_id, text = f"d{first // PER_DOCUMENT:05d}", ""
        for row in range(first, min(first + PER_DOCUMENT, size)):
            body = "".join(sentences[s] for s in combos[row])
            passages.append(Passage(f"p{row:06d}", doc_id, len(text), len(text) + len(body), body, None))
            text += body
        documents[doc_id] = Document(doc_id, "synthetic", "", text, doc_id)
    return PassageIndex(documents, passages, vectors, DenseIndex.build(vectors), keyword, Manifest())


def milvus_at(
    size: int, real: np.ndarray, queries: np.ndarray, units: list[list[str]], question_units: list[list[str]],
    sentences: list[str], workdir: Path,
) -> dict[str, Any]:  # fmt: skip
    """Both legs of both backends at ``size`` passages: latency, recall@10, and Milvus' costs."""
    load_before = os.getloadavg()[0]  # the machine is shared: say how busy it was
    local = synthetic_index(size, real, units, sentences)
    shutil.rmtree(workdir / f"milvus-{size}", ignore_errors=True)  # bytes on disk: this run's alone
    server = LiteServer(workdir / f"milvus-{size}")
    server.start()
    try:
        remote, costs = _through_milvus(local, server)
        first = {
            "dense": timed(lambda: remote.dense.search(queries[0], DEPTH))[1],
            "keyword": timed(lambda: remote.keyword.search(question_units[0], DEPTH))[1],
        }
        say(f"  milvus {size:,}: searching")
        exact = exact_top_k(local.vectors, queries, 10)
        reference = [[row for row, _ in local.keyword.search(q, 10)] for q in question_units]
        legs = {
            "dense": _leg(local.dense.search, remote.dense.search, list(queries), [list(r) for r in exact]),
            "keyword": _leg(local.keyword.search, remote.keyword.search, question_units, reference),
        }
        return {
            "passages": size,
            "questions": len(queries),
            "real_vectors": min(size, len(real)),
            **costs,
            "first_query_s": {leg: round(s, 2) for leg, s in first.items()},
            "text_bytes_per_passage": round(sum(len(p.text.encode()) for p in local.passages) / size),
            "milvus_rss_mb": server.rss_mb(),
            "load_average_1min": {"before": round(load_before, 1), "after": round(os.getloadavg()[0], 1)},
            **legs,
        }
    finally:
        server.stop()
        shutil.rmtree(workdir / f"milvus-{size}", ignore_errors=True)  # 0.5 GB at 100k


def _through_milvus(local: PassageIndex, server: LiteServer) -> tuple[PassageIndex, dict[str, Any]]:
    """``local`` written through ``MilvusBackend`` and loaded back as a replica loads it; what that cost."""
    from index.backends.milvus.backend import MilvusBackend
    from index.backends.milvus.client import MilvusConfig

    size = len(local.passages)
    backend = MilvusBackend(MilvusConfig(server.uri, timeout=600.0))  # Lite's first keyword search is slow
    say(f"  milvus {size:,}: writing")
    _, write_s = timed(lambda: backend.write(local, Manifest(), keep=1))
    stored = _bytes(server.data_dir)
    say(f"  milvus {size:,}: loading")
    remote, load_s = timed(lambda: backend.load(None, lambda manifest: None))
    costs = {
        "write_s": round(write_s, 1),
        "load_s": round(load_s, 1),
        "bytes_on_disk_per_passage": round(stored / size),
    }
    return remote, costs


def _leg(local: Any, remote: Any, queries: list[Any], reference: list[list[int]]) -> dict[str, Any]:
    """Each backend's p50/p95 latency and recall@10 against ``reference`` for one leg."""
    out = {}
    for name, search in (("local", local), ("milvus", remote)):
        found: list[list[int]] = []
        times: list[float] = []
        for query in queries:
            started = time.perf_counter()
            hits = search(query, DEPTH)
            times.append((time.perf_counter() - started) * 1000)
            found.append([row for row, _ in hits[:10]])
        out[name] = {"latency_ms": percentiles(times), "recall_at_10": recall_at_10(found, reference)}
    return out


def recall_at_10(found: list[list[int]], reference: list[list[int]]) -> float:
    """Mean share of the reference top 10 found in the top 10 (a reference with fewer counts what it has)."""
    shares = [len(set(f[:10]) & set(r[:10])) / len(r[:10]) for f, r in zip(found, reference, strict=True) if r]
    return round(float(np.mean(shares)), 4) if shares else 0.0


def _bytes(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())
