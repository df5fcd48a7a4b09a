"""The dense leg: normalised float32 vectors in FAISS, searched by inner product.

Below ``FLAT_LIMIT`` passages the search is exact (a flat scan: 5 ms at 100k on one core). Above it a
flat scan grows to 55 ms at 1M, so an HNSW graph is built instead, with ``efSearch`` calibrated at
build time for recall@10 against exact search; the choice and its parameters go into the manifest.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from index.fusion import Ranking

# One thread per query: OpenMP threads made single-vector searches 4-20x slower on 2 cores. The
# setting is per thread, so ``DenseIndex.search`` says it again in each thread that searches.
faiss.omp_set_num_threads(1)

KINDS = ("auto", "flat", "hnsw")
FLAT_LIMIT = 200_000
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
EF_SEARCH_STEPS = (32, 48, 64, 96, 128, 192, 256, 384, 512)
TARGET_RECALL = 0.98  # calibrated on stored vectors; real questions land a little lower
EXACT_FILTER_LIMIT = 50_000  # a filtered search over fewer rows than this is exact


def choose_kind(size: int, flat_limit: int = FLAT_LIMIT) -> str:
    """``flat`` (exact) below ``flat_limit`` vectors, ``hnsw`` (approximate graph) from there on."""
    return "flat" if size < flat_limit else "hnsw"


class DenseIndex:
    """Inner-product search over passage vectors (cosine, as vectors are normalised)."""

    def __init__(self, index: faiss.Index) -> None:
        self._index = index

    @classmethod
    def build(cls, vectors: np.ndarray, kind: str = "auto", flat_limit: int = FLAT_LIMIT) -> DenseIndex:
        """Index ``vectors``; ``kind`` is ``auto`` (by size, see ``choose_kind``), ``flat`` or ``hnsw``."""
        if kind not in KINDS:
            raise ValueError(f"unknown dense index kind {kind!r}: use one of {', '.join(KINDS)}")
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        kind = choose_kind(len(vectors), flat_limit) if kind == "auto" else kind
        if kind == "flat":
            index = faiss.IndexFlatIP(vectors.shape[1])
            index.add(vectors)
            return cls(index)
        return cls(_build_hnsw(vectors))

    @classmethod
    def load(cls, path: Path) -> DenseIndex:
        return cls(faiss.read_index(str(path)))

    def save(self, path: Path) -> None:
        faiss.write_index(self._index, str(path))

    @property
    def size(self) -> int:
        return int(self._index.ntotal)

    def describe(self) -> dict[str, Any]:
        """The index type and its parameters, as recorded in the manifest (``dense_index``)."""
        if isinstance(self._index, faiss.IndexHNSW):
            hnsw = self._index.hnsw
            m = int(hnsw.nb_neighbors(1))  # type: ignore[attr-defined]
            return {"kind": "hnsw", "M": m, "ef_construction": hnsw.efConstruction, "ef_search": hnsw.efSearch}
        return {"kind": "flat"}

    def search(self, vector: np.ndarray, k: int, allowed: np.ndarray | None = None) -> Ranking:
        """Return up to ``k`` ``(row, cosine)`` pairs, best first, only among ``allowed`` rows if given."""
        k = min(k, self.size)
        if k <= 0:
            return []
        query = vector.reshape(1, -1).astype(np.float32)
        faiss.omp_set_num_threads(1)
        params = None
        if allowed is not None:
            if isinstance(self._index, faiss.IndexHNSW) and len(allowed) <= EXACT_FILTER_LIMIT:
                return self._exact_among(query[0], k, allowed)
            params = self._filter_params(allowed, k)
        scores, rows = self._index.search(query, k, params=params)
        return [(int(r), float(s)) for r, s in zip(rows[0], scores[0], strict=True) if r >= 0]

    def _filter_params(self, allowed: np.ndarray, k: int) -> faiss.SearchParameters:
        selector = faiss.IDSelectorBatch(allowed.astype(np.int64))
        if isinstance(self._index, faiss.IndexHNSW):
            # a graph walk that skips most nodes needs a wider beam to find k allowed ones
            ef_search = max(self._index.hnsw.efSearch, 4 * k)
            return faiss.SearchParametersHNSW(sel=selector, efSearch=ef_search)  # type: ignore[attr-defined]
        params = faiss.SearchParameters()
        params.sel = selector
        return params

    def _exact_among(self, query: np.ndarray, k: int, allowed: np.ndarray) -> Ranking:
        """Few allowed rows: score them all (the graph is no help when most of it is filtered out)."""
        rows = allowed.astype(np.int64)
        scores = self._index.reconstruct_batch(rows) @ query
        k = min(k, len(rows))
        top = np.argpartition(-scores, k - 1)[:k] if k < len(rows) else np.arange(len(rows))
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(int(rows[i]), float(scores[i])) for i in top]


def _build_hnsw(vectors: np.ndarray) -> faiss.IndexHNSWFlat:
    index = faiss.IndexHNSWFlat(vectors.shape[1], HNSW_M, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
    faiss.omp_set_num_threads(os.cpu_count() or 1)  # building is a batch job: use every core
    try:
        index.add(vectors)
        index.hnsw.efSearch = calibrate_ef_search(index, vectors)
    finally:
        faiss.omp_set_num_threads(1)
    return index


def calibrate_ef_search(index: faiss.IndexHNSW, vectors: np.ndarray, samples: int = 200) -> int:
    """The smallest ``efSearch`` whose recall@10 against exact search reaches ``TARGET_RECALL``.

    Probes are stored vectors moved off themselves about as far as an e5 question lies from its
    passage (cosine near 0.9), so that no probe finds itself trivially.
    """
    rng = np.random.default_rng(0)
    probes = vectors[rng.choice(len(vectors), size=min(samples, len(vectors)), replace=False)]
    probes = probes + rng.normal(0, 0.5 / np.sqrt(vectors.shape[1]), probes.shape).astype(np.float32)
    probes /= np.linalg.norm(probes, axis=1, keepdims=True)
    exact = exact_top_k(vectors, probes, 10)
    for ef in EF_SEARCH_STEPS:
        index.hnsw.efSearch = ef
        _, found = index.search(probes, 10)
        if recall_at_k(found, exact) >= TARGET_RECALL:
            return ef
    return EF_SEARCH_STEPS[-1]


def exact_top_k(vectors: np.ndarray, queries: np.ndarray, k: int, block: int = 262_144) -> np.ndarray:
    """Exact inner-product top ``k`` rows per query, scanning ``vectors`` in blocks to bound memory."""
    best_scores = np.full((len(queries), 0), -np.inf, dtype=np.float32)
    best_rows = np.zeros((len(queries), 0), dtype=np.int64)
    for start in range(0, len(vectors), block):
        scores = queries @ vectors[start : start + block].T
        rows = np.broadcast_to(np.arange(start, start + scores.shape[1]), scores.shape)
        best_scores = np.concatenate([best_scores, scores], axis=1)
        best_rows = np.concatenate([best_rows, rows], axis=1)
        keep = np.argpartition(-best_scores, min(k, best_scores.shape[1]) - 1, axis=1)[:, :k]
        best_scores = np.take_along_axis(best_scores, keep, axis=1)
        best_rows = np.take_along_axis(best_rows, keep, axis=1)
    return best_rows


def recall_at_k(found: np.ndarray, exact: np.ndarray) -> float:
    """Mean share of each exact top-k row set that ``found`` recovered."""
    k = exact.shape[1]
    return float(np.mean([len(set(f[:k].tolist()) & set(e.tolist())) / k for f, e in zip(found, exact, strict=True)]))
