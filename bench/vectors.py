"""Real e5 vectors of CMRC sentences and questions (cached), and synthetic ones shaped like them."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import numpy as np

from bench.encode import encode


def cached_vectors(model: Any, texts: list[str], prefix: str, cache: Path) -> np.ndarray:
    """Encode ``texts`` (batch 32) once; later runs read the vectors back from ``cache``."""
    key = hashlib.sha256(("\n".join(texts) + prefix).encode()).hexdigest()[:16]
    path = cache / f"{prefix.strip(': ')}-{len(texts)}-{key}.npy"
    if path.is_file():
        return np.load(path)
    vectors = np.asarray(encode(model, [prefix + t for t in texts]), dtype=np.float32)
    cache.mkdir(parents=True, exist_ok=True)
    np.save(path, vectors)
    return vectors


def synthetic_vectors(real: np.ndarray, count: int, seed: int = 0, chunk: int = 100_000) -> np.ndarray:
    """``count`` unit vectors shaped like ``real`` ones: ``real`` itself first, then blends of two real
    sentence vectors plus a little noise (e5's vectors crowd into a narrow cone; random ones would not)."""
    rng = np.random.default_rng(seed)
    out = np.empty((count, real.shape[1]), dtype=np.float32)
    head = min(count, len(real))
    out[:head] = real[:head]
    for start in range(head, count, chunk):
        n = min(chunk, count - start)
        weight = rng.uniform(0.5, 0.85, (n, 1)).astype(np.float32)
        blend = weight * real[rng.integers(0, len(real), n)] + (1 - weight) * real[rng.integers(0, len(real), n)]
        blend += rng.normal(0, 0.1 / np.sqrt(real.shape[1]), blend.shape).astype(np.float32)
        out[start : start + n] = blend / np.linalg.norm(blend, axis=1, keepdims=True)
    return out
