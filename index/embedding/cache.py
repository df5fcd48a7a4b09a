"""The question-vector cache: people ask the same questions again."""

from __future__ import annotations

from collections.abc import Callable
from threading import Lock

import numpy as np
from cachetools import LRUCache


class QueryCache:
    """A thread-safe LRU of question vectors (``size`` of them; 0 keeps none)."""

    def __init__(self, size: int = 1024) -> None:
        self._vectors: LRUCache[str, np.ndarray] = LRUCache(maxsize=size)
        self._lock = Lock()  # LRUCache is not thread-safe: even a read reorders it

    def lookup(self, texts: list[str]) -> np.ndarray | None:
        """The vectors of ``texts`` if every one is cached, else None."""
        with self._lock:
            if not texts or any(t not in self._vectors for t in texts):
                return None
            return np.stack([self._vectors[t] for t in texts])

    def embed(self, texts: list[str], encode: Callable[[list[str]], np.ndarray]) -> np.ndarray:
        """Vectors for ``texts``, encoding (once each) only those not cached."""
        if not texts:
            return encode([])
        with self._lock:
            known = {t: self._vectors[t] for t in texts if t in self._vectors}
        missing = [t for t in dict.fromkeys(texts) if t not in known]
        if missing:
            known.update(zip(missing, encode(missing), strict=True))
        if self._vectors.maxsize > 0:  # an LRUCache that may hold nothing refuses every item
            with self._lock:
                for t in texts:
                    self._vectors[t] = known[t]
        return np.stack([known[t] for t in texts])
