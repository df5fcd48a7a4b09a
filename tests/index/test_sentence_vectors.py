"""Sentence vectors: embedded once, kept by text, bounded, warmed in the background."""

from __future__ import annotations

import threading

import numpy as np

from index.sentence_vectors import SentenceVectors, sentences_of
from ingest.documents import Passage
from tests.fakes import HashingEmbedder


class Counting(HashingEmbedder):
    """The fake embedder, counting the texts it is asked to embed."""

    def __init__(self) -> None:
        super().__init__()
        self.embedded: list[str] = []

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        self.embedded += texts
        return super().embed_passages(texts)


PASSAGE = Passage("d-1", "doc", 10, 40, "广州布局未来产业。天使母基金规模100亿元。", "导语")


def test_cosines_are_keyed_by_document_span_and_match_a_direct_embedding():
    embedder = Counting()
    store = SentenceVectors(embedder)
    query = embedder.embed_queries(["天使母基金多大"])[0]
    cosines = store.cosines([PASSAGE], query)
    (key_a, _), (key_b, text_b) = sentences_of([PASSAGE])
    assert set(cosines) == {key_a, key_b}
    assert PASSAGE.text[key_b[1] - PASSAGE.start : key_b[2] - PASSAGE.start] == text_b
    assert cosines[key_b] == float(embedder.embed_passages([text_b])[0] @ query)
    assert cosines[key_b] > cosines[key_a]


def test_a_sentence_is_embedded_once():
    embedder = Counting()
    store = SentenceVectors(embedder)
    query = embedder.embed_queries(["问题"])[0]
    store.cosines([PASSAGE], query)
    store.cosines([PASSAGE], query)
    assert len(embedder.embedded) == 2


def test_warm_embeds_what_is_missing_and_questions_then_embed_nothing():
    embedder = Counting()
    store = SentenceVectors(embedder, batch=1)
    heard: list[tuple[int, int]] = []
    texts = [text for _, text in sentences_of([PASSAGE])]
    assert store.warm(texts, progress=lambda done, total: heard.append((done, total))) == 2
    assert heard == [(1, 2), (2, 2)]
    embedder.embedded.clear()
    store.cosines([PASSAGE], embedder.embed_queries(["问题"])[0])
    assert embedder.embedded == []


def test_warm_stops_when_told():
    store = SentenceVectors(Counting())
    stop = threading.Event()
    stop.set()
    assert store.warm(["一句话。", "又一句。"], stop) == 0
    assert len(store) == 0


def test_the_store_is_bounded_and_still_answers_beyond_its_size():
    store = SentenceVectors(Counting(), capacity=1)
    vectors = store.vectors(["甲。", "乙。", "丙。"])
    assert vectors.shape == (3, 64)
    assert len(store) == 1


def test_reading_a_vector_keeps_it_and_the_least_recently_used_goes_first():
    embedder = Counting()
    store = SentenceVectors(embedder, capacity=2)
    store.vectors(["甲。", "乙。"])
    store.vectors(["甲。"])  # 甲 is now the most recently used
    store.vectors(["丙。"])  # so 乙 goes
    assert store.missing(["甲。", "乙。", "丙。"]) == ["乙。"]
    assert len(store) == 2
