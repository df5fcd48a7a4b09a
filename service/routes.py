"""The v1 API: ask, search, documents."""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from index.answering import answer_question
from index.search import Filters, SearchResult
from service.errors import ApiError
from service.responses import answer_out, passages_out
from service.schemas import AskIn, AskOut, DocumentOut, DocumentPage, DocumentSummary, ErrorOut, SearchOut
from service.security import check_admin, check_read
from service.state import IndexState, Served

ERRORS = {401: {"model": ErrorOut}, 422: {"model": ErrorOut}, 503: {"model": ErrorOut}}


def get_state(request: Request) -> IndexState:
    return request.app.state.index  # type: ignore[no-any-return]


def read_access(request: Request, state: Annotated[IndexState, Depends(get_state)]) -> IndexState:
    check_read(request, state.settings)
    return state


def served(state: Annotated[IndexState, Depends(read_access)]) -> Served:
    if state.served is None:
        raise ApiError(503, "index_not_ready", state.problem or "the index is still loading; try again shortly")
    return state.served


ServedDep = Annotated[Served, Depends(served)]
router = APIRouter(prefix="/v1", responses=ERRORS)


def _search(body: AskIn, current: Served) -> SearchResult:
    limit = current.max_question_chars
    if len(body.question) > limit:
        raise ApiError(422, "question_too_long", f"question has {len(body.question)} characters; the limit is {limit}")
    f = body.filters
    filters = Filters(tuple(f.doc_ids), f.publication, f.date_from, f.date_to) if f else None
    return current.searcher.search(body.question, body.top_k, body.mode, filters)


@router.post("/ask", response_model=AskOut, summary="Ask a question; get the answer sentence and cited passages")
def ask(body: AskIn, current: ServedDep) -> AskOut:
    started = time.perf_counter()
    result = _search(body, current)
    answer, abstained = answer_question(result)
    documents = current.searcher.index.documents
    return AskOut(
        question=body.question,
        terms=result.terms,
        passages=passages_out(result, documents, answer),
        answer=answer_out(answer),
        abstained=abstained,
        index_version=current.version,
        took_ms=round((time.perf_counter() - started) * 1000, 2),
    )


@router.post("/search", response_model=SearchOut, summary="Ranked, cited passages without answer extraction")
def search(body: AskIn, current: ServedDep) -> SearchOut:
    started = time.perf_counter()
    result = _search(body, current)
    return SearchOut(
        question=body.question,
        terms=result.terms,
        passages=passages_out(result, current.searcher.index.documents, None),
        index_version=current.version,
        took_ms=round((time.perf_counter() - started) * 1000, 2),
    )


def _summary(current: Served, doc_id: str) -> DocumentSummary:
    doc = current.searcher.index.documents[doc_id]
    count = sum(1 for p in current.searcher.index.passages if p.doc_id == doc_id)
    return DocumentSummary(
        doc_id=doc.doc_id, title=doc.title, publication=doc.publication, issue=doc.issue, date=doc.date,
        passages=count, metadata=doc.metadata,
    )


@router.get("/documents", response_model=DocumentPage, summary="List indexed documents, newest first")
def list_documents(
    current: ServedDep, offset: Annotated[int, Query(ge=0)] = 0, limit: Annotated[int, Query(ge=1, le=100)] = 20
) -> DocumentPage:
    docs = sorted(current.searcher.index.documents.values(), key=lambda d: (d.date or "", d.doc_id), reverse=True)
    page = [_summary(current, d.doc_id) for d in docs[offset : offset + limit]]
    return DocumentPage(documents=page, total=len(docs), offset=offset, limit=limit)


@router.get("/documents/{doc_id}", response_model=DocumentOut, summary="A document's clean text and metadata")
def get_document(doc_id: str, current: ServedDep) -> DocumentOut:
    if doc_id not in current.searcher.index.documents:
        raise ApiError(404, "document_not_found", f"no document {doc_id[:40]!r}; list them at GET /v1/documents")
    doc = current.searcher.index.documents[doc_id]
    return DocumentOut(**_summary(current, doc_id).model_dump(), text=doc.text)
