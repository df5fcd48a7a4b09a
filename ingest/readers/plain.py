"""Plain text and Markdown: UTF-8, with form feeds (as ``pdftotext`` writes them) as page breaks."""

from __future__ import annotations

from pathlib import Path

from ingest.readers.base import Extracted, Page
from ingest.readers.errors import IngestError
from ingest.readers.pages import strip_running_lines


def read_plain(path: Path, data: bytes) -> Extracted:
    """Decode UTF-8 (a BOM is allowed); a text with form feeds is paged and loses its running heads."""
    try:
        text = data.decode("utf-8").lstrip("\ufeff")
    except UnicodeDecodeError as err:
        raise IngestError(
            f"{path}: not UTF-8 text (bad byte at offset {err.start}); convert it, e.g. iconv -f GBK -t UTF-8"
        ) from err
    if "\f" not in text:
        return Extracted("text", [Page(text)])
    pages, heads = strip_running_lines([Page(part, number) for number, part in enumerate(text.split("\f"), 1)])
    properties = {"running_headers": "\n".join(heads)} if heads else {}
    return Extracted("text", pages, paged=True, properties=properties)
