"""One complete index version in memory: documents, passages, vectors, and both search legs."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from index.dense import DenseIndex
from index.errors import IndexCorruptError
from index.keyword import KeywordIndex
from index.legs import DenseLeg, KeywordLeg
from index.manifest import MANIFEST, Manifest
from ingest.documents import Document, Passage

T = TypeVar("T")
# The files every version must list; bm25s writes more, which the manifest covers as well.
REQUIRED = ("documents.jsonl", "passages.jsonl", "vectors.npy", "dense.faiss", "bm25/params.index.json")


@dataclass
class PassageIndex:
    """Everything one search needs; immutable once built, so readers can share it across threads."""

    documents: dict[str, Document]
    passages: list[Passage]
    vectors: np.ndarray
    dense: DenseLeg  # DenseIndex, or a backend's (index.backends)
    keyword: KeywordLeg  # KeywordIndex, or a backend's
    manifest: Manifest = field(default_factory=Manifest)
    _by_doc: dict[str, list[Passage]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._by_doc = {}
        for passage in self.passages:
            self._by_doc.setdefault(passage.doc_id, []).append(passage)

    @property
    def version(self) -> str:
        return self.manifest.version or "unsaved"

    def passages_of(self, doc_id: str) -> list[Passage]:
        """A document's passages in their order (none for an unknown id); a copy, so the index stays as it is."""
        return list(self._by_doc.get(doc_id, ()))

    def save(self, folder: Path) -> None:
        if not isinstance(self.dense, DenseIndex) or not isinstance(self.keyword, KeywordIndex):
            raise TypeError("only an index built in memory (FAISS and bm25s) is saved to a folder")
        _write_jsonl(folder / "documents.jsonl", [d.to_json() for d in self.documents.values()])
        _write_jsonl(folder / "passages.jsonl", [p.to_json() for p in self.passages])
        np.save(folder / "vectors.npy", self.vectors)
        self.dense.save(folder / "dense.faiss")
        self.keyword.save(folder / "bm25")

    @classmethod
    def load(cls, folder: Path, manifest: Manifest) -> PassageIndex:
        """Load a verified version folder (see ``store.open_version``) fully into memory.

        Nothing is memory-mapped, so a loaded version keeps serving after its folder is pruned.

        Raises:
            IndexCorruptError: a file is not listed, cannot be parsed, or disagrees with the others;
                the message names the file.
        """
        for name in REQUIRED:
            if name not in manifest.files:
                raise IndexCorruptError.of(folder / MANIFEST, f"lists no {name}, so the version is incomplete")
        documents = _parse(folder, "documents.jsonl", lambda path: [Document.from_json(d) for d in _read_jsonl(path)])
        passages = _parse(folder, "passages.jsonl", lambda path: [Passage.from_json(p) for p in _read_jsonl(path)])
        vectors = _parse(folder, "vectors.npy", lambda path: np.load(path, mmap_mode=None, allow_pickle=False))
        dense = _parse(folder, "dense.faiss", DenseIndex.load)
        keyword = _parse(folder, "bm25", KeywordIndex.load)
        index = cls({d.doc_id: d for d in documents}, passages, vectors, dense, keyword, manifest)
        index._check_consistent(folder, dense.size)
        return index

    def _check_consistent(self, folder: Path, dense_size: int) -> None:
        """Refuse a version whose files each parse but do not belong together."""
        dimension = self.manifest.model.dimension if self.manifest.model else None
        if self.vectors.ndim != 2 or len(self.vectors) != len(self.passages):
            raise IndexCorruptError.of(
                folder / "vectors.npy", f"holds {self.vectors.shape}, not one vector per passage"
            )
        if dimension is not None and self.vectors.shape[1] != dimension:
            raise IndexCorruptError.of(
                folder / "vectors.npy", f"vectors have {self.vectors.shape[1]} dimensions, not {dimension}"
            )
        if dense_size != len(self.passages):
            raise IndexCorruptError.of(
                folder / "dense.faiss", f"holds {dense_size} vectors for {len(self.passages)} passages"
            )
        counts = asdict(self.manifest.counts) if self.manifest.counts else {}
        found = {"documents": len(self.documents), "passages": len(self.passages)}
        if any(counts.get(key, value) != value for key, value in found.items()):
            raise IndexCorruptError.of(
                folder / MANIFEST, f"counts {counts} disagree with the files, which hold {found}"
            )
        orphans = {p.doc_id for p in self.passages} - set(self.documents)
        if orphans:
            raise IndexCorruptError.of(
                folder / "passages.jsonl", f"cites documents not in documents.jsonl: {sorted(orphans)[:3]}"
            )


def _parse(folder: Path, name: str, read: Callable[[Path], T]) -> T:
    try:
        return read(folder / name)
    except Exception as err:  # any parse failure means a damaged or foreign file
        raise IndexCorruptError.of(folder / name, f"cannot be loaded ({type(err).__name__}: {str(err)[:200]})") from err


def _write_jsonl(path: Path, rows: list[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]
