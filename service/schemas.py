"""Request and response bodies of the v1 API (separate input and output models)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, field_validator

Mode = Literal["hybrid", "dense", "bm25"]
_DATE = r"^\d{4}-\d{2}-\d{2}$"
_DOC_ID = r"^[\w][\w.\-]{0,127}$"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FiltersIn(Strict):
    doc_ids: list[str] = Field(default_factory=list, max_length=100, description="Only these documents.")
    publication: str | None = Field(None, max_length=100, examples=["领导学刊"])
    date_from: str | None = Field(None, pattern=_DATE, examples=["2025-01-01"])
    date_to: str | None = Field(None, pattern=_DATE, examples=["2025-12-31"])

    @field_validator("doc_ids")
    @classmethod
    def _valid_ids(cls, ids: list[str]) -> list[str]:
        import re

        bad = [i for i in ids if not re.match(_DOC_ID, i) or ".." in i]
        if bad:
            raise ValueError(f"invalid document id {bad[0][:40]!r}: letters, digits, '.', '_' and '-' only")
        return ids


class AskIn(Strict):
    question: str = Field(..., min_length=1, max_length=2000, examples=["天使母基金规模多大？"])
    top_k: StrictInt = Field(5, ge=1, le=20, description="How many passages to return.")
    mode: Mode = Field("hybrid", description="hybrid (default), dense or bm25.")
    filters: FiltersIn | None = None

    @field_validator("question")
    @classmethod
    def _not_blank(cls, question: str) -> str:
        if not question.strip():
            raise ValueError("question is empty: ask something, e.g. 天使母基金规模多大？")
        return question


class CitationOut(BaseModel):
    doc_id: str
    title: str
    publication: str | None
    issue: str | None
    date: str | None
    section: str | None
    start: int = Field(description="Offset of the passage in the document's clean text.")
    end: int


class HighlightOut(BaseModel):
    start: int = Field(description="Offset inside the passage text.")
    end: int
    kind: Literal["term", "answer"]


class LegsOut(BaseModel):
    dense: float | int | None
    bm25: float | int | None
    fused: float | int


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
    start: int
    end: int
    passage_rank: int


class SearchOut(BaseModel):
    question: str
    terms: list[str] = Field(description="The question's keyword terms (jieba, normalised, filler removed).")
    passages: list[PassageOut]
    index_version: str
    took_ms: float


class AskOut(SearchOut):
    abstained: bool = Field(description="True when the question does not seem to be about the indexed briefings.")
    answer: AnswerOut | None


class DocumentSummary(BaseModel):
    doc_id: str
    title: str
    publication: str | None
    issue: str | None
    date: str | None
    passages: int
    metadata: dict[str, str]


class DocumentOut(DocumentSummary):
    text: str


class DocumentPage(BaseModel):
    documents: list[DocumentSummary]
    total: int
    offset: int
    limit: int


class ErrorBody(BaseModel):
    code: str
    message: str


class ErrorOut(BaseModel):
    error: ErrorBody
