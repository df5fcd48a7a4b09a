"""Build the pieces (embedder, analyzer, builder, searcher) that settings describe."""

from __future__ import annotations

from pathlib import Path

from briefqa.settings import DEFAULT_MODEL, Settings
from index.builder import IndexBuilder
from index.embedding import Embedder, EmbedderSpec, LazyEmbedder, build_embedder
from index.fusion import tuned_fusion
from index.passage_index import PassageIndex
from index.search import Rerank, Searcher
from index.sentence_vectors import SentenceVectors
from ingest.chunking import ChunkSettings
from text.terms import Analyzer


def embedder_spec(settings: Settings) -> EmbedderSpec:
    """The embedder the settings describe (the bundled default model is ``model=None``)."""
    return EmbedderSpec(
        model_dir=settings.model_dir,
        backend=settings.embedder_backend,
        model=None if settings.model == DEFAULT_MODEL else settings.model,
        query_prefix=settings.query_prefix,
        passage_prefix=settings.passage_prefix,
        batch_wait_ms=settings.batch_wait_ms,
    )


def make_embedder(settings: Settings) -> Embedder:
    """The configured backend, wrapped so that concurrent questions share one encode."""
    return build_embedder(embedder_spec(settings))


def make_lazy_embedder(settings: Settings) -> LazyEmbedder:
    """The configured embedder, loaded on first use."""
    return LazyEmbedder(embedder_spec(settings))


def make_analyzer(settings: Settings) -> Analyzer:
    return Analyzer(settings.keyword_units, settings.user_dict)


def make_builder(settings: Settings, embedder: Embedder, root: Path | None = None) -> IndexBuilder:
    chunking = ChunkSettings(settings.max_chars, settings.overlap_sentences)
    return IndexBuilder(root or settings.index_dir, embedder, make_analyzer(settings), chunking, settings.keep_versions)


def make_searcher(
    settings: Settings, index: PassageIndex, embedder: Embedder, sentences: SentenceVectors | None = None
) -> Searcher:
    fusion = tuned_fusion(settings.fusion, settings.rrf_k, settings.dense_weight, settings.crosslingual_dense_weight)
    if sentences is None:
        sentences = SentenceVectors(embedder, settings.sentence_cache_size)
    rerank = Rerank(settings.rerank_depth, settings.evidence_weight)
    return Searcher(index, embedder, make_analyzer(settings), fusion, sentences=sentences, rerank=rerank)
