"""What an embedder is, and the two optional capabilities some have: model embedders that can run
question encodes side by side (``ModelEmbedder``), and queueing ones that encode in the background
(``QueuedEmbedder``)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Protocol

import numpy as np

from index.embedding.cache import QueryCache


class Embedder(Protocol):
    """What the index needs: a name for manifests, a vector width, and unit vectors."""

    @property
    def model_id(self) -> str: ...

    @property
    def dimension(self) -> int: ...

    def embed_queries(self, texts: list[str]) -> np.ndarray: ...

    def embed_passages(self, texts: list[str]) -> np.ndarray: ...


class ModelEmbedder(ABC):
    """An embedder that runs a model itself, as ``BatchingEmbedder`` drives it.

    ``lanes``: how many question encodes can usefully run side by side; when more than one, each
    ``embed_queries`` call is told how many cores (``threads``) it may use. ``query_cache``: the
    vectors of questions already embedded, which a batching wrapper serves without queueing.
    """

    model_id: str
    dimension: int
    lanes: int = 1
    query_cache: QueryCache | None = None

    @abstractmethod
    def embed_queries(self, texts: list[str], threads: int | None = None) -> np.ndarray: ...

    @abstractmethod
    def embed_passages(self, texts: list[str]) -> np.ndarray: ...


class QueuedEmbedder(ABC):
    """An embedder that can start embedding questions and let the caller work meanwhile."""

    @abstractmethod
    def submit_queries(self, texts: list[str]) -> Callable[[], np.ndarray]:
        """Start embedding ``texts``; the returned call waits for the vectors."""

    @abstractmethod
    def embed_passages(self, texts: list[str]) -> np.ndarray: ...

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self.submit_queries(texts)()


def submit_queries(embedder: Embedder, texts: list[str]) -> Callable[[], np.ndarray]:
    """Start embedding questions; the returned call waits for the vectors. A queued embedder
    encodes in its own thread meanwhile (the caller can run the keyword leg); others embed now."""
    if isinstance(embedder, QueuedEmbedder):
        return embedder.submit_queries(texts)
    vectors = embedder.embed_queries(texts)
    return lambda: vectors
