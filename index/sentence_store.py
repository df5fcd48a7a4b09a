"""Sentence vectors kept on disk across restarts and versions, content-addressed by (model, text).

Why: a served version's every sentence is needed for answer sentences and the sentence re-ranking;
re-embedding them at each start took most of a minute for a few hundred passages. A version's
sentences are embedded once (at ingest, beside its passages) and read back in milliseconds.

Layout: ``ROOT/sentence-vectors/<model key>/`` holds segments, each ``<sha256>.npz`` (``keys``: a
16-byte BLAKE2b digest of each sentence's text; ``vectors``: float32 rows) named by the sha256 of
its own bytes, plus ``model.json`` naming the model id for people. A segment is written to a
temporary name, fsynced and renamed, so a reader sees it whole or not at all; one whose bytes no
longer match its name is ignored (and its sentences embedded again), never trusted. The model id
includes the runtime recipe (``intfloat/...@onnxruntime-1.32.0/int8/v2``), so vectors of another
runtime are never mixed in. Segments are merged when there are many (``compact``).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from index.sealing import fsync_path
from text.files import file_sha256

log = logging.getLogger("briefqa.index")
KEY_BYTES = 16
MERGE_AT = 16  # segments before they are merged into one


def text_key(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=KEY_BYTES).digest()


class SentenceStore:
    """The sentence vectors one model (and runtime) has embedded under ``root``."""

    def __init__(self, root: Path, model_id: str) -> None:
        self.model_id = model_id
        self.folder = root / "sentence-vectors" / hashlib.sha256(model_id.encode("utf-8")).hexdigest()[:16]

    def read(self, texts: Iterable[str]) -> dict[str, np.ndarray]:
        """The stored vectors of those of ``texts`` that are stored."""
        wanted = {text_key(t): t for t in texts}
        found: dict[str, np.ndarray] = {}
        if not wanted:
            return found
        for keys, vectors in self._segments():
            for row, key in enumerate(keys):
                text = wanted.get(bytes(key))
                if text is not None:
                    found[text] = vectors[row]
        return found

    def missing(self, texts: Iterable[str]) -> list[str]:
        """Those of ``texts`` (each once, in order) that no segment holds."""
        stored = {bytes(k) for keys, _ in self._segments() for k in keys}
        return [t for t in dict.fromkeys(texts) if text_key(t) not in stored]

    def write(self, texts: list[str], vectors: np.ndarray) -> None:
        """Keep ``vectors`` of ``texts`` as one new segment (nothing for no texts)."""
        if not texts:
            return
        keys = np.frombuffer(b"".join(text_key(t) for t in texts), np.uint8).reshape(len(texts), KEY_BYTES)
        self.folder.mkdir(parents=True, exist_ok=True)
        self._describe()
        self._write_segment(keys, np.asarray(vectors, np.float32))
        if len(self._names()) >= MERGE_AT:
            self.compact()

    def compact(self) -> None:
        """Merge every segment into one (one compactor at a time; a reader racing it re-embeds a few)."""
        with (self.folder / ".compact.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            names = self._names()
            if len(names) < 2:
                return
            rows: dict[bytes, np.ndarray] = {}
            for keys, vectors in self._segments(names):
                rows.update((bytes(k), v) for k, v in zip(keys, vectors, strict=True))
            keys = np.frombuffer(b"".join(rows), np.uint8).reshape(len(rows), KEY_BYTES)
            merged = self._write_segment(keys, np.stack(list(rows.values())))
            for name in names:
                if name != merged:
                    (self.folder / name).unlink(missing_ok=True)
            fsync_path(self.folder)

    def _describe(self) -> None:
        about = self.folder / "model.json"
        if not about.is_file():
            about.write_text(json.dumps({"model": self.model_id}, ensure_ascii=False) + "\n", encoding="utf-8")

    def _names(self) -> list[str]:
        try:
            return sorted(p.name for p in self.folder.iterdir() if p.suffix == ".npz" and not p.name.startswith("."))
        except FileNotFoundError:
            return []

    def _segments(self, names: list[str] | None = None) -> Iterable[tuple[np.ndarray, np.ndarray]]:
        """Each intact segment's keys and vectors; a damaged or vanished one is skipped."""
        for name in self._names() if names is None else names:
            path = self.folder / name
            try:
                if file_sha256(path) != path.stem:
                    log.warning("%s: checksum mismatch; its sentences will be embedded again", path)
                    continue
                with np.load(path, allow_pickle=False) as segment:
                    keys, vectors = segment["keys"], segment["vectors"]
            except FileNotFoundError:
                continue  # merged away meanwhile
            except (OSError, ValueError, KeyError) as err:
                log.warning("%s: unreadable (%s); its sentences will be embedded again", path, err)
                continue
            if keys.shape != (len(vectors), KEY_BYTES) or vectors.ndim != 2:
                log.warning("%s: malformed segment; its sentences will be embedded again", path)
                continue
            yield keys, vectors

    def _write_segment(self, keys: np.ndarray, vectors: np.ndarray) -> str:
        fd, tmp = tempfile.mkstemp(prefix=".segment-", suffix=".tmp", dir=self.folder)
        try:
            with os.fdopen(fd, "wb") as handle:
                np.savez(handle, keys=keys, vectors=vectors)
                handle.flush()
                os.fsync(handle.fileno())
            name = f"{file_sha256(Path(tmp))}.npz"
            os.replace(tmp, self.folder / name)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        fsync_path(self.folder)
        return name
