"""Writes: upload and delete documents (admin key). An upload is searchable when the call returns."""

from __future__ import annotations

import hashlib
import re
from typing import Annotated

from fastapi import APIRouter, Depends, File, Request, UploadFile, status
from starlette.concurrency import run_in_threadpool

from index.builder import SyncReport
from ingest.chunking import ChunkSettings
from ingest.cleaning import clean_text
from ingest.pipeline import SUFFIXES, build_document, doc_id_for
from service.errors import ApiError
from service.routes import ERRORS, get_state
from service.schemas import DocumentSummary
from service.security import check_admin
from service.state import IndexState

router = APIRouter(prefix="/v1", responses=ERRORS)
_SAFE_NAME = re.compile(r"^[^/\\\x00]{1,200}$")


def admin_access(request: Request, state: Annotated[IndexState, Depends(get_state)]) -> IndexState:
    if state.settings.admin_key is None:
        raise ApiError(403, "writes_disabled", "document writes are disabled: set BRIEFQA_ADMIN_KEY to enable them")
    check_admin(request, state.settings)
    return state


AdminDep = Annotated[IndexState, Depends(admin_access)]


@router.post("/documents", status_code=status.HTTP_201_CREATED, response_model=DocumentSummary,
             summary="Upload a .txt or .md briefing; searchable when this returns")
async def upload_document(state: AdminDep, file: Annotated[UploadFile, File(description="UTF-8 .txt or .md")]):  # type: ignore[no-untyped-def]
    name = file.filename or ""
    if not _SAFE_NAME.match(name) or not name.lower().endswith(SUFFIXES):
        raise ApiError(415, "unsupported_file", "upload a .txt or .md file with a plain file name")
    data = await file.read(state.settings.max_upload_bytes + 1)
    if len(data) > state.settings.max_upload_bytes:
        raise ApiError(413, "too_large", f"file is over {state.settings.max_upload_bytes} bytes")
    try:
        text = clean_text(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise ApiError(422, "not_utf8", f"{name[:60]}: not UTF-8 text; convert it first") from None
    if not text.strip():
        raise ApiError(422, "empty_document", f"{name[:60]}: the file holds no text")
    chunking = ChunkSettings(state.settings.max_chars, state.settings.overlap_sentences)
    from pathlib import PurePath

    doc = build_document(text, doc_id_for(PurePath(name)), f"upload:{name}", hashlib.sha256(data).hexdigest(), chunking)  # type: ignore[arg-type]
    report: SyncReport = await run_in_threadpool(state.builder.add, doc)
    await run_in_threadpool(state.refresh)
    doc_id = (report.added or report.changed or report.unchanged)[0]
    served = state.served
    assert served is not None
    from service.routes import _summary

    return _summary(served, doc_id)


@router.delete("/documents/{doc_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Remove a document")
async def delete_document(doc_id: str, state: AdminDep) -> None:
    report = await run_in_threadpool(state.builder.remove, [doc_id])
    if not report.removed:
        raise ApiError(404, "document_not_found", f"no document {doc_id[:40]!r}")
    await run_in_threadpool(state.refresh)
