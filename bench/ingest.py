"""Ingest throughput beside the bare model on the same passages, and jieba's own throughput."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import jieba

from bench.encode import measure_bare_batch
from bench.timing import timed
from briefqa.runtime import make_analyzer, make_builder
from briefqa.settings import Settings
from index.builder import embedding_text
from index.embedding import Embedder, prompts
from index.passage_index import PassageIndex


def timed_ingest(settings: Settings, embedder: Embedder, sources: list[Path]) -> tuple[dict[str, Any], PassageIndex]:
    """An ingest of ``sources`` into an empty index (no sentence vectors kept from an earlier run):
    passages and their sentences, in one pass."""
    shutil.rmtree(settings.index_dir, ignore_errors=True)
    builder = make_builder(settings, embedder)
    report, seconds = timed(lambda: builder.sync(sources, rebuild=True))
    index = builder.current()
    assert index is not None
    chars = sum(len(d.text) for d in index.documents.values())
    figures = {
        "documents": len(index.documents),
        "passages": len(index.passages),
        "sentences_embedded_besides": report.embedded_sentences,
        "characters": chars,
        "seconds": round(seconds, 2),
        "passages_per_s": round(len(index.passages) / seconds, 1),
        "chars_per_s": round(chars / seconds),
        "version": report.version,
    }
    return figures, index


def measure_ingest(
    settings: Settings, embedder: Embedder, sources: list[Path], bare_model: Any, traced_model: Any
) -> dict[str, Any]:
    """Time a full (rebuild) ingest of ``sources``, then the bare model (eager, and traced as briefqa
    runs it) on the very passages it embedded; the ratio is to the faster of the two."""
    ingest, index = timed_ingest(settings, embedder, sources)
    texts = [embedding_text(p) for p in index.passages]
    _, passage_prefix = prompts(bare_model, settings.query_prefix, settings.passage_prefix)
    bare = measure_bare_batch(bare_model, texts, passage_prefix)
    traced = measure_bare_batch(traced_model, texts, passage_prefix)
    fastest = max(bare["passages_per_s"], traced["passages_per_s"])
    return {
        "ingest": ingest,
        "bare_encode": bare,
        "bare_encode_traced": traced,
        "fastest_bare_per_s": fastest,
        "ratio": round(ingest["passages_per_s"] / fastest, 3),
    }


def measure_jieba(settings: Settings, index: PassageIndex) -> dict[str, Any]:
    """Characters/s of plain jieba (precise mode) and of briefqa's BM25 units (jieba + normalising + filters)."""
    texts = [p.text for p in index.passages]
    chars = sum(map(len, texts))
    analyzer = make_analyzer(settings)
    analyzer.units_of(texts[0])  # load the dictionaries outside the clock
    tokenizer = jieba.Tokenizer()
    tokenizer.lcut(texts[0])
    _, plain = timed(lambda: [tokenizer.lcut(t) for t in texts])
    _, units = timed(lambda: [analyzer.units_of(t) for t in texts])
    return {"characters": chars, "jieba_chars_per_s": round(chars / plain), "units_chars_per_s": round(chars / units)}
