"""The one interface the builder and the service use for wherever index versions are kept.

A backend builds a complete version and switches readers to it in one step, loads a version for
serving (a ``PassageIndex`` whose legs search wherever the backend keeps them), lists versions and
prunes old ones. Neither the service nor ``Searcher`` knows which backend they have.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from index.manifest import Manifest
from index.passage_index import PassageIndex


class IndexBackend(Protocol):
    """Versions of one index, wherever they are kept."""

    name: str  # "local" or "milvus": what /readyz and errors name
    location: str  # the folder or the URI, for messages

    def write(self, index: PassageIndex, manifest: Manifest, keep: int) -> str:
        """Build a complete version of ``index``, switch readers to it, prune to ``keep``; its name."""
        ...

    def load(self, version: str | None, check: Callable[[Manifest], None]) -> PassageIndex:
        """A version (the current one by default) for serving; ``check`` refuses its manifest first.

        Raises:
            IndexMissingError, IndexCorruptError, IndexMismatchError, BackendUnavailableError.
        """
        ...

    def current_version(self) -> str | None: ...

    def list_versions(self) -> list[str]:
        """Complete versions, oldest first."""
        ...
