"""The one interface the builder and the service use for wherever index versions are kept.

A backend builds a complete version and switches readers to it in one step, loads a version for
serving (a ``PassageIndex`` whose legs search wherever the backend keeps them), lists versions and
prunes old ones. Neither the service nor ``Searcher`` knows which backend they have.

A backend that ``keeps_sentences`` stores a version's sentence vectors with it, so a replica with no
local data serves answer sentences without embedding them; one that does not leaves them to the
local sentence store (``index.sentence_store``) every service reads next.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

import numpy as np

from index.manifest import Manifest
from index.passage_index import PassageIndex

SentenceRows = tuple[list[str], np.ndarray]  # sentence texts, and one float32 vector row each


def no_sentences() -> SentenceRows:
    return [], np.zeros((0, 0), np.float32)


class IndexBackend(Protocol):
    """Versions of one index, wherever they are kept."""

    name: str  # "local" or "milvus": what /readyz and errors name
    location: str  # the folder or the URI, for messages
    keeps_sentences: bool  # ``write`` stores the sentences handed to it, ``sentence_vectors`` reads them

    def write(self, index: PassageIndex, manifest: Manifest, keep: int, sentences: SentenceRows | None = None) -> str:
        """Build a complete version of ``index`` (with every one of its ``sentences``, if the backend
        keeps them), switch readers to it, prune to ``keep``; its name."""
        ...

    def sentence_vectors(self, version: str) -> SentenceRows:
        """The sentence vectors kept with ``version``; none if the backend or the version keeps none.

        Raises:
            BackendUnavailableError.
        """
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
