"""Which reader a file needs: its first bytes decide, its extension only where they cannot.

A portal's "download" is not always what its name says: a .txt may be a PDF, and a .pdf may be the
HTML error page of a failed download. So PDF and Word files are recognised by their signatures
whatever their names; HTML is recognised by its opening tags in files named as text. A .pdf or
.docx whose bytes are something else is reported as damaged rather than read as that something.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

from ingest.readers.base import Extracted
from ingest.readers.errors import DamagedFileError, IngestError
from ingest.readers.pdf import read_pdf
from ingest.readers.plain import read_plain
from ingest.readers.webpage import read_html
from ingest.readers.word import read_docx

Reader = Callable[[Path, bytes], Extracted]
READERS: dict[str, Reader] = {"pdf": read_pdf, "docx": read_docx, "html": read_html, "text": read_plain}
BY_SUFFIX = {".pdf": "pdf", ".docx": "docx", ".html": "html", ".htm": "html", ".txt": "text", ".md": "text"}
KINDS = ".txt or .md, .pdf, .docx or .html"  # for messages


def sniff(data: bytes) -> str | None:
    """The format the bytes themselves declare, or None for plain text (or anything unknown)."""
    if b"%PDF-" in data[:1024]:  # the spec lets junk precede the header
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return "docx" if _is_word_zip(data) else "zip"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return "ole"  # an old .doc, or an encrypted .docx
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html")) or (head.startswith(b"<") and b"<body" in head):
        return "html"
    return None


def _is_word_zip(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "word/document.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return True  # a damaged Word file: let its reader say so


def is_supported(path: Path) -> bool:
    """Whether a reader handles ``path``'s extension."""
    return path.suffix.lower() in BY_SUFFIX


def check_supported(path: Path) -> str:
    """The format ``path``'s extension names.

    Raises:
        IngestError: an extension no reader handles.
    """
    if not is_supported(path):
        raise IngestError(f"{path}: unsupported file type {path.suffix or '(none)'}; use {KINDS}")
    return BY_SUFFIX[path.suffix.lower()]


def reader_for(path: Path, data: bytes) -> Reader:
    """The reader for ``path`` given its bytes ``data``.

    Raises:
        DamagedFileError: a .pdf or .docx whose bytes are another format.
        IngestError: an extension no reader handles.
    """
    named = check_supported(path)
    if not data:
        raise IngestError(f"{path}: file is empty; nothing to index")
    found = sniff(data)
    if found == "ole" and named == "docx":
        found = "docx"  # its reader explains encryption and old .doc files
    if found in READERS and (found != "html" or named in ("html", "text")):
        return READERS[found]
    if named in ("pdf", "docx"):
        what = {"zip": "a zip archive but not a Word document", "html": "an HTML page", "ole": "an old Office file"}
        raise DamagedFileError(
            f"{path}: not a {named.upper()} file (it is {what.get(found or '', 'text or unknown data')}); "
            "re-export or re-download it"
        )
    return READERS[named]
