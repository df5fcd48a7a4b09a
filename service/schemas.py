"""Request and response bodies of the v1 API (separate input and output models, Chinese examples)."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema

from service import examples
from service.errors import echo

Mode = Literal["hybrid", "dense", "bm25"]
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
# Ids come from file names (ingest.pipeline.doc_id_for): word characters, '.', '-'. Never '/', '\', NUL,
# a leading '.', or whitespace, so an id can't name a path. Checked with Python's re, whose \w made them.
DOC_ID_PATTERN = r"^\w[\w.\-]{0,199}$"
_DOC_ID = re.compile(r"\w[\w.\-]{0,199}")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# A question needs one character that is neither a space nor a control character (same in ECMA and Python).
MEANINGFUL_PATTERN = r"[^\s\x00-\x1f\x7f-\x9f\ufeff]"
_MEANINGFUL = re.compile(MEANINGFUL_PATTERN)


def check_doc_id(value: str) -> str:
    if not _DOC_ID.fullmatch(value):
        raise ValueError(f"invalid document id {echo(value)}: use letters, digits, '_', '.' and '-' (at most 200)")
    return value


def plain_text(value: str) -> str:
    """Refuse lone surrogates (not text at all); turn control characters into spaces."""
    if _SURROGATE.search(value):
        raise ValueError("holds a lone UTF-16 surrogate, which is not text: send valid Unicode")
    return _CONTROL.sub(" ", value)


def _not_blank(question: str) -> str:
    if not _MEANINGFUL.search(question):
        raise ValueError("question is empty: ask something, e.g. 天使母基金规模多大？")
    return question


def _json_integer(value: object) -> object:
    """JSON Schema's integer: 5 and 5.0 are; true, "5" and 2.5 are not (pydantic's lax int would take "5")."""
    if isinstance(value, bool | str | bytes):
        raise ValueError("must be a JSON integer such as 5, not a string or a boolean")
    return value


DocId = Annotated[
    str,
    AfterValidator(check_doc_id),
    WithJsonSchema({"type": "string", "pattern": DOC_ID_PATTERN, "maxLength": 200}),
]
Question = Annotated[
    str,
    Field(min_length=1, json_schema_extra={"pattern": MEANINGFUL_PATTERN}),
    AfterValidator(plain_text),
    AfterValidator(_not_blank),
]


class Strict(BaseModel):
    """Unknown fields are refused (422), so a misspelt option is never silently ignored."""

    model_config = ConfigDict(extra="forbid")


class FiltersIn(Strict):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": examples.FILTERS_IN})

    doc_ids: list[DocId] = Field(default_factory=list, max_length=100, description="Only these documents.")
    publication: Annotated[str, Field(max_length=100), AfterValidator(plain_text)] | None = Field(
        None, description="Only this publication (exact name).", examples=["领导学刊"]
    )
    date_from: str | None = Field(None, pattern=DATE_PATTERN, description="Issued on or after (ISO date).")
    date_to: str | None = Field(None, pattern=DATE_PATTERN, description="Issued on or before (ISO date).")


class AskIn(Strict):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": examples.ASK_IN})

    question: Question = Field(description="The question, in Chinese or English; at most the configured length.")
    top_k: Annotated[int, BeforeValidator(_json_integer)] = Field(
        5, ge=1, le=20, description="How many passages to return (an integer, 1 to 20)."
    )
    mode: Mode = Field("hybrid", description="hybrid (default), dense or bm25.")
    filters: FiltersIn | None = None
    scope: bool = Field(
        True,
        description="Let the service limit the question to the issue(s) it names or describes (第6期, 总第142期, "
        "《领导学刊》, 2025年5月那期, 讲氢能的那期). Explicit filters always win; false asks the whole library.",
    )


class CitationOut(BaseModel):
    doc_id: str
    title: str
    publication: str | None
    issue: str | None
    date: str | None
    section: str | None
    start: int = Field(description="Offset of the passage in the document's clean text.")
    end: int
    page_start: int | None = Field(None, description="First page (1-based) the passage lies on; null without pages.")
    page_end: int | None = Field(None, description="Last page the passage lies on (equals page_start on one page).")


class HighlightOut(BaseModel):
    start: int = Field(description="Offset inside the text it marks: the passage's, or the answer's (code points).")
    end: int
    kind: Literal["term", "answer"] = Field(description="term: a query term; answer: the answer sentence.")


class LegsOut(BaseModel):
    dense: float | int | None = Field(description="Dense (embedding) leg; null when it did not find the passage.")
    bm25: float | int | None = Field(description="BM25 keyword leg; null when it did not find the passage.")
    fused: float | int = Field(description="After fusing the legs: the passage's final rank or score.")


class PassageOut(BaseModel):
    rank: int
    id: str
    text: str
    score: float
    citation: CitationOut
    highlights: list[HighlightOut]
    ranks: LegsOut
    scores: LegsOut


class AnswerOut(BaseModel):
    text: str
    doc_id: str
    start: int = Field(description="Offset of the answer sentence in the document's clean text.")
    end: int
    passage_rank: int = Field(description="Rank of the passage holding the answer sentence.")
    highlights: list[HighlightOut] = Field(
        description="The question's terms in the answer sentence (kind term; offsets inside its text)."
    )


class ScopeOut(BaseModel):
    doc_ids: list[str] = Field(description="The documents the service limited the question to.")
    reason: str = Field(description="Why, for the reader: what the question named or described.")
    kind: Literal["explicit", "topic"] = Field(
        description="explicit: the question names the issue; topic: retrieval chose the issue it describes."
    )


class SearchOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [examples.SEARCH_OUT]})

    question: str
    scope: ScopeOut | None = Field(
        None, description="Set when the service scoped the question itself; ask again with scope=false to undo."
    )
    terms: list[str] = Field(description="The question's keyword terms (jieba, normalised, filler removed).")
    passages: list[PassageOut]
    index_version: str = Field(description="The index version that answered; changes after every write.")
    took_ms: float


class AskOut(SearchOut):
    model_config = ConfigDict(json_schema_extra={"examples": [examples.ASK_OUT]})

    abstained: bool = Field(description="True when the question does not seem to be about the indexed briefings.")
    answer: AnswerOut | None


class DocumentSummary(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [examples.SUMMARY]})

    doc_id: str
    title: str
    publication: str | None
    issue: str | None = Field(description="The issue in its year, e.g. 第6期.")
    issue_total: str | None = Field(None, description="The running issue number, e.g. 总第142期.")
    date: str | None
    format: str = Field("txt", description="What the source file was: txt, md, pdf, docx or html (its suffix).")
    page_count: int | None = Field(None, description="Printed pages (PDF); null for formats without pages.")
    passages: int = Field(description="How many passages the document was cut into.")
    metadata: dict[str, str]


class SectionOut(BaseModel):
    title: str = Field(description="The section as citations name it: its heading under the headings above it.")
    heading: str = Field(description="Its own heading (the last part of the title).")
    level: int = Field(description="0 for a top-level section, 1 under it, and so on.")
    start: int = Field(description="Where the section's first passage starts in the clean text.")
    end: int = Field(description="Where its last passage ends.")
    page: int | None = Field(description="The printed page it starts on; null without pages.")


class PageOut(BaseModel):
    page: int = Field(description="The printed page number.")
    start: int = Field(description="Where the page starts in the clean text.")


class DocumentOut(DocumentSummary):
    model_config = ConfigDict(json_schema_extra={"examples": [examples.DOCUMENT]})

    text: str = Field(description="The clean text that citation offsets point into.")
    sections: list[SectionOut] = Field(default_factory=list, description="The outline, in reading order.")
    pages: list[PageOut] = Field(default_factory=list, description="Where each printed page starts (PDF).")


class DocumentPage(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [examples.PAGE]})

    documents: list[DocumentSummary]
    total: int
    offset: int
    limit: int


class ErrorBody(BaseModel):
    code: str = Field(description="Stable, machine-readable: unauthorized, invalid_request, too_large, ...")
    message: str = Field(description="What went wrong and what to do; quotes at most a short prefix of the input.")


class ErrorOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [examples.ERROR]})

    error: ErrorBody
