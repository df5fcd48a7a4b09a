"""Run a question set against briefqa's own retrieval: the served index, or a BEIR corpus indexed here."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from briefqa.runtime import make_analyzer, make_builder, make_searcher
from briefqa.settings import Settings
from evaluation.answers import AnswerCounts, count_answers
from evaluation.embedding_cache import cached_embeddings
from evaluation.metrics import EvalResult, Retriever, run_eval
from evaluation.questions import Question, load_beir_corpus
from index.builder import embedding_text
from index.dense import DenseIndex
from index.embedding import Embedder
from index.keyword import KeywordIndex
from index.manifest import Manifest
from index.passage_index import PassageIndex
from index.search import MODES, Searcher
from index.sentence_vectors import sentences_of
from ingest.documents import Document, Passage
from text.normalize import simplify
from text.progress import Progress, no_progress
from text.sentences import passage_sentences

Stages = Callable[[str], Progress]
"""Gives the ``Progress`` of one named stage ("embedding the corpus"): how a caller shows each stage."""


def no_stages(stage: str) -> Progress:
    return no_progress


class PrecomputedQueries:
    """Serves question vectors embedded in one cached batch; anything else goes to the model."""

    def __init__(
        self, embedder: Embedder, questions: list[str], cache_dir: Path, progress: Progress = no_progress
    ) -> None:
        self.inner, self.model_id, self.dimension = embedder, embedder.model_id, embedder.dimension
        texts = list(dict.fromkeys(simplify(q) for q in questions))
        vectors = cached_embeddings(embedder, texts, "query", cache_dir, progress)
        self._known = dict(zip(texts, vectors, strict=True))

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        if all(t in self._known for t in texts):
            return np.stack([self._known[t] for t in texts])
        return self.inner.embed_queries(texts)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self.inner.embed_passages(texts)


def beir_index(
    folder: Path, embedder: Embedder, settings: Settings, cache_dir: Path, progress: Progress = no_progress
) -> PassageIndex:
    """Index a BEIR ``corpus.jsonl`` as it stands: one passage per corpus entry, its title as heading."""
    documents, passages = {}, []
    for entry in load_beir_corpus(folder):
        documents[entry.id] = Document(entry.id, str(folder), "", entry.text, entry.title or entry.id)
        passages.append(Passage(entry.id, entry.id, 0, len(entry.text), entry.text, entry.title or None))
    texts = [embedding_text(p) for p in passages]
    vectors = cached_embeddings(embedder, texts, "passage", cache_dir, progress)
    analyzer = make_analyzer(settings)
    keyword = KeywordIndex.build([analyzer.units_of(t) for t in texts])
    return PassageIndex(
        documents, passages, vectors, DenseIndex.build(vectors), keyword, Manifest(version=f"beir:{folder.name}")
    )


def searcher_for(
    source: Path,
    questions: list[Question],
    settings: Settings,
    embedder: Embedder,
    modes: list[str],
    stages: Stages = no_stages,
) -> Searcher:
    """A searcher over a BEIR folder's corpus, or else the configured index, its question vectors
    embedded in one cached batch (and, for hybrid, every sentence vector); ``stages`` hears how far
    embedding (when not cached) has got."""
    cache_dir = settings.cache_dir / "eval"
    asked = [q.text for q in questions if q.answerable]
    embedder = PrecomputedQueries(embedder, asked, cache_dir, stages("embedding the questions"))
    if source.is_dir():
        index = beir_index(source, embedder, settings, cache_dir, stages("embedding the corpus"))
    else:
        index = make_builder(settings, embedder).load()
    searcher: Searcher = make_searcher(settings, index, embedder)
    if "hybrid" in modes and settings.rerank_depth > 1:  # its re-ranking reads sentence vectors: embed once, on disk
        several = [p for p in index.passages if len(passage_sentences(p.text)) > 1]  # one sentence: its own vector
        texts = list(dict.fromkeys(text for _, text in sentences_of(several)))
        vectors = cached_embeddings(embedder, texts, "passage", cache_dir, stages("embedding the sentences"))
        searcher.sentences.add(texts, vectors)
    return searcher


def retriever(searcher: Searcher, progress: Progress = no_progress, total: int = 0) -> Retriever:
    """The ranked passages (id, text) of a search, as the metrics score them; ``progress`` hears each one."""
    done = iter(range(1, total + 1))

    def retrieve(question: str, top: int, mode: str) -> list[tuple[str, str]]:
        hits = searcher.search(question, top, mode).hits
        progress(next(done, total), total)
        return [(h.passage.passage_id, h.passage.text) for h in hits]

    return retrieve


def evaluate(
    source: Path,
    questions: list[Question],
    settings: Settings,
    embedder: Embedder,
    modes: list[str],
    k: int,
    stages: Stages = no_stages,
) -> dict[str, EvalResult]:
    """Score ``questions`` per mode against a BEIR folder's corpus, or else the configured index."""
    return score_modes(searcher_for(source, questions, settings, embedder, modes, stages), questions, modes, k, stages)


def score_modes(
    searcher: Searcher, questions: list[Question], modes: list[str], k: int, stages: Stages = no_stages
) -> dict[str, EvalResult]:
    """Ask every answerable question in each of ``modes`` and score the rankings."""
    chosen = [m for m in MODES if m in modes]
    total = sum(1 for q in questions if q.answerable) * len(chosen)
    return run_eval(questions, retriever(searcher, stages("asking"), total), chosen, k)


def hybrid_answers(
    source: Path, questions: list[Question], searcher: Searcher, modes: list[str]
) -> AnswerCounts | None:
    """The hybrid answer sentences and abstentions of a JSONL set (asked of the configured index; a BEIR
    folder has no answer strings to check them by)."""
    return count_answers(questions, searcher) if not source.is_dir() and "hybrid" in modes else None
