"""Build and update index versions: ingest what changed, reuse what did not, swap atomically."""

from __future__ import annotations

import fcntl
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from index.dense import DenseIndex
from index.embedding import Embedder, in_length_order
from index.keyword import KeywordIndex
from index.passage_index import PassageIndex
from index.store import IndexMismatchError, IndexMissingError, open_version, write_version
from ingest.chunking import ChunkSettings
from ingest.documents import Document, Passage
from ingest.pipeline import IngestedDocument, IngestError, file_sha256, find_sources, read_document, with_doc_id
from text.terms import Analyzer

Progress = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass
class SyncReport:
    """What one ingest did; ``version`` is None when nothing changed."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # why each unreadable file in a folder was left out
    embedded_passages: int = 0
    version: str | None = None

    def summary(self) -> str:
        return (
            f"{len(self.added)} added, {len(self.changed)} changed, {len(self.unchanged)} unchanged, "
            f"{len(self.removed)} removed, {len(self.skipped)} skipped; {self.embedded_passages} passages embedded"
            + (f"; index version {self.version}" if self.version else "; index unchanged")
        )


class LastDocumentError(ValueError):
    """Removing these documents would leave no document at all; nothing was written."""


class IndexBuilder:
    """Owns writes to one index folder; one writer at a time (a file lock)."""

    def __init__(
        self, root: Path, embedder: Embedder, analyzer: Analyzer, chunking: ChunkSettings, keep: int = 3
    ) -> None:
        self.root, self.embedder, self.analyzer, self.chunking, self.keep = root, embedder, analyzer, chunking, keep

    def settings(self) -> dict[str, Any]:
        """What an index must have been built with to be used with these settings."""
        return {
            "model": {"id": self.embedder.model_id, "dimension": self.embedder.dimension},
            "chunking": asdict(self.chunking),
            "keyword_units": "+".join(self.analyzer.units),
        }

    def current(self) -> PassageIndex | None:
        """The current version if there is one, checked against these settings."""
        try:
            folder, manifest = open_version(self.root)
        except IndexMissingError:
            return None
        check_compatible(manifest, self.settings(), self.root)
        return PassageIndex.load(folder, manifest)

    def sync(
        self, paths: list[Path], remove_missing: bool = False, rebuild: bool = False, progress: Progress | None = None
    ) -> SyncReport:
        """Make the index hold the documents under ``paths``: new files added, changed ones re-read,
        unchanged ones (same content hash) not even parsed, and those whose files are gone from a
        named folder removed (``remove_missing``: every document whose file was not found now).

        A file named on its own is all-or-nothing: if it cannot be read, IngestError is raised and
        nothing is written. A file in a named folder that cannot be read (a scan, a damaged PDF) is
        left out and named in ``SyncReport.skipped``: the rest is synced, and the file's earlier
        version, if any, stays. ``rebuild`` starts from nothing (after a change of model or settings).
        """
        sources = find_sources(paths)
        folders = [p.resolve() for p in paths if p.is_dir()]
        with self._lock():
            old = None if rebuild else self.current()
            known = {d.source: d for d in old.documents.values()} if old else {}
            report = SyncReport()
            incoming = self._read_changed(sources, known, folders, report)
            seen = {str(source) for source in sources}
            gone = {
                d.source
                for d in known.values()
                if d.source not in seen and (remove_missing or any(_is_inside(d.source, f) for f in folders))
            }
            return self._update(incoming, progress, old, gone, report)

    def _read_changed(
        self, sources: list[Path], known: dict[str, Document], folders: list[Path], report: SyncReport
    ) -> list[IngestedDocument]:
        """Read the new and changed files; note the unchanged (by content hash) and the unreadable ones."""
        incoming: list[IngestedDocument] = []
        for source in sources:
            same = known.get(str(source))
            if same and same.sha256 == file_sha256(source):
                report.unchanged.append(same.doc_id)
                continue
            try:
                incoming.append(read_document(source, self.chunking))
            except IngestError as error:
                if not any(source.is_relative_to(folder) for folder in folders):
                    raise  # a file named on its own: all or nothing
                report.skipped.append(f"{error} — skipped")
        return incoming

    def add(self, document: IngestedDocument) -> SyncReport:
        with self._lock():
            return self._update([document], None, self.current())

    def remove(self, doc_ids: list[str]) -> SyncReport:
        with self._lock():
            old = self.current()
            report = SyncReport(removed=[d for d in doc_ids if old and d in old.documents])
            if old and report.removed:
                kept = [IngestedDocument(d, _passages_of(old, i)) for i, d in old.documents.items() if i not in doc_ids]
                if not kept:
                    raise LastDocumentError(
                        f"{', '.join(report.removed)} would leave the index empty: add the replacement first, "
                        "then remove it (the index keeps serving as it is)"
                    )
                report.version = self._write(kept, _vectors_by_passage(old), report, None)
            return report

    def _update(
        self,
        incoming: list[IngestedDocument],
        progress: Progress | None,
        old: PassageIndex | None,
        gone: set[str] | None = None,
        report: SyncReport | None = None,
    ) -> SyncReport:
        """Write a version with ``incoming`` added or updated and the documents of ``gone`` sources removed."""
        existing = {d.doc_id: d for d in old.documents.values()} if old else {}
        by_source = {d.source: d for d in existing.values()}
        report = report or SyncReport()
        final: dict[str, IngestedDocument] = {i: IngestedDocument(d, _passages_of(old, i)) for i, d in existing.items()}
        for item in incoming:
            same_source = by_source.get(item.document.source)
            if same_source and same_source.sha256 == item.document.sha256:
                report.unchanged.append(same_source.doc_id)
                continue
            doc_id = same_source.doc_id if same_source else _free_id(item.document.doc_id, final, item.document.sha256)
            item = item if item.document.doc_id == doc_id else with_doc_id(item, doc_id)
            (report.changed if same_source else report.added).append(doc_id)
            final[doc_id] = item
        report.removed = [i for i, d in existing.items() if d.source in (gone or set())]
        for doc_id in report.removed:
            final.pop(doc_id)
        if report.added or report.changed or report.removed:
            reusable = _vectors_by_passage(old) if old else {}
            for doc_id in report.changed:
                reusable = {k: v for k, v in reusable.items() if not k.startswith(f"{doc_id}#")}
            report.version = self._write(list(final.values()), reusable, report, progress)
        return report

    def _write(
        self,
        docs: list[IngestedDocument],
        reusable: dict[str, np.ndarray],
        report: SyncReport,
        progress: Progress | None,
    ) -> str:
        passages = [p for d in docs for p in d.passages]
        to_embed = [p for p in passages if p.passage_id not in reusable]
        fresh = self._embed(to_embed, progress)
        report.embedded_passages = len(to_embed)
        vectors_by_id = {**reusable, **{p.passage_id: v for p, v in zip(to_embed, fresh, strict=True)}}
        vectors = np.stack([vectors_by_id[p.passage_id] for p in passages]) if passages else _empty(self.embedder)
        index = PassageIndex(
            documents={d.document.doc_id: d.document for d in docs},
            passages=passages,
            vectors=vectors,
            dense=DenseIndex.build(vectors),
            keyword=KeywordIndex.build([self.analyzer.units_of(embedding_text(p)) for p in passages]),
        )
        manifest = {
            **self.settings(),
            "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "sources": {d.document.doc_id: {"source": d.document.source, "sha256": d.document.sha256} for d in docs},
            "counts": {"documents": len(docs), "passages": len(passages)},
            "dense_index": index.dense.describe(),
        }
        return write_version(self.root, index.save, manifest, self.keep)

    def _embed(self, passages: list[Passage], progress: Progress | None) -> np.ndarray:
        """Embed in calls of 64, shortest texts first (``in_length_order``: each call pads little, as
        one call of everything would), in the passages' order."""
        texts = [embedding_text(p) for p in passages]
        done = (lambda n: progress("embedding", n, len(texts))) if progress else None
        vectors = in_length_order(texts, 64, self.embedder.embed_passages, done)
        return vectors if vectors is not None else _empty(self.embedder)

    @contextmanager
    def _lock(self) -> Iterator[None]:
        self.root.mkdir(parents=True, exist_ok=True)
        with (self.root / ".write.lock").open("w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            yield


def embedding_text(passage: Passage) -> str:
    """The text a passage is embedded and keyword-indexed as: its section heading gives it context."""
    section = passage.section if passage.section and passage.section not in ("导语", "刊头") else ""
    return f"{section}\n{passage.text}" if section and not passage.text.startswith(section) else passage.text


def check_compatible(manifest: dict[str, Any], expected: dict[str, Any], root: Path) -> None:
    for key, value in expected.items():
        if manifest.get(key) != value:
            raise IndexMismatchError(
                f"index at {root} was built with {key}={manifest.get(key)}, but the settings ask for {value}: "
                "re-ingest with `briefqa ingest --rebuild PATH`, or point BRIEFQA_DATA_DIR at a new folder"
            )


def _passages_of(index: PassageIndex | None, doc_id: str) -> list[Passage]:
    return [p for p in index.passages if p.doc_id == doc_id] if index else []


def _vectors_by_passage(index: PassageIndex) -> dict[str, np.ndarray]:
    return {p.passage_id: index.vectors[i] for i, p in enumerate(index.passages)}


def _free_id(doc_id: str, taken: dict[str, IngestedDocument], sha256: str) -> str:
    return doc_id if doc_id not in taken else f"{doc_id}-{sha256[:8]}"


def _is_inside(source: str, folder: Path) -> bool:
    """Whether a document's source (a file path, or ``upload:NAME``) lies in ``folder``."""
    return not source.startswith("upload:") and Path(source).is_relative_to(folder)


def _empty(embedder: Embedder) -> np.ndarray:
    return np.zeros((0, embedder.dimension), dtype=np.float32)
