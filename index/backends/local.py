"""Today's backend: versioned folders of FAISS and bm25s files under one root (``index.store``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from index import versions
from index.backends.base import SentenceRows, no_sentences
from index.manifest import Manifest
from index.passage_index import PassageIndex
from index.store import write_version


class LocalBackend:
    """Versions as folders, CURRENT as the switch; the whole version is loaded into memory. Sentence
    vectors stay in the local sentence store, shared by every version (the builder writes it)."""

    name = "local"
    keeps_sentences = False

    def __init__(self, root: Path) -> None:
        self.root = root
        self.location = str(root)

    def write(self, index: PassageIndex, manifest: Manifest, keep: int, sentences: SentenceRows | None = None) -> str:
        return write_version(self.root, index.save, manifest, keep)

    def sentence_vectors(self, version: str) -> SentenceRows:
        return no_sentences()

    def load(self, version: str | None, check: Callable[[Manifest], None]) -> PassageIndex:
        folder, manifest = versions.open_version(self.root, version)
        check(manifest)
        return PassageIndex.load(folder, manifest)

    def current_version(self) -> str | None:
        return versions.current_version(self.root)

    def list_versions(self) -> list[str]:
        return versions.list_versions(self.root)
