"""The v1 read API: ask, search, list and fetch documents. Access is checked before (service.security)."""

from __future__ import annotations

import time
from functools import partial
from typing import Annotated, Any, TypedDict

from fastapi import APIRouter, Depends, Path, Query, Request

from index.answering import Answer, answer_question
from index.search import Filters, SearchResult
from service.errors import ApiError, echo
from service.library import document_out, summary_of
from service.responses import answer_out, passages_out, scope_out
from service.schemas import (
    AskIn,
    AskOut,
    DocId,
    DocumentOut,
    DocumentPage,
    DocumentSummary,
    ErrorOut,
    PassageOut,
    ScopeOut,
    SearchOut,
)
from service.state import IndexState, Served


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    described = {
        400: "The body could not be parsed (not UTF-8, not JSON).",
        401: "Missing or wrong API key (only when keys are configured).",
        403: "Document writes are disabled (no admin key configured).",
        404: "No such document (or, for feedback, no such passage in the served version).",
        409: "The change would leave the index without any document.",
        413: "The request body is over the limit.",
        415: "Wrong content type.",
        422: "The request breaks the schema or a limit (e.g. question_too_long).",
        429: "Over the per-key rate limit; see Retry-After.",
        503: "The index is not loaded yet, or too many requests are in flight; see Retry-After.",
        507: "The new index version could not be written (disk full, not writable); the old one still serves.",
    }
    return {code: {"model": ErrorOut, "description": described[code]} for code in codes}


ERRORS = error_responses(400, 401, 413, 415, 422, 429, 503)
router = APIRouter(prefix="/v1", responses=ERRORS, tags=["v1"])


async def get_state(request: Request) -> IndexState:
    return request.app.state.index  # type: ignore[no-any-return]


async def served(state: Annotated[IndexState, Depends(get_state)]) -> Served:
    if state.served is None:
        raise ApiError(503, "index_not_ready", state.problem or "the index is still loading; try again shortly")
    return state.served


async def searchable(state: Annotated[IndexState, Depends(get_state)]) -> Served:
    """As ``served``, but 503 at once while the last poll could not reach the backend: a search that
    would not touch it (an empty version, a keyword-only question of unknown words) must not answer
    200 from memory while /readyz says 503."""
    if state.unavailable is not None:
        raise state.unavailable
    return await served(state)


async def json_only(request: Request) -> None:
    """415 for a body that is not JSON (FastAPI would otherwise report a confusing 'not an object')."""
    kind = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if kind != "application/json":
        raise ApiError(415, "unsupported_media_type", "send the body as JSON with 'Content-Type: application/json'")


ServedDep = Annotated[Served, Depends(served)]
SearchableDep = Annotated[Served, Depends(searchable)]
json_post = partial(router.post, dependencies=[Depends(json_only)])  # a route whose body is JSON
DocIdPath = Annotated[DocId, Path(description="A document id, as listed by GET /v1/documents.")]


def _search(body: AskIn, current: Served) -> SearchResult:
    limit = current.max_question_chars
    if len(body.question) > limit:
        message = f"question has {len(body.question)} characters; the limit is {limit}: ask a shorter question"
        raise ApiError(422, "question_too_long", message)
    f = body.filters
    filters = Filters(tuple(f.doc_ids), f.publication, f.date_from, f.date_to) if f else None
    return current.searcher.search(body.question, body.top_k, body.mode, filters, body.scope)


class Retrieved(TypedDict):
    question: str
    scope: ScopeOut | None
    terms: list[str]
    passages: list[PassageOut]
    index_version: str
    took_ms: float


def _retrieved(body: AskIn, current: Served, result: SearchResult, answer: Answer | None, started: float) -> Retrieved:
    """What /v1/ask and /v1/search both return about the retrieval."""
    return {
        "question": body.question,
        "scope": scope_out(result.scope),
        "terms": result.terms,
        "passages": passages_out(result, current.searcher.index.documents, answer),
        "index_version": current.version,
        "took_ms": round((time.perf_counter() - started) * 1000, 2),
    }


def document_not_found(doc_id: str) -> ApiError:
    return ApiError(404, "document_not_found", f"no document {echo(doc_id)}; list them with GET /v1/documents")


@json_post("/ask", response_model=AskOut, summary="Ask a question: the answer sentence and ranked, cited passages")
def ask(body: AskIn, current: SearchableDep) -> AskOut:
    started = time.perf_counter()
    result = _search(body, current)
    answer, abstained = answer_question(result)
    answered = answer_out(answer, result.query.terms)
    return AskOut(answer=answered, abstained=abstained, **_retrieved(body, current, result, answer, started))


@json_post("/search", response_model=SearchOut, summary="The same retrieval as /v1/ask, without answer extraction")
def search(body: AskIn, current: SearchableDep) -> SearchOut:
    started = time.perf_counter()
    result = _search(body, current)
    return SearchOut(**_retrieved(body, current, result, None, started))


def document_summary(current: Served, doc_id: str) -> DocumentSummary:
    return summary_of(current.searcher.index, doc_id)


@router.get("/documents", response_model=DocumentPage, summary="List indexed documents, newest first")
def list_documents(
    current: ServedDep,
    offset: Annotated[int, Query(ge=0, le=1_000_000, description="Documents to skip.")] = 0,
    limit: Annotated[int, Query(ge=1, le=100, description="Documents per page.")] = 20,
) -> DocumentPage:
    docs = sorted(current.searcher.index.documents.values(), key=lambda d: (d.date or "", d.doc_id), reverse=True)
    page = [document_summary(current, d.doc_id) for d in docs[offset : offset + limit]]
    return DocumentPage(documents=page, total=len(docs), offset=offset, limit=limit)


@router.get(
    "/documents/{doc_id}",
    response_model=DocumentOut,
    responses=error_responses(404),
    summary="A document's clean text (what citation offsets point into), metadata, outline and pages",
)
def get_document(doc_id: DocIdPath, current: ServedDep) -> DocumentOut:
    if doc_id not in current.searcher.index.documents:
        raise document_not_found(doc_id)
    return document_out(current.searcher.index, doc_id)
