"""Turn search hits and answers into API response bodies."""

from __future__ import annotations

from collections.abc import Sequence

from index.answering import Answer, term_spans
from index.scope import Scope
from index.search import Hit, SearchResult
from ingest.documents import Document
from service.schemas import AnswerOut, CitationOut, HighlightOut, LegsOut, PassageOut, ScopeOut
from text.terms import means_nothing_alone


def matched_words(text: str, terms: Sequence[str]) -> list[tuple[int, int]]:
    """The question's words as found in ``text``: matched terms that touch, or stand apart only by
    spaces (2027 年, 第 7 期), are one span; a span that is only a numeral, measure word or
    function character (年 of 今年) is dropped."""
    joined: list[tuple[int, int]] = []
    for start, end in term_spans(text, terms):
        if joined and not text[joined[-1][1] : start].strip():
            joined[-1] = (joined[-1][0], end)
        else:
            joined.append((start, end))
    return [(s, e) for s, e in joined if not means_nothing_alone(text[s:e])]


def term_highlights(text: str, terms: Sequence[str]) -> list[HighlightOut]:
    """Where the question's words stand in ``text`` (a passage, or the answer sentence)."""
    return [HighlightOut(start=s, end=e, kind="term") for s, e in matched_words(text, terms)]


def passage_out(hit: Hit, document: Document, terms: Sequence[str], answer: Answer | None) -> PassageOut:
    passage = hit.passage
    highlights = term_highlights(passage.text, terms)
    if answer and answer.passage_rank == hit.rank:
        highlights.append(
            HighlightOut(start=answer.start - passage.start, end=answer.end - passage.start, kind="answer")
        )
    return PassageOut(
        rank=hit.rank,
        id=passage.passage_id,
        text=passage.text,
        score=hit.score,
        citation=CitationOut(
            doc_id=document.doc_id,
            title=document.title,
            publication=document.publication,
            issue=document.issue,
            date=document.date,
            section=passage.section,
            start=passage.start,
            end=passage.end,
            page_start=passage.page_start,
            page_end=passage.page_end,
        ),
        highlights=highlights,
        ranks=LegsOut(dense=hit.dense_rank, bm25=hit.bm25_rank, fused=hit.rank),
        scores=LegsOut(dense=hit.dense_score, bm25=hit.bm25_score, fused=hit.score),
    )


def passages_out(result: SearchResult, documents: dict[str, Document], answer: Answer | None) -> list[PassageOut]:
    return [passage_out(h, documents[h.passage.doc_id], result.query.terms, answer) for h in result.hits]


def answer_out(answer: Answer | None, terms: Sequence[str]) -> AnswerOut | None:
    if answer is None:
        return None
    return AnswerOut(
        text=answer.text,
        doc_id=answer.doc_id,
        start=answer.start,
        end=answer.end,
        passage_rank=answer.passage_rank,
        highlights=term_highlights(answer.text, terms),
    )


def scope_out(scope: Scope | None) -> ScopeOut | None:
    return ScopeOut(doc_ids=list(scope.doc_ids), reason=scope.reason, kind=scope.kind) if scope else None
