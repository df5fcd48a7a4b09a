"""Plain data passed between the ingest and index stages."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Document:
    """One briefing: its clean text (every offset refers to it) and what it says about itself."""

    doc_id: str
    source: str
    sha256: str
    text: str
    title: str
    publication: str | None = None
    issue: str | None = None
    date: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)
    # Where each printed page starts in ``text``: [(offset, page number)], ascending; empty for
    # formats without fixed pages (DOCX, HTML, plain text). JSON turns the pairs into lists.
    pages: list[tuple[int, int]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Document:
        return cls(**data)


@dataclass(frozen=True)
class Passage:
    """A run of whole sentences of one document: ``text == document.text[start:end]``."""

    passage_id: str
    doc_id: str
    start: int
    end: int
    text: str
    section: str | None
    kind: str = "body"  # body | masthead | footer
    page_start: int | None = None  # the printed pages the passage lies on, where the source has pages
    page_end: int | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Passage:
        return cls(**data)
