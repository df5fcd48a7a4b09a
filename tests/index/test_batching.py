"""The micro-batching wrapper: concurrent questions share one encode, a lone one does not wait."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from index.embedding import BatchingEmbedder, QueryCache, on_model_thread
from tests.fakes import HashingEmbedder

QUESTIONS = [f"第{i}条：社区治理如何推进？" for i in range(8)]


class SlowEmbedder(HashingEmbedder):
    """The fake embedder, taking ``delay`` seconds per encode and recording each batch it got."""

    def __init__(self, delay: float = 0.0) -> None:
        super().__init__()
        self.delay, self.batches = delay, []

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        self.batches.append(list(texts))
        time.sleep(self.delay)
        return super().embed_queries(texts)


def ask_together(embedder: BatchingEmbedder, questions: list[str]) -> dict[str, np.ndarray]:
    start, results = threading.Barrier(len(questions)), {}

    def ask(question: str) -> None:
        start.wait()
        results[question] = embedder.embed_queries([question])[0]

    threads = [threading.Thread(target=ask, args=(q,)) for q in questions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    return results


def test_concurrent_questions_coalesce_into_fewer_encodes() -> None:
    inner = SlowEmbedder(delay=0.05)
    ask_together(BatchingEmbedder(inner, max_wait_ms=5), QUESTIONS)
    assert sorted(t for batch in inner.batches for t in batch) == sorted(QUESTIONS)
    assert len(inner.batches) < len(QUESTIONS)
    assert max(len(batch) for batch in inner.batches) > 1


def test_batched_vectors_equal_unbatched_ones() -> None:
    results = ask_together(BatchingEmbedder(SlowEmbedder(delay=0.02), max_wait_ms=5), QUESTIONS)
    plain = HashingEmbedder()
    for question in QUESTIONS:
        np.testing.assert_array_equal(results[question], plain.embed_queries([question])[0])


def test_lone_question_does_not_wait_for_company() -> None:
    embedder = BatchingEmbedder(SlowEmbedder(), max_wait_ms=500)
    started = time.perf_counter()
    for question in QUESTIONS:
        embedder.embed_queries([question])
    assert time.perf_counter() - started < 0.4  # one 500 ms wait alone would break this


def test_several_questions_in_one_call_keep_their_order() -> None:
    vectors = BatchingEmbedder(SlowEmbedder()).embed_queries(QUESTIONS[:3])
    np.testing.assert_array_equal(vectors, HashingEmbedder().embed_queries(QUESTIONS[:3]))


def test_a_failed_encode_reaches_every_caller_of_its_batch() -> None:
    class Broken(SlowEmbedder):
        def embed_queries(self, texts: list[str]) -> np.ndarray:
            time.sleep(0.05)
            raise RuntimeError("模型不可用")

    embedder, errors = BatchingEmbedder(Broken(), max_wait_ms=5), []

    def ask(question: str) -> None:
        with pytest.raises(RuntimeError, match="模型不可用"):
            embedder.embed_queries([question])
        errors.append(question)

    threads = [threading.Thread(target=ask, args=(q,)) for q in QUESTIONS[:4]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert sorted(errors) == sorted(QUESTIONS[:4])


def test_a_repeated_question_comes_from_the_cache_without_an_encode() -> None:
    class Cached(SlowEmbedder):
        def __init__(self) -> None:
            super().__init__()
            self.query_cache = QueryCache(size=4)

        def embed_queries(self, texts: list[str]) -> np.ndarray:
            return self.query_cache.embed(texts, super().embed_queries)

    inner = Cached()
    embedder = BatchingEmbedder(inner)
    first = embedder.embed_queries([QUESTIONS[0]])
    again = embedder.embed_queries([QUESTIONS[0]])
    assert inner.batches == [[QUESTIONS[0]]]
    np.testing.assert_array_equal(first, again)


class LanedEmbedder(HashingEmbedder):
    """A fake that can run two encodes side by side (as the traced model can), taking ``delay``
    seconds each and recording (start, end, cores, batch size) per encode."""

    lanes = 2

    def __init__(self, delay: float) -> None:
        super().__init__()
        self.delay, self.encodes, self._lock = delay, [], threading.Lock()

    def embed_queries(self, texts: list[str], threads: int | None = None) -> np.ndarray:
        started = time.perf_counter()
        time.sleep(self.delay)
        with self._lock:
            self.encodes.append((started, time.perf_counter(), threads, len(texts)))
        return super().embed_queries(texts)


def test_a_lone_question_is_encoded_on_every_core() -> None:
    inner = LanedEmbedder(delay=0.01)
    embedder = BatchingEmbedder(inner, max_wait_ms=5)
    for question in QUESTIONS[:3]:
        embedder.embed_queries([question])
    assert [cores for _, _, cores, _ in inner.encodes] == [2, 2, 2]


def test_under_load_two_lanes_encode_side_by_side_on_one_core_each() -> None:
    inner = LanedEmbedder(delay=0.05)
    embedder = BatchingEmbedder(inner, max_wait_ms=5)
    for _ in range(3):  # rounds of eight questions at once, as eight busy clients would ask them
        results = ask_together(embedder, QUESTIONS)
        assert sorted(results) == sorted(QUESTIONS)
    overlapping = [
        (a, b) for i, a in enumerate(inner.encodes) for b in inner.encodes[i + 1 :] if a[0] < b[1] and b[0] < a[1]
    ]
    assert overlapping, "no two encodes ever ran at the same time"
    assert all(a[2] == 1 and b[2] == 1 for a, b in overlapping)  # never more cores busy than there are


def test_lanes_share_a_queue_instead_of_one_taking_it_all() -> None:
    inner = LanedEmbedder(delay=0.05)
    embedder = BatchingEmbedder(inner, max_wait_ms=5)
    ask_together(embedder, QUESTIONS)
    assert max(size for _, _, _, size in inner.encodes) < len(QUESTIONS)


def test_model_thread_work_runs_on_one_thread_and_may_nest() -> None:
    seen = set()

    def where() -> int:
        seen.add(threading.get_ident())
        return on_model_thread(threading.get_ident)  # nested: runs in place instead of deadlocking

    threads = [threading.Thread(target=lambda: on_model_thread(where)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert len(seen) == 1
    assert threading.get_ident() not in seen
