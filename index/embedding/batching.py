"""Concurrent questions coalesced into batched encodes, on one or more encode lanes."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from threading import Condition, Lock, Thread

import numpy as np

from index.embedding.base import Embedder, ModelEmbedder, QueuedEmbedder


@dataclass
class _Waiting:
    """One caller's questions, and what the batch that carried them produced."""

    texts: list[str]
    vectors: np.ndarray | None = None
    error: BaseException | None = None
    done: bool = False


class BatchingEmbedder(QueuedEmbedder):
    """Coalesces concurrent ``embed_queries`` calls from request threads into batched encodes.

    Why: the model encodes several short questions in little more than the time of one, so under
    concurrent load one batched encode serves many requests and throughput rises with concurrency.
    Encodes run in worker threads, never in request threads: torch keeps an OpenMP thread team per
    calling thread, and encodes issued from dozens of request threads left those teams fighting
    over the cores.

    Lanes: a ``ModelEmbedder`` that can run encodes side by side (``inner.lanes`` > 1, the traced
    torch model, which runs without the GIL) gets one worker per lane. A lone request, with every
    lane idle, is encoded at once on all cores (the lowest latency). Under load the queue is shared
    out between the idle lanes and each encodes its part on one core: two one-core encodes use two
    cores better than one two-core encode, whose threads wait for each other whenever the request
    threads' Python takes one of the cores. Only when the last batch carried several requests does
    a worker wait up to ``max_wait_ms`` for more before encoding.
    """

    def __init__(self, inner: Embedder, max_wait_ms: float = 2.0, max_batch: int = 32) -> None:
        self.inner, self.max_wait_ms, self.max_batch = inner, max_wait_ms, max(1, max_batch)
        self.model_id, self.dimension = inner.model_id, inner.dimension
        model = inner if isinstance(inner, ModelEmbedder) else None
        self.lanes = max(1, model.lanes) if model is not None else 1
        self._cache = model.query_cache if model is not None else None
        self._model = model if self.lanes > 1 else None  # told how many cores each encode may use
        lock = Lock()
        self._queued, self._finished = Condition(lock), Condition(lock)
        self._queue: deque[_Waiting] = deque()
        self._under_load = False
        self._cores_busy = 0
        self._workers: list[Thread] = []

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self.inner.embed_passages(texts)

    def submit_queries(self, texts: list[str]) -> Callable[[], np.ndarray]:
        """Queue ``texts`` for the next batch and return at once; the returned call waits for the vectors."""
        cached = self._cache.lookup(texts) if self._cache is not None else None
        if cached is not None or not texts:
            vectors = cached if cached is not None else self.inner.embed_queries([])
            return lambda: vectors
        mine = _Waiting(list(texts))
        with self._queued:
            if not self._workers:
                for lane in range(self.lanes):
                    self._workers.append(Thread(target=self._work, name=f"query-embedder-{lane}", daemon=True))
                    self._workers[-1].start()
            self._queue.append(mine)
            self._queued.notify()
        return lambda: self._wait(mine)

    def _wait(self, mine: _Waiting) -> np.ndarray:
        with self._finished:
            while not mine.done:
                self._finished.wait()
        if mine.error is not None:
            raise mine.error
        assert mine.vectors is not None
        return mine.vectors

    def _work(self) -> None:
        while True:
            batch, cores = self._collect()
            try:
                self._encode(batch, cores)
            finally:
                with self._queued:
                    self._cores_busy -= cores
                    self._queued.notify_all()

    def _collect(self) -> tuple[list[_Waiting], int]:
        """The next batch for this worker, and how many cores it may use."""
        with self._queued:
            while not self._queue or self._cores_busy >= self.lanes:
                self._queued.wait()
            if self._under_load and self.max_wait_ms > 0:
                deadline = time.monotonic() + self.max_wait_ms / 1000
                while sum(len(w.texts) for w in self._queue) < self.max_batch:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        break
                    self._queued.wait(left)
                while not self._queue or self._cores_busy >= self.lanes:  # another lane came first
                    self._queued.wait()
            idle = self.lanes - self._cores_busy
            share = min(self.max_batch, -(-sum(len(w.texts) for w in self._queue) // idle))
            batch: list[_Waiting] = []
            count = 0
            while self._queue and (not batch or count + len(self._queue[0].texts) <= share):
                batch.append(self._queue.popleft())
                count += len(batch[-1].texts)
            alone = self._cores_busy == 0 and not self._queue
            cores = self.lanes if alone else 1
            self._cores_busy += cores
            self._under_load = len(batch) > 1 or bool(self._queue)
            if self._queue:
                self._queued.notify()  # another idle lane takes the rest
            return batch, cores

    def _encode(self, batch: list[_Waiting], cores: int) -> None:
        texts = [t for w in batch for t in w.texts]
        try:
            model = self._model
            vectors = model.embed_queries(texts, cores) if model is not None else self.inner.embed_queries(texts)
            offsets = np.cumsum([0] + [len(w.texts) for w in batch])
            for w, start, end in zip(batch, offsets[:-1], offsets[1:], strict=True):
                w.vectors = vectors[start:end]
        except Exception as err:  # every caller of the batch sees the failure; the worker lives on
            for w in batch:
                w.error = err
        with self._finished:
            for w in batch:
                w.done = True
            self._finished.notify_all()
