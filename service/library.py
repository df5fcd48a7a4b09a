"""What the API says about a document: its summary for the library list, its outline and its pages."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import PurePosixPath

from index.passage_index import PassageIndex
from ingest.documents import Document, Passage
from service.schemas import DocumentOut, DocumentSummary, PageOut, SectionOut

# How ingest.structure joins a heading to the headings above it (二、主要做法 › 一是……).
SECTION_PATH = " › "
_SUFFIX_NAMES = {"htm": "html", "markdown": "md", "text": "txt"}


def document_format(document: Document) -> str:
    """The source file's kind from its suffix (upload:name.md as much as /data/x.pdf), else what ingest read."""
    suffix = PurePosixPath(document.source.replace("\\", "/")).suffix.lower().lstrip(".")
    name = suffix or document.metadata.get("format", "txt")
    return _SUFFIX_NAMES.get(name, name)


def summary_of(index: PassageIndex, doc_id: str) -> DocumentSummary:
    doc = index.documents[doc_id]
    return DocumentSummary(
        doc_id=doc.doc_id,
        title=doc.title,
        publication=doc.publication,
        issue=doc.issue,
        issue_total=doc.metadata.get("issue_total"),
        date=doc.date,
        format=document_format(doc),
        page_count=len({page for _, page in doc.pages}) or None,
        passages=len(index.passages_of(doc_id)),
        metadata=doc.metadata,
    )


def sections_of(passages: Sequence[Passage]) -> list[SectionOut]:
    """The outline: one entry per run of consecutive passages in one section, where its first one starts.

    A section met again after a subsection (二、… › （一）… then 二、…) is a new entry at its new place.
    """
    runs: list[list[Passage]] = []
    for passage in passages:
        if runs and runs[-1][0].section == passage.section:
            runs[-1].append(passage)
        else:
            runs.append([passage])
    return [_section(run) for run in runs if run[0].section]


def _section(run: list[Passage]) -> SectionOut:
    title = run[0].section or ""
    parts = title.split(SECTION_PATH)
    return SectionOut(
        title=title,
        heading=parts[-1],
        level=len(parts) - 1,
        start=run[0].start,
        end=max(p.end for p in run),
        page=run[0].page_start,
    )


def document_out(index: PassageIndex, doc_id: str) -> DocumentOut:
    doc = index.documents[doc_id]
    return DocumentOut(
        **summary_of(index, doc_id).model_dump(),
        text=doc.text,
        sections=sections_of(index.passages_of(doc_id)),
        pages=[PageOut(page=page, start=start) for start, page in doc.pages],
    )
