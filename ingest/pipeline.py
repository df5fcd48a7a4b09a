"""From a file on disk to a Document and its passages."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace
from pathlib import Path

from ingest.chunking import ChunkSettings, passages_for
from ingest.documents import Document, Passage
from ingest.metadata import extract_metadata
from ingest.readers import KINDS, IngestError, check_supported, is_supported, reader_for
from ingest.readers.pages import join_pages, page_at
from ingest.structure import blocks
from text.files import file_sha256 as file_sha256  # re-exported for index.builder (owned by text.files)

__all__ = [
    "IngestError",
    "IngestedDocument",
    "build_document",
    "document_from_bytes",
    "find_sources",
    "read_document",
]

_DOC_ID = re.compile(r"[^\w.\-]+")
_NAME_DATE = re.compile(r"(?<!\d)(20\d{2}|19\d{2})[-_.年]?(\d{2})[-_.月]?(\d{2})日?(?!\d)")
_NAME_ISSUE = re.compile(r"第\s*(\d+)\s*期")


@dataclass(frozen=True)
class IngestedDocument:
    document: Document
    passages: list[Passage]


def find_sources(paths: list[Path]) -> list[Path]:
    """Expand files and folders into the briefings to ingest, sorted, each checked to exist.

    In folders, hidden files and Word's lock files (``~$name.docx``) are passed over.
    """
    found: list[Path] = []
    for path in paths:
        if not path.exists():
            raise IngestError(f"{path}: no such file or folder; check the path")
        if path.is_dir():
            inside = sorted(p for p in path.rglob("*") if p.is_file() and _is_briefing(p.relative_to(path)))
            if not inside:
                raise IngestError(f"{path}: folder holds no {KINDS} file; add briefings or name files directly")
            found += inside
        else:
            check_supported(path)
            found.append(path)
    return list(dict.fromkeys(p.resolve() for p in found))


def _is_briefing(relative: Path) -> bool:
    hidden = any(part.startswith((".", "~$")) for part in relative.parts)
    return not hidden and is_supported(relative)


def doc_id_for(path: Path) -> str:
    """A stable, URL-safe id from the file name (Chinese letters are kept)."""
    return _DOC_ID.sub("-", path.stem).strip("-.") or "document"


def read_document(path: Path, chunking: ChunkSettings, doc_id: str | None = None) -> IngestedDocument:
    """Read, clean and cut one briefing (.txt, .md, .pdf, .docx, .html).

    Raises:
        IngestError: the file is missing, unreadable, of the wrong format, or holds no text;
            NoTextLayerError for a scanned PDF, DamagedFileError, EncryptedFileError (see ``ingest.readers``).
    """
    try:
        data = path.read_bytes()
    except OSError as err:
        raise IngestError(f"{path}: cannot read ({err.strerror}); check the path and permissions") from err
    return document_from_bytes(path, data, str(path), chunking, doc_id)


def document_from_bytes(
    name: Path, data: bytes, source: str, chunking: ChunkSettings, doc_id: str | None = None
) -> IngestedDocument:
    """Read a briefing's bytes (a file's, or an upload's) with the reader its content and ``name`` call for."""
    extracted = reader_for(name, data)(name, data)
    joined = join_pages(extracted.pages)
    if not joined.text.strip():
        raise IngestError(f"{name}: file is empty (no text found); nothing to index")
    properties = {**_name_hints(name), **extracted.properties, "format": extracted.format}
    return build_document(
        joined.text,
        doc_id or doc_id_for(name),
        source,
        hashlib.sha256(data).hexdigest(),
        chunking,
        pages=joined.page_starts if extracted.paged else None,
        properties=properties,
    )


def _name_hints(path: Path) -> dict[str, str]:
    """A date (2025-05-08, 20250508) or an issue (第6期) in the file name: used when the text has none."""
    hints = {}
    if date := _NAME_DATE.search(path.stem):
        hints["date"] = f"{date[1]}-{date[2]}-{date[3]}"
    if issue := _NAME_ISSUE.search(path.stem):
        hints["issue"] = f"第{issue[1]}期"
    return hints


def build_document(
    text: str,
    doc_id: str,
    source: str,
    sha256: str,
    chunking: ChunkSettings,
    pages: list[tuple[int, int]] | None = None,
    properties: dict[str, str] | None = None,
) -> IngestedDocument:
    """Structure, metadata and passages of an already clean text.

    Args:
        pages: where each printed page starts in ``text`` (see ``Document.pages``); passages then
            carry their page range.
        properties: what the file says about itself; what the text says wins over it.
    """
    parts = blocks(text)
    meta = {**(properties or {}), **extract_metadata(text, parts)}
    document = Document(
        doc_id=doc_id,
        source=source,
        sha256=sha256,
        text=text,
        title=meta.get("title") or Path(source).stem,
        publication=meta.get("publication"),
        issue=meta.get("issue"),
        date=meta.get("date"),
        metadata=meta,
        pages=list(pages or []),
    )
    return IngestedDocument(document, _with_pages(passages_for(doc_id, text, parts, chunking), document.pages))


def _with_pages(passages: list[Passage], pages: list[tuple[int, int]]) -> list[Passage]:
    if not pages:
        return passages
    return [replace(p, page_start=page_at(pages, p.start), page_end=page_at(pages, p.end - 1)) for p in passages]


def with_doc_id(item: IngestedDocument, doc_id: str) -> IngestedDocument:
    """The same document under another id (when its file name's id is taken); nothing is re-read."""
    passages = [
        replace(p, doc_id=doc_id, passage_id=f"{doc_id}#{p.passage_id.rsplit('#', 1)[-1]}") for p in item.passages
    ]
    return IngestedDocument(replace(item.document, doc_id=doc_id), passages)
