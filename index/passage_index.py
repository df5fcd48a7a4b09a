"""One complete index version in memory: documents, passages, vectors, and both search legs."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from index.dense import DenseIndex
from index.keyword import KeywordIndex
from index.store import IndexCorruptError
from ingest.documents import Document, Passage


@dataclass
class PassageIndex:
    """Everything one search needs; immutable once built, so readers can share it across threads."""

    documents: dict[str, Document]
    passages: list[Passage]
    vectors: np.ndarray
    dense: DenseIndex
    keyword: KeywordIndex
    manifest: dict[str, Any] = field(default_factory=dict)

    @property
    def version(self) -> str:
        return str(self.manifest.get("version", "unsaved"))

    def save(self, folder: Path) -> None:
        _write_jsonl(folder / "documents.jsonl", [d.to_json() for d in self.documents.values()])
        _write_jsonl(folder / "passages.jsonl", [p.to_json() for p in self.passages])
        np.save(folder / "vectors.npy", self.vectors)
        self.dense.save(folder / "dense.faiss")
        self.keyword.save(folder / "bm25")

    @classmethod
    def load(cls, folder: Path, manifest: dict[str, Any]) -> PassageIndex:
        """Load a verified version folder (see ``store.open_version``)."""
        try:
            documents = [Document.from_json(d) for d in _read_jsonl(folder / "documents.jsonl")]
            passages = [Passage.from_json(p) for p in _read_jsonl(folder / "passages.jsonl")]
            vectors = np.load(folder / "vectors.npy")
            dense = DenseIndex.load(folder / "dense.faiss")
            keyword = KeywordIndex.load(folder / "bm25")
        except Exception as err:  # noqa: BLE001 - any parse failure means a damaged version
            raise IndexCorruptError(f"{folder}: cannot load index files ({err}); re-ingest to rebuild") from err
        if dense.size != len(passages) or len(vectors) != len(passages):
            raise IndexCorruptError(f"{folder}: passages, vectors and FAISS index disagree; re-ingest to rebuild")
        return cls({d.doc_id: d for d in documents}, passages, vectors, dense, keyword, manifest)


def _write_jsonl(path: Path, rows: list[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]
