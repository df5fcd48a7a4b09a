"""Embeddings of benchmark texts, cached on disk by model, prefix and content.

Embedding the 13.6k CMRC sentences takes minutes on a CPU; every tuning run and every eval run of
the same texts reuses the cached matrix.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from index.embedding import Embedder
from text.progress import Progress, no_progress


def cached_embeddings(
    embedder: Embedder, texts: list[str], kind: str, cache_dir: Path, progress: Progress = no_progress
) -> np.ndarray:
    """Embed ``texts`` as ``kind`` ("query" or "passage"), reusing a cached matrix when one exists."""
    digest = hashlib.sha256("\x1e".join([embedder.model_id, kind, *texts]).encode()).hexdigest()[:16]
    path = cache_dir / f"{kind}-{digest}.npy"
    if path.exists():
        return np.load(path)
    embed = embedder.embed_queries if kind == "query" else embedder.embed_passages
    parts = []
    for start in range(0, len(texts), 256):
        parts.append(embed(texts[start : start + 256]))
        progress(min(start + 256, len(texts)), len(texts))
    matrix = np.concatenate(parts) if parts else np.zeros((0, embedder.dimension), np.float32)
    cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.npy")
    np.save(tmp, matrix)
    tmp.replace(path)
    return matrix
