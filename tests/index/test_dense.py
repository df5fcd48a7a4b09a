"""The dense index: exact below the size threshold, HNSW above it, with its choice in the manifest."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index.dense import DenseIndex, choose_kind, exact_top_k, recall_at_k


def clustered_vectors(n: int, dimension: int = 32, seed: int = 0) -> np.ndarray:
    """Unit vectors around the same few hundred centres (whatever the seed), as embeddings cluster by topic."""
    centres = np.random.default_rng(0).normal(size=(200, dimension))
    rng = np.random.default_rng(seed + 1)
    vectors = centres[rng.integers(0, 200, n)] + 0.3 * rng.normal(size=(n, dimension))
    return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)


def test_small_indexes_are_exact_and_large_ones_approximate() -> None:
    assert choose_kind(1_000) == "flat"
    assert choose_kind(199_999) == "flat"
    assert choose_kind(200_000) == "hnsw"
    assert choose_kind(5_000, flat_limit=1_000) == "hnsw"


def test_auto_below_the_limit_builds_a_flat_index() -> None:
    assert DenseIndex.build(clustered_vectors(500)).describe() == {"kind": "flat"}


def test_hnsw_reaches_exact_recall_and_reports_its_parameters() -> None:
    vectors = clustered_vectors(4_000)
    index = DenseIndex.build(vectors, kind="auto", flat_limit=1_000)
    described = index.describe()
    assert described["kind"] == "hnsw"
    assert described["M"] == 32 and described["ef_search"] >= 32
    queries = clustered_vectors(100, seed=1)
    found = np.array([[row for row, _ in index.search(q, 10)] for q in queries])
    assert recall_at_k(found, exact_top_k(vectors, queries, 10)) >= 0.95


def test_hnsw_parameters_survive_save_and_load(tmp_path: Path) -> None:
    index = DenseIndex.build(clustered_vectors(2_000), kind="hnsw")
    index.save(tmp_path / "dense.faiss")
    assert DenseIndex.load(tmp_path / "dense.faiss").describe() == index.describe()


def test_filtered_hnsw_search_returns_only_allowed_rows_exactly() -> None:
    vectors = clustered_vectors(3_000)
    allowed = np.arange(0, 3_000, 7)
    hits = DenseIndex.build(vectors, kind="hnsw").search(vectors[5], 5, allowed)
    expected = allowed[np.argsort(-(vectors[allowed] @ vectors[5]))[:5]]
    assert [row for row, _ in hits] == expected.tolist()


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="ivf"):
        DenseIndex.build(clustered_vectors(10), kind="ivf")


def test_exact_top_k_matches_a_full_sort_across_blocks() -> None:
    vectors, queries = clustered_vectors(1_000), clustered_vectors(5, seed=2)
    top = exact_top_k(vectors, queries, 10, block=128)
    for query, rows in zip(queries, top, strict=True):
        assert set(rows.tolist()) == set(np.argsort(-(vectors @ query))[:10].tolist())
