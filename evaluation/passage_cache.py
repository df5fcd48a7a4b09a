"""An embedder wrapper that keeps every passage vector on disk, by model and text.

Benchmarks index the same texts again and again (the 1000-article library is several thousand
passages; each smaller library is inside it): served from here, a re-run embeds nothing. Sentence
vectors for the answer sentence go through ``embed_passages`` too, so they are kept as well.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
import threading
from pathlib import Path

import numpy as np

from index.embedding import Embedder

_LOOKUP_BATCH = 500  # below SQLite's limit on bound parameters


class CachedPassages:
    """Serves passage vectors of texts seen before (by any run with the same model id) from
    ``cache_dir/passages-<model>.sqlite3``; embeds only the rest, and keeps them. Questions pass
    through. ``embedded`` counts the texts this wrapper sent to the model."""

    def __init__(self, embedder: Embedder, cache_dir: Path) -> None:
        self.inner, self.model_id, self.dimension = embedder, embedder.model_id, embedder.dimension
        self.embedded = 0
        cache_dir.mkdir(parents=True, exist_ok=True)
        self.path = cache_dir / f"passages-{re.sub(r'[^A-Za-z0-9._-]+', '_', self.model_id)}.sqlite3"
        self._db = sqlite3.connect(self.path, check_same_thread=False)  # guarded by the lock
        self._db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB NOT NULL)")
        self._lock = threading.Lock()

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self.inner.embed_queries(texts)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        keys = [_key(self.model_id, t) for t in texts]
        known = self._lookup(list(dict.fromkeys(keys)))
        missing = list(dict.fromkeys(t for t, k in zip(texts, keys, strict=True) if k not in known))
        if missing:
            fresh = self.inner.embed_passages(missing)
            self.embedded += len(missing)
            rows = {_key(self.model_id, t): np.asarray(v, np.float32) for t, v in zip(missing, fresh, strict=True)}
            self._store(rows)
            known.update(rows)
        if not texts:
            return np.zeros((0, self.dimension), np.float32)
        return np.stack([known[k] for k in keys])

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _lookup(self, keys: list[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        with self._lock:
            for at in range(0, len(keys), _LOOKUP_BATCH):
                chunk = keys[at : at + _LOOKUP_BATCH]
                marks = ",".join("?" * len(chunk))
                query = f"SELECT key, vector FROM vectors WHERE key IN ({marks})"  # placeholders only
                for key, blob in self._db.execute(query, chunk):
                    found[key] = np.frombuffer(blob, np.float32).copy()
        return found

    def _store(self, rows: dict[str, np.ndarray]) -> None:
        with self._lock, self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO vectors VALUES (?, ?)", [(k, v.tobytes()) for k, v in rows.items()]
            )


def _key(model_id: str, text: str) -> str:
    return hashlib.sha256(f"{model_id}\x1e{text}".encode()).hexdigest()
