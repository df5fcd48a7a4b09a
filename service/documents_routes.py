"""Writes: upload and delete documents (admin key).

An upload is cleaned, cut and embedded into a new index version that replaces the old one in a
single step (index.store), then served before the call returns: a failure at any point leaves the
previous version serving, never a half-updated index.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, File, Request, Response, UploadFile, status
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers

from index.store import IndexWriteError
from index.sync import LastDocumentError
from ingest.pipeline import IngestError, document_from_bytes
from service.errors import ApiError, echo
from service.routes import DocIdPath, document_not_found, document_summary, error_responses, get_state
from service.schemas import DocumentSummary
from service.security import UNAUTHORIZED, configured_keys, keys_match, presented_keys
from service.state import IndexState

# A plain file name: no folders, no control characters; short enough that its id stays valid.
_PLAIN_NAME = re.compile(r"[^/\\\x00-\x1f\x7f]{1,120}")
UPLOAD_SUFFIXES = (".txt", ".md")


def admin_state(request: Request, state: Annotated[IndexState, Depends(get_state)]) -> IndexState:
    """The gate (service.security) already checked the admin key; check again, in case it is ever bypassed."""
    _, admin = configured_keys(state.settings)
    if not admin:
        raise ApiError(403, "writes_disabled", "document writes are off: set BRIEFQA_ADMIN_KEY")
    if not keys_match(presented_keys(Headers(scope=request.scope)), admin):
        raise ApiError(401, "unauthorized", UNAUTHORIZED, {"WWW-Authenticate": "Bearer"})
    return state


AdminDep = Annotated[IndexState, Depends(admin_state)]
router = APIRouter(
    prefix="/v1", responses=error_responses(400, 401, 403, 409, 413, 415, 422, 429, 503, 507), tags=["v1"]
)


def _check_upload(name: str, data: bytes, limit: int) -> None:
    """Refuse, with a specific code, what is not a small UTF-8 .txt or .md file."""
    if not _PLAIN_NAME.fullmatch(name) or not name.lower().endswith(UPLOAD_SUFFIXES):
        raise ApiError(415, "unsupported_file", "upload a .txt or .md file with a plain name (at most 120 characters)")
    if len(data) > limit:
        raise ApiError(413, "too_large", f"the file is over the upload limit of {limit} bytes")
    if b"\x00" in data:
        raise ApiError(415, "unsupported_file", f"{echo(name)} holds NUL bytes: upload plain UTF-8 text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise ApiError(
            422, "not_utf8", f"{echo(name)} is not UTF-8 (bad byte at offset {err.start}): convert it"
        ) from None
    if not text.lstrip("\ufeff").strip():
        raise ApiError(422, "empty_document", f"{echo(name)} holds no text")


def _ingest(state: IndexState, name: str, data: bytes) -> str:
    """Read the upload as ``briefqa ingest`` reads a file, write a new index version holding it, serve it."""
    _check_upload(name, data, state.settings.max_upload_bytes)
    try:
        upload = document_from_bytes(Path(name), data, f"upload:{name}", state.builder.chunking)
    except IngestError as err:
        raise ApiError(422, "unreadable_document", str(err)) from None
    with _writing():
        report = state.builder.add(upload)
    state.refresh()
    return (report.added or report.changed or report.unchanged)[0]


@contextmanager
def _writing() -> Iterator[None]:
    """A failed index write (disk full, not writable) is the server's storage, not the caller's
    request: 507 with what happened and that the served version is unchanged. Removing the last
    document is refused (409): an index holds at least one."""
    try:
        yield
    except IndexWriteError as err:
        raise ApiError(507, "index_write_failed", str(err)) from None
    except LastDocumentError as err:
        raise ApiError(409, "last_document", str(err)) from None


@router.post(
    "/documents",
    status_code=status.HTTP_201_CREATED,
    response_model=DocumentSummary,
    summary="Upload a UTF-8 .txt or .md briefing; it is searchable when this returns",
)
async def upload_document(
    state: AdminDep, file: Annotated[UploadFile, File(description="A UTF-8 .txt or .md file.")]
) -> DocumentSummary:
    limit = state.settings.max_upload_bytes
    data = await file.read(limit + 1)
    doc_id = await run_in_threadpool(_ingest, state, file.filename or "", data)
    current = state.served
    if current is None or doc_id not in current.searcher.index.documents:
        raise ApiError(503, "index_not_ready", state.problem or "the upload was written but is not served yet; retry")
    return document_summary(current, doc_id)


@router.delete(
    "/documents/{doc_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=error_responses(404),
    summary="Remove a document; it is gone from answers when this returns",
)
async def delete_document(doc_id: DocIdPath, state: AdminDep) -> Response:
    with _writing():
        report = await run_in_threadpool(state.builder.remove, [doc_id])
    if not report.removed:
        raise document_not_found(doc_id)
    await run_in_threadpool(state.refresh)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
