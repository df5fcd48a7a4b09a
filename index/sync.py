"""Planning a change of the index: which documents are new, changed, unchanged or gone, and so which
documents the next version holds. Nothing here embeds or writes; ``index.builder`` does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from index.passage_index import PassageIndex
from ingest.chunking import ChunkSettings
from ingest.documents import Document
from ingest.pipeline import IngestedDocument, IngestError, file_sha256, read_document, with_doc_id


@dataclass
class SyncReport:
    """What one ingest did; ``version`` is None when nothing changed."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # why each unreadable file in a folder was left out
    repeated: list[str] = field(default_factory=list)  # added documents whose file another one already is
    embedded_passages: int = 0
    embedded_sentences: int = 0  # besides the passages: a passage that is one sentence counts as a passage
    version: str | None = None

    def summary(self) -> str:
        return (
            f"{len(self.added)} added, {len(self.changed)} changed, {len(self.unchanged)} unchanged, "
            f"{len(self.removed)} removed, {len(self.skipped)} skipped; {self.embedded_passages} passages "
            f"and {self.embedded_sentences} more sentences embedded"
            + (f"; index version {self.version}" if self.version else "; index unchanged")
            + "".join(f"\n{note}" for note in self.repeated)
        )

    @property
    def changes(self) -> bool:
        """Whether the index must get a new version."""
        return bool(self.added or self.changed or self.removed)


class LastDocumentError(ValueError):
    """Removing these documents would leave no document at all; nothing was written."""


def read_changed(
    sources: list[Path], folders: list[Path], old: PassageIndex | None, chunking: ChunkSettings, report: SyncReport
) -> list[IngestedDocument]:
    """Read the new and changed files; note the unchanged (by content hash) and the unreadable ones.

    A file named on its own is all-or-nothing (IngestError); an unreadable file in one of ``folders``
    is named in ``report.skipped`` and left out.
    """
    known = _by_source(old)
    incoming: list[IngestedDocument] = []
    for source in sources:
        same = known.get(str(source))
        if same and same.sha256 == file_sha256(source):
            report.unchanged.append(same.doc_id)
            continue
        try:
            incoming.append(read_document(source, chunking))
        except IngestError as error:
            if not any(source.is_relative_to(folder) for folder in folders):
                raise
            report.skipped.append(f"{error} — skipped")
    return incoming


def gone_sources(sources: list[Path], folders: list[Path], old: PassageIndex | None, remove_missing: bool) -> set[str]:
    """The sources of documents whose files are gone: from a named folder, or from anywhere (``remove_missing``)."""
    seen = {str(source) for source in sources}
    return {
        source
        for source in _by_source(old)
        if source not in seen and (remove_missing or any(_is_inside(source, f) for f in folders))
    }


def merged(
    old: PassageIndex | None, incoming: list[IngestedDocument], gone: set[str], report: SyncReport
) -> list[IngestedDocument]:
    """The next version's documents: the old ones with ``incoming`` added or replaced (a new document
    whose id is taken gets its content hash appended) and those of ``gone`` sources removed."""
    by_source = _by_source(old)
    final = documents_of(old)
    for item in incoming:
        same_source = by_source.get(item.document.source)
        if same_source and same_source.sha256 == item.document.sha256:
            report.unchanged.append(same_source.doc_id)
            continue
        doc_id = same_source.doc_id if same_source else _free_id(item.document.doc_id, final, item.document.sha256)
        item = item if item.document.doc_id == doc_id else with_doc_id(item, doc_id)
        (report.changed if same_source else report.added).append(doc_id)
        twin = None if same_source else _same_file(item, final)
        if twin is not None:  # a folder synced from a second place: both are searched, the text is there twice
            report.repeated.append(_repeat_note(doc_id, item.document, twin))
        final[doc_id] = item
    report.removed = [doc_id for doc_id, d in (old.documents if old else {}).items() if d.source in gone]
    for doc_id in report.removed:
        final.pop(doc_id)
    return list(final.values())


def without(old: PassageIndex | None, doc_ids: list[str]) -> tuple[list[IngestedDocument], SyncReport]:
    """The next version's documents with ``doc_ids`` removed, and the report saying which were there.

    Raises:
        LastDocumentError: no document would be left.
    """
    report = SyncReport(removed=[d for d in doc_ids if old and d in old.documents])
    kept = [item for doc_id, item in documents_of(old).items() if doc_id not in doc_ids]
    if report.removed and not kept:
        raise LastDocumentError(
            f"{', '.join(report.removed)} would leave the index empty: add the replacement first, "
            "then remove it (the index keeps serving as it is)"
        )
    return kept, report


def documents_of(index: PassageIndex | None) -> dict[str, IngestedDocument]:
    """Every document of ``index`` with its passages, by id."""
    if index is None:
        return {}
    return {doc_id: IngestedDocument(d, index.passages_of(doc_id)) for doc_id, d in index.documents.items()}


def _by_source(index: PassageIndex | None) -> dict[str, Document]:
    return {d.source: d for d in index.documents.values()} if index else {}


def _same_file(item: IngestedDocument, held: dict[str, IngestedDocument]) -> Document | None:
    return next((d.document for d in held.values() if d.document.sha256 == item.document.sha256), None)


def _repeat_note(doc_id: str, new: Document, held: Document) -> str:
    return (
        f"note: {doc_id} ({new.source}) is the same file as {held.doc_id} ({held.source}); both are indexed "
        "(to keep one, ingest only the folders to keep with --sync, or DELETE /v1/documents/ID)"
    )


def _free_id(doc_id: str, taken: dict[str, IngestedDocument], sha256: str) -> str:
    return doc_id if doc_id not in taken else f"{doc_id}-{sha256[:8]}"


def _is_inside(source: str, folder: Path) -> bool:
    """Whether a document's source (a file path, or ``upload:NAME``) lies in ``folder``."""
    return not source.startswith("upload:") and Path(source).is_relative_to(folder)
