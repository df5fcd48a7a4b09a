"""Verdicts in one SQLite file (WAL, synchronous FULL): a verdict the API acknowledged survives a SIGKILL.

No key and no client address is stored: a verdict says what was asked and what was judged, not who judged.
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS verdicts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    question TEXT NOT NULL,
    passage_id TEXT NOT NULL,
    verdict TEXT NOT NULL CHECK (verdict IN ('up', 'down')),
    target TEXT NOT NULL CHECK (target IN ('passage', 'answer')),
    answers_question INTEGER NOT NULL DEFAULT 0,
    doc_id TEXT NOT NULL,
    doc_sha256 TEXT,
    start INTEGER,
    "end" INTEGER,
    answer_start INTEGER,
    answer_end INTEGER,
    index_version TEXT NOT NULL
)
"""


class FeedbackStoreError(RuntimeError):
    """The feedback file cannot be opened or written; the message names it."""


@dataclass(frozen=True)
class Verdict:
    """One reader's verdict on a passage (or on the answer sentence taken from it).

    ``start``/``end`` are the passage's offsets in its document's clean text and ``doc_sha256`` the
    document's digest, both as served: with them a verdict still finds its passage in a later version.
    They are None when the passage was not in the served version (the verdict is kept, not mapped).
    """

    question: str
    passage_id: str
    verdict: str
    doc_id: str
    index_version: str
    target: str = "passage"
    answers_question: bool = False
    doc_sha256: str | None = None
    start: int | None = None
    end: int | None = None
    answer_start: int | None = None
    answer_end: int | None = None
    created_at: str = ""
    id: int | None = None


_COLUMNS = [f.name for f in fields(Verdict) if f.name != "id"]
_SELECTED = ", ".join(f'"{c}"' for c in _COLUMNS)


class FeedbackStore:
    """Appends and lists verdicts; safe to share between request threads (one connection, one lock)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.execute("PRAGMA busy_timeout=5000")
            self._db.execute(SCHEMA)
        except (OSError, sqlite3.Error) as err:
            raise FeedbackStoreError(f"cannot open the feedback file {path}: {err}") from err

    def add(self, verdict: Verdict) -> Verdict:
        """Store ``verdict`` (committed before this returns) and return it with its id and time."""
        row = asdict(verdict)
        row["created_at"] = row["created_at"] or datetime.now(UTC).isoformat(timespec="milliseconds")
        row["answers_question"] = int(row["answers_question"])
        marks = ", ".join("?" for _ in _COLUMNS)
        try:
            with self._lock:
                cursor = self._db.execute(
                    f"INSERT INTO verdicts ({_SELECTED}) VALUES ({marks})", [row[c] for c in _COLUMNS]
                )
        except sqlite3.Error as err:
            raise FeedbackStoreError(f"cannot write to the feedback file {self.path}: {err}") from err
        return Verdict(**{**row, "answers_question": bool(row["answers_question"]), "id": cursor.lastrowid})

    def page(self, offset: int = 0, limit: int = 50) -> tuple[list[Verdict], int]:
        """Verdicts oldest first, ``limit`` from ``offset``, and how many there are in all."""
        with self._lock:
            total = self._db.execute("SELECT COUNT(*) FROM verdicts").fetchone()[0]
            rows = self._db.execute(
                f"SELECT id, {_SELECTED} FROM verdicts ORDER BY id LIMIT ? OFFSET ?", (limit, offset)
            )
            found = [_verdict(row) for row in rows.fetchall()]
        return found, int(total)

    def all(self) -> list[Verdict]:
        return self.page(0, -1)[0]

    def close(self) -> None:
        with self._lock:
            self._db.close()


def _verdict(row: tuple[object, ...]) -> Verdict:
    names = ["id", *_COLUMNS]
    values = dict(zip(names, row, strict=True))
    values["answers_question"] = bool(values["answers_question"])
    return Verdict(**values)  # type: ignore[arg-type]
