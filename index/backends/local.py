"""Today's backend: versioned folders of FAISS and bm25s files under one root (``index.store``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from index import versions
from index.manifest import Manifest
from index.passage_index import PassageIndex
from index.store import write_version


class LocalBackend:
    """Versions as folders, CURRENT as the switch; the whole version is loaded into memory."""

    name = "local"

    def __init__(self, root: Path) -> None:
        self.root = root
        self.location = str(root)

    def write(self, index: PassageIndex, manifest: Manifest, keep: int) -> str:
        return write_version(self.root, index.save, manifest, keep)

    def load(self, version: str | None, check: Callable[[Manifest], None]) -> PassageIndex:
        folder, manifest = versions.open_version(self.root, version)
        check(manifest)
        return PassageIndex.load(folder, manifest)

    def current_version(self) -> str | None:
        return versions.current_version(self.root)

    def list_versions(self) -> list[str]:
        return versions.list_versions(self.root)
