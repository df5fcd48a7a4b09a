"""Vectors of single sentences, for the answer sentence and for scoring passages by their best sentence.

Sentences are embedded at ingest beside the passages (``IndexBuilder``) and kept on disk by model
and text (``index.sentence_store``); a service reads the served version's from there when it loads
it, and embeds in a background thread only those never stored (an index written before the store,
or a damaged segment), keeping them too. A question that arrives before that is done embeds the
few it needs itself. In memory they are kept by text, so a new version reads only its new sentences.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable

import numpy as np
from cachetools import LRUCache

from index.embedding import Embedder
from index.sentence_store import SentenceStore
from ingest.documents import Passage
from text.progress import Progress, no_progress
from text.sentences import passage_sentences

log = logging.getLogger("briefqa.index")
SpanKey = tuple[str, int, int]  # (doc_id, start, end) in the document's clean text


def sentences_of(passages: Iterable[Passage]) -> list[tuple[SpanKey, str]]:
    """Every sentence of ``passages`` with its document span, in order."""
    return [((p.doc_id, p.start + s, p.start + e), p.text[s:e]) for p in passages for s, e in passage_sentences(p.text)]


class SentenceVectors:
    """A bounded, thread-safe store of sentence vectors keyed by text (least recently used goes first).

    ``warm`` embeds ``batch`` sentences a call: large batches sort by length well enough that padding
    stops dominating (docs/performance.md). With a ``store``, ``load`` reads stored vectors and
    ``warm`` keeps what it embeds there.
    """

    def __init__(
        self, embedder: Embedder, capacity: int = 200_000, batch: int = 256, store: SentenceStore | None = None
    ) -> None:
        self.embedder, self.capacity, self.batch, self.store = embedder, max(1, capacity), max(1, batch), store
        self._vectors: LRUCache[str, np.ndarray] = LRUCache(maxsize=self.capacity)
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._vectors)

    def missing(self, texts: Iterable[str]) -> list[str]:
        with self._lock:
            return list(dict.fromkeys(t for t in texts if t not in self._vectors))

    def vectors(self, texts: list[str]) -> np.ndarray:
        """One row per text; texts not yet known are embedded now, in one call."""
        known: dict[str, np.ndarray] = {}
        with self._lock:
            for text in texts:
                if text in self._vectors:
                    known[text] = self._vectors[text]  # a read makes it the most recently used
        new = list(dict.fromkeys(t for t in texts if t not in known))
        if new:
            vectors = self.embedder.embed_passages(new)
            self.add(new, vectors)
            known.update(zip(new, vectors, strict=True))
        if not texts:
            return np.zeros((0, self.embedder.dimension), np.float32)
        return np.stack([known[t] for t in texts])

    def cosines(self, passages: list[Passage], query: np.ndarray) -> dict[SpanKey, float]:
        """Cosine of ``query`` to every sentence of ``passages``, keyed by document span."""
        spans = sentences_of(passages)
        if not spans:
            return {}
        scores = self.vectors([text for _, text in spans]) @ query
        return {key: float(score) for (key, _), score in zip(spans, scores, strict=True)}

    def load(self, texts: Iterable[str]) -> int:
        """Read the stored vectors of those ``texts`` not in memory; return how many were read."""
        if self.store is None:
            return 0
        found = self.store.read(self.missing(texts)[: self.capacity])
        self.add(list(found), np.stack(list(found.values())) if found else np.zeros((0, 0), np.float32))
        return len(found)

    def warm(self, texts: list[str], stop: threading.Event | None = None, progress: Progress = no_progress) -> int:
        """Embed the ``texts`` not yet known, a batch at a time; return how many were embedded.

        Stops early when ``stop`` is set (a newer version took over); ``progress`` hears how many
        are done, of how many, after each batch. Never embeds more than the store holds. With a
        ``store``, what it embeds (and what questions embedded meanwhile) is kept there.
        """
        todo = self.missing(texts)[: self.capacity]
        done = 0
        for at in range(0, len(todo), self.batch):
            if stop is not None and stop.is_set():
                break
            chunk = self.missing(todo[at : at + self.batch])
            if chunk:
                self.add(chunk, self.embedder.embed_passages(chunk))
                done += len(chunk)
            progress(min(at + self.batch, len(todo)), len(todo))
        self._keep(texts)
        return done

    def _keep(self, texts: list[str]) -> None:
        """Write to the store the vectors of ``texts`` held in memory but not stored."""
        if self.store is None:
            return
        with self._lock:
            held = {t: self._vectors[t] for t in self.store.missing(texts) if t in self._vectors}
        try:
            self.store.write(list(held), np.stack(list(held.values())) if held else np.zeros((0, 0), np.float32))
        except OSError as err:  # kept in memory all the same: the next start embeds them again
            log.warning("cannot keep %d sentence vectors on disk: %s", len(held), err)

    def add(self, texts: list[str], vectors: np.ndarray) -> None:
        """Keep ``vectors`` of ``texts`` (embedded here, or elsewhere: an evaluation's disk cache)."""
        with self._lock:
            for text, vector in zip(texts, vectors, strict=True):
                self._vectors[text] = vector
