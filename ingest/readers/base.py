"""What every reader returns: the document's text page by page, and what the file says about itself."""

from __future__ import annotations

from dataclasses import dataclass, field

# Property values that authoring tools write by default and that say nothing about the briefing.
_PLACEHOLDERS = {"", "untitled", "anonymous", "unknown", "administrator", "user", "无标题", "作者"}


@dataclass(frozen=True)
class Page:
    """The raw text of one page (or the whole text, for formats without pages).

    ``runs_on`` is the layout's verdict on whether the last paragraph continues on the next page
    (a full last line and an unindented next page); None where a reader cannot tell, and the
    page-break repair rule of ``ingest.cleaning`` decides instead.
    """

    text: str
    number: int = 1
    runs_on: bool | None = None


@dataclass(frozen=True)
class Extracted:
    """A file's raw text before cleaning.

    ``paged`` is true when ``pages`` are real printed pages whose numbers citations may show (PDF,
    text with form feeds); false when the format has no fixed pages (DOCX, HTML, plain text).
    ``properties`` holds what the file itself declares (title, author, date, running_headers, ...):
    fallbacks for what the text does not say.
    """

    format: str  # pdf | docx | html | text
    pages: list[Page]
    paged: bool = False
    properties: dict[str, str] = field(default_factory=dict)


def useful_properties(found: dict[str, str | None]) -> dict[str, str]:
    """Drop empty and placeholder values ("untitled", "anonymous") and surrounding whitespace."""
    kept = {k: " ".join(v.split()) for k, v in found.items() if v}
    return {k: v for k, v in kept.items() if v.lower() not in _PLACEHOLDERS}
