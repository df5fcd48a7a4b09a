"""From a file on disk to a Document and its passages."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from ingest.chunking import ChunkSettings, passages_for
from ingest.cleaning import clean_text
from ingest.documents import Document, Passage
from ingest.metadata import extract_metadata
from ingest.structure import blocks

SUFFIXES = (".txt", ".md")
_DOC_ID = re.compile(r"[^\w.\-]+")


class IngestError(Exception):
    """A file that cannot be ingested; the message names the file and what to do."""


@dataclass(frozen=True)
class IngestedDocument:
    document: Document
    passages: list[Passage]


def find_sources(paths: list[Path]) -> list[Path]:
    """Expand files and folders into the text files to ingest, sorted, each checked to exist."""
    found: list[Path] = []
    for path in paths:
        if not path.exists():
            raise IngestError(f"{path}: no such file or folder; check the path")
        if path.is_dir():
            inside = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
            if not inside:
                raise IngestError(f"{path}: folder holds no .txt or .md file; add briefings or name files directly")
            found += inside
        elif path.suffix.lower() not in SUFFIXES:
            raise IngestError(f"{path}: unsupported file type {path.suffix or '(none)'}; use .txt or .md")
        else:
            found.append(path)
    return list(dict.fromkeys(p.resolve() for p in found))


def doc_id_for(path: Path) -> str:
    """A stable, URL-safe id from the file name (Chinese letters are kept)."""
    return _DOC_ID.sub("-", path.stem).strip("-.") or "document"


def read_document(path: Path, chunking: ChunkSettings, doc_id: str | None = None) -> IngestedDocument:
    """Read, clean and cut one UTF-8 text file.

    Raises:
        IngestError: the file is missing, not UTF-8, or holds no text.
    """
    try:
        data = path.read_bytes()
    except OSError as err:
        raise IngestError(f"{path}: cannot read ({err.strerror}); check the path and permissions") from err
    try:
        raw = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise IngestError(
            f"{path}: not UTF-8 text (bad byte at offset {err.start}); convert it, e.g. iconv -f GBK -t UTF-8"
        ) from err
    text = clean_text(raw)
    if not text.strip():
        raise IngestError(f"{path}: file is empty; nothing to index")
    return build_document(text, doc_id or doc_id_for(path), str(path), hashlib.sha256(data).hexdigest(), chunking)


def build_document(text: str, doc_id: str, source: str, sha256: str, chunking: ChunkSettings) -> IngestedDocument:
    """Structure, metadata and passages of an already clean text."""
    parts = blocks(text)
    meta = extract_metadata(text, parts)
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
    )
    return IngestedDocument(document, passages_for(doc_id, text, parts, chunking))
