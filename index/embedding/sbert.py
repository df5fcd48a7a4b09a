"""A sentence-transformers model as an embedder: traced when it can be, with the model's prompts."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from index.embedding.base import ModelEmbedder
from index.embedding.cache import QueryCache
from index.embedding.model_thread import model_thread_busy, on_model_thread
from index.embedding.traced import TracedForward

PASSAGE_PROMPT_NAMES = ("document", "passage", "corpus")  # as sentence-transformers' encode_document


def prompts(model: Any, query_prefix: str | None = None, passage_prefix: str | None = None) -> tuple[str, str]:
    """What goes before questions and before passages: the overrides where given, else the prompts
    the model declares (``model.prompts``: ``query``, and ``document``/``passage``/``corpus``), else nothing."""
    declared: dict[str, str] = dict(model.prompts or {})
    passage = next((declared[name] for name in PASSAGE_PROMPT_NAMES if name in declared), "")
    return (
        declared.get("query", "") if query_prefix is None else query_prefix,
        passage if passage_prefix is None else passage_prefix,
    )


class SentenceTransformerEmbedder(ModelEmbedder):
    """A sentence-transformers model (folder or id), with its prompts and a query cache.

    Loading, tracing and every encode on more than one core run ``on_model_thread``; one-core
    encodes (``threads=1``, the batching lanes under load) run in the calling thread. Prompts are
    prepended as text, on the eager path too: the traced path tokenizes texts itself.

    Args:
        model: a folder holding a sentence-transformers model, or a hub id (needs network).
        model_id: the name recorded in index manifests.
        query_prefix, passage_prefix: put before questions and passages instead of the model's own
            prompts (None: the model's; ``"query: "``/``"passage: "`` for the bundled e5).
    """

    query_cache: QueryCache  # always kept

    def __init__(
        self,
        model: str | Path,
        model_id: str,
        query_prefix: str | None = None,
        passage_prefix: str | None = None,
        batch_size: int = 32,
        cache_size: int = 1024,
    ) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        self.model_id = model_id
        self.batch_size = batch_size
        self.query_cache = QueryCache(cache_size)
        self._cores = os.cpu_count() or 1
        self._model, self._traced = on_model_thread(self._load, str(model))
        self.query_prefix, self.passage_prefix = prompts(self._model, query_prefix, passage_prefix)
        dimension = (
            getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        )
        self.dimension = int(dimension() or 0)
        # side by side: one encode per core when traced (no GIL), one when eager (GIL throughout)
        self.lanes = self._cores if self._traced is not None else 1

    def _load(self, model: str) -> tuple[Any, TracedForward | None]:
        import torch
        from sentence_transformers import SentenceTransformer

        torch.set_num_threads(self._cores)
        loaded = SentenceTransformer(model, device="cpu")
        return loaded, TracedForward.of(loaded)

    def _encode(self, texts: list[str], threads: int | None = None, patient: bool = True) -> np.ndarray:
        """Unit vectors for ``texts`` on ``threads`` cores (default all), on the model thread; on one
        core in this thread if one is asked for, or if ``patient`` is False and the model thread is
        busy: a question must not queue behind a document's passages being embedded."""
        threads = threads or self._cores
        if threads > 1 and (patient or not model_thread_busy()):
            return on_model_thread(self._encode_here, texts, threads)
        return self._encode_here(texts, 1)

    def _encode_here(self, texts: list[str], threads: int) -> np.ndarray:
        import torch

        torch.set_num_threads(threads)  # per calling thread (and new threads copy the last one set)
        if self._traced is not None:
            return self._traced.encode(texts, self.batch_size).reshape(len(texts), self.dimension)
        vectors = self._model.encode(
            texts, batch_size=self.batch_size, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
        )
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), self.dimension)

    def embed_queries(self, texts: list[str], threads: int | None = None) -> np.ndarray:
        """Embed questions on ``threads`` cores (default all); repeated questions come from an LRU cache."""
        return self.query_cache.embed(
            texts, lambda missing: self._encode([self.query_prefix + t for t in missing], threads, patient=False)
        )

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode([self.passage_prefix + t for t in texts])
