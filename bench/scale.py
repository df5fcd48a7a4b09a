"""Retrieval alone at 1k to 1M passages: the dense leg (FAISS) and the keyword leg (BM25), apart.

Dense: real CMRC sentence vectors as far as they go, synthetic ones (blends of real ones) beyond.
BM25: passages of four real CMRC sentences recombined at random. Each result says what was synthetic.
"""

from __future__ import annotations

import hashlib
import time
from pathlib import Path
from typing import Any

import numpy as np

from bench.bm25_synth import build_bm25, passage_units, recombine
from bench.timing import percentiles, time_each, timed
from bench.vectors import synthetic_vectors
from index.dense import HNSW_EF_CONSTRUCTION, HNSW_M, DenseIndex, choose_kind, exact_top_k, recall_at_k
from index.keyword import KeywordIndex

DEPTH = 50  # what Searcher asks each leg for


def dense_at(size: int, real: np.ndarray, queries: np.ndarray, cache: Path) -> dict[str, Any]:
    """p50 latency and recall@10 against exact search of the index ``DenseIndex.build`` picks at ``size``."""
    vectors = synthetic_vectors(real, size)
    index, build_s = _cached_dense(vectors, cache)
    exact = exact_top_k(vectors, queries, 10)
    found, times = [], []
    for query in queries:
        started = time.perf_counter()
        hits = index.search(query, DEPTH)
        times.append((time.perf_counter() - started) * 1000)
        found.append([row for row, _ in hits[:10]])
    result = {
        "passages": size,
        "synthetic_vectors": max(0, size - len(real)),
        "index": index.describe(),
        "build_s": build_s,
        "latency_ms": percentiles(times),
        "recall_at_10": round(recall_at_k(np.array(found), exact), 4),
    }
    if index.describe()["kind"] != "flat":
        flat = DenseIndex.build(vectors, kind="flat")
        flat_times = time_each(lambda q: flat.search(q, DEPTH), queries[:30])
        result["flat_latency_ms"] = percentiles(flat_times)
    return result


def _cached_dense(vectors: np.ndarray, cache: Path) -> tuple[DenseIndex, float | str]:
    """Build with kind="auto"; an approximate (slow to build) index is kept in ``cache`` for later runs."""
    if choose_kind(len(vectors)) == "flat":
        index, seconds = timed(lambda: DenseIndex.build(vectors))
        return index, round(seconds, 2)
    digest = hashlib.sha256(vectors[:: max(1, len(vectors) // 1000)].tobytes()).hexdigest()[:12]
    path = cache / f"dense-{len(vectors)}-M{HNSW_M}-efc{HNSW_EF_CONSTRUCTION}-{digest}.faiss"
    if path.is_file():
        return DenseIndex.load(path), "cached"
    index, seconds = timed(lambda: DenseIndex.build(vectors))
    cache.mkdir(parents=True, exist_ok=True)
    index.save(path)
    return index, round(seconds, 1)


def bm25_at(size: int, units: list[list[str]], questions: list[list[str]]) -> dict[str, Any]:
    """p50 latency of ``KeywordIndex.search`` over ``size`` recombined passages."""
    combos = recombine(size, len(units))
    if size <= 10_000:  # bm25s' own indexer, as ingest uses it
        index, build_s = timed(lambda: KeywordIndex.build(passage_units(units, combos)))
    else:
        index, build_s = timed(lambda: KeywordIndex(build_bm25(units, combos)))
    index.search(questions[0], DEPTH)
    times = time_each(lambda q: index.search(q, DEPTH), questions)
    return {
        "passages": size,
        "recombined_from_real_sentences": len(units),
        "build_s": round(build_s, 1),
        "latency_ms": percentiles(times),
    }


def check_synthetic_bm25(units: list[list[str]], questions: list[list[str]], size: int = 1_000) -> bool:
    """True when the array-built BM25 ranks and scores exactly as bm25s' own indexer does."""
    combos = recombine(size, len(units), seed=1)
    ours, theirs = KeywordIndex(build_bm25(units, combos)), KeywordIndex.build(passage_units(units, combos))
    for query in questions[:30]:
        a, b = ours.search(query, 10), theirs.search(query, 10)
        if [r for r, _ in a] != [r for r, _ in b] or not np.allclose([s for _, s in a], [s for _, s in b], rtol=1e-4):
            return False
    return True
