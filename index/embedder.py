"""Embedders behind one narrow interface: the real sentence-transformers model and a fast fake."""

from __future__ import annotations

import hashlib
import os
from collections import OrderedDict
from pathlib import Path
from threading import Lock
from typing import Protocol

import numpy as np


class Embedder(Protocol):
    model_id: str
    dimension: int

    def embed_queries(self, texts: list[str]) -> np.ndarray: ...

    def embed_passages(self, texts: list[str]) -> np.ndarray: ...


class SentenceTransformerEmbedder:
    """A sentence-transformers model (folder or id), with e5-style prefixes and a query cache.

    Args:
        model: a folder holding a sentence-transformers model, or a hub id (needs network).
        model_id: the name recorded in index manifests.
        query_prefix, passage_prefix: prepended to questions and passages ("query: ", "passage: "
            for the e5 family; empty strings for models trained without them).
    """

    def __init__(
        self,
        model: str | Path,
        model_id: str,
        query_prefix: str = "query: ",
        passage_prefix: str = "passage: ",
        batch_size: int = 32,
        cache_size: int = 1024,
    ) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(str(model), device="cpu")
        self.model_id = model_id
        dimension = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dimension = int(dimension() or 0)
        self.query_prefix, self.passage_prefix = query_prefix, passage_prefix
        self.batch_size = batch_size
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_size = cache_size
        self._lock = Lock()

    def _encode(self, texts: list[str]) -> np.ndarray:
        vectors = self._model.encode(
            texts, batch_size=self.batch_size, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
        )
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), self.dimension)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        """Embed questions; repeated questions come from an LRU cache."""
        missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if missing:
            fresh = self._encode([self.query_prefix + t for t in missing])
            with self._lock:
                for text, vector in zip(missing, fresh, strict=True):
                    self._cache[text] = vector
                    if len(self._cache) > self._cache_size:
                        self._cache.popitem(last=False)
        with self._lock:
            for t in texts:
                self._cache.move_to_end(t)
            return np.stack([self._cache[t] for t in texts])

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode([self.passage_prefix + t for t in texts])


class HashingEmbedder:
    """A deterministic fake: character uni- and bigrams hashed into a unit vector. For tests only."""

    def __init__(self, dimension: int = 64) -> None:
        self.model_id = f"hashing-{dimension}"
        self.dimension = dimension

    def _embed(self, text: str) -> np.ndarray:
        vector = np.zeros(self.dimension, dtype=np.float32)
        grams = list(text) + [text[i : i + 2] for i in range(len(text) - 1)]
        for gram in grams:
            if gram.strip():
                vector[int(hashlib.md5(gram.encode()).hexdigest()[:8], 16) % self.dimension] += 1.0
        norm = float(np.linalg.norm(vector))
        return vector / norm if norm else vector

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return np.stack([self._embed(t) for t in texts]) if texts else np.zeros((0, self.dimension), np.float32)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self.embed_queries(texts)
