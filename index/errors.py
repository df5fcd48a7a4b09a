"""What can be wrong with an index folder, each kind saying what the user should do about it."""

from __future__ import annotations

from pathlib import Path

REBUILD = "rebuild it with `briefqa ingest --rebuild PATH`"


class IndexStoreError(Exception):
    """Base for index problems a user can act on (the message says what to do)."""


class IndexMissingError(IndexStoreError):
    """Nothing was ever committed at the index folder."""

    @classmethod
    def at(cls, root: Path) -> IndexMissingError:
        return cls(f"no index at {root}: run `briefqa ingest PATH` first")


class IndexCorruptError(IndexStoreError):
    """A file of an index version is missing, unlisted, truncated or altered; the message names it."""

    @classmethod
    def of(cls, path: Path, what: str) -> IndexCorruptError:
        """``path`` is damaged as ``what`` says; the remedy is a rebuild."""
        return cls(f"{path}: {what}; {REBUILD}")


class IndexMismatchError(IndexStoreError):
    """The index was built with other settings or another format than this briefqa expects."""


class IndexWriteError(IndexStoreError):
    """A new version could not be written (disk full, permissions); the previous one stays current."""


class BackendUnavailableError(IndexStoreError):
    """The index backend (a Milvus server) is unreachable or too slow; retry later, nothing is lost."""

    def __init__(self, backend: str, reason: str) -> None:
        super().__init__(f"index backend {backend} unavailable: {reason}")
        self.backend, self.reason = backend, reason
