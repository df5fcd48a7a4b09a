"""Build the pieces (embedder, analyzer, builder, searcher) that settings describe."""

from __future__ import annotations

from pathlib import Path

from briefqa.settings import DEFAULT_MODEL, Settings
from index.backends.base import IndexBackend
from index.backends.local import LocalBackend
from index.builder import IndexBuilder
from index.embedding import Embedder, EmbedderSpec, LazyEmbedder, build_embedder
from index.fusion import tuned_fusion
from index.passage_index import PassageIndex
from index.rerank import Rerank
from index.search import Searcher
from index.sentence_store import SentenceStore
from index.sentence_vectors import SentenceVectors
from ingest.chunking import ChunkSettings
from text.terms import Analyzer


def embedder_spec(settings: Settings) -> EmbedderSpec:
    """The embedder the settings describe (the bundled default model is ``model=None``). For the
    bundled model ``auto`` is int4-b32 on either runtime (the model's own 4-bit weights: fp32's
    accuracy on every machine measured; int8-static is faster, but its calibration moved with the
    CPU and lost two briefing questions on one: docs/performance.md); another model is exported in
    fp32 unless a quantisation is asked for."""
    model = None if settings.model == DEFAULT_MODEL else settings.model
    quantisation: str = settings.onnx_quantisation
    if quantisation == "auto":
        quantisation = "int4-b32" if model is None else "fp32"
    return EmbedderSpec(
        model_dir=settings.model_dir,
        backend=settings.embedder_backend,
        model=model,
        query_prefix=settings.query_prefix,
        passage_prefix=settings.passage_prefix,
        batch_wait_ms=settings.batch_wait_ms,
        passage_lanes=settings.onnx_passage_lanes,
        quantisation=quantisation,
        runtime=settings.onnx_runtime,
        precision=settings.onnx_precision,
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
    root = root or settings.index_dir
    analyzer = make_analyzer(settings)
    backend, sentences = make_backend(settings, root), SentenceStore(root, embedder.model_id)
    return IndexBuilder(root, embedder, analyzer, chunking, settings.keep_versions, backend, sentences)


def make_backend(settings: Settings, root: Path) -> IndexBackend:
    """Local folders under ``root``, or Milvus (imported only then: pymilvus takes seconds to import)."""
    if settings.backend == "local":
        return LocalBackend(root)
    from index.backends.milvus.backend import MilvusBackend
    from index.backends.milvus.client import MilvusConfig

    token = settings.milvus_token.get_secret_value() if settings.milvus_token else ""
    return MilvusBackend(MilvusConfig(settings.milvus_uri, token, settings.milvus_timeout_s))


def make_searcher(
    settings: Settings, index: PassageIndex, embedder: Embedder, sentences: SentenceVectors | None = None
) -> Searcher:
    fusion = tuned_fusion(settings.fusion, settings.rrf_k, settings.dense_weight, settings.crosslingual_dense_weight)
    if sentences is None:
        store = SentenceStore(settings.index_dir, embedder.model_id)
        sentences = SentenceVectors(embedder, settings.sentence_cache_size, store=store)
    rerank = Rerank(settings.rerank_depth, settings.evidence_weight, method=settings.reranker)
    return Searcher(index, embedder, make_analyzer(settings), fusion, sentences=sentences, rerank=rerank)
