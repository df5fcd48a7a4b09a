"""Test doubles shared by the test modules."""

from __future__ import annotations

import hashlib

import numpy as np

from index.embedding import ModelEmbedder


class HashingEmbedder(ModelEmbedder):
    """A deterministic fake: character uni- and bigrams hashed into a unit vector."""

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

    def embed_queries(self, texts: list[str], threads: int | None = None) -> np.ndarray:
        return np.stack([self._embed(t) for t in texts]) if texts else np.zeros((0, self.dimension), np.float32)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self.embed_queries(texts)


class CountingEmbedder(HashingEmbedder):
    """The hashing fake, counting the texts it embeds (passages and questions apart)."""

    def __init__(self, dimension: int = 64) -> None:
        super().__init__(dimension)
        self.passages = self.queries = 0

    def embed_queries(self, texts: list[str], threads: int | None = None) -> np.ndarray:
        self.queries += len(texts)
        return super().embed_queries(texts, threads)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        self.passages += len(texts)
        return super().embed_queries(texts)
