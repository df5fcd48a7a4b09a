"""The question-vector cache: least recently used questions leave first."""

from __future__ import annotations

import numpy as np

from index.embedding import QueryCache


class Encoder:
    """Vectors [len(text), n] for each text, recording what it was asked to encode."""

    def __init__(self) -> None:
        self.asked: list[list[str]] = []

    def __call__(self, texts: list[str]) -> np.ndarray:
        self.asked.append(list(texts))
        return np.array([[len(t), len(self.asked)] for t in texts], dtype=np.float32).reshape(len(texts), 2)


def test_a_looked_up_question_stays_and_the_least_recent_one_leaves() -> None:
    cache, encode = QueryCache(size=2), Encoder()
    cache.embed(["a", "bb"], encode)
    assert cache.lookup(["a"]) is not None  # "a" is now the most recent
    cache.embed(["ccc"], encode)
    assert cache.lookup(["bb"]) is None
    assert cache.lookup(["a", "ccc"]) is not None


def test_each_missing_question_is_encoded_once_and_order_is_kept() -> None:
    cache, encode = QueryCache(size=8), Encoder()
    cache.embed(["a"], encode)
    vectors = cache.embed(["bb", "a", "bb"], encode)
    assert encode.asked == [["a"], ["bb"]]
    assert vectors[:, 0].tolist() == [2, 1, 2]
    assert cache.lookup([]) is None


def test_a_cache_of_size_zero_keeps_nothing() -> None:
    cache, encode = QueryCache(size=0), Encoder()
    cache.embed(["a"], encode)
    cache.embed(["a"], encode)
    assert encode.asked == [["a"], ["a"]]
    assert cache.lookup(["a"]) is None
