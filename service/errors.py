"""One error shape for every failure: ``{"error": {"code", "message"}}``, short, never a stack trace."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from index.errors import BackendUnavailableError

log = logging.getLogger("briefqa.service")
RETRY_AFTER_S = 5
ECHO_CHARS = 40  # never echo more of a caller's input than this many characters
MESSAGE_CHARS = 300  # at most 4 UTF-8 bytes each once control characters are gone: an error body stays under 2 KB
# Control characters and lone surrogates: the first would be escaped six bytes each, the second cannot be encoded.
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_HTTP_CODES = {
    400: "invalid_body",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    415: "unsupported_media_type",
}


class ApiError(Exception):
    """A failure the caller can act on: an HTTP status, a stable code and a message saying what to do."""

    def __init__(self, status: int, code: str, message: str, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers


def echo(value: object) -> str:
    """A short, printable, quoted prefix of a caller's input, safe to put in an error message."""
    text = _UNPRINTABLE.sub("?", str(value))
    return repr(text if len(text) <= ECHO_CHARS else text[:ECHO_CHARS] + "…")


def _bounded(text: str, limit: int) -> str:
    text = _UNPRINTABLE.sub("?", text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def error_response(status: int, code: str, message: str, headers: Mapping[str, str] | None = None) -> JSONResponse:
    body = {"error": {"code": _bounded(code, 40), "message": _bounded(message, MESSAGE_CHARS)}}
    return JSONResponse(body, status_code=status, headers=headers)


def backend_unavailable(err: BackendUnavailableError) -> JSONResponse:
    """The index backend does not answer: retry soon (the replica recovers by itself)."""
    message = f"{err}; retry shortly"
    return error_response(503, "backend_unavailable", message, {"Retry-After": str(RETRY_AFTER_S)})


def _validation_message(errors: Sequence[Any]) -> str:
    """Where and what, for the first three problems; location parts can be caller-chosen keys, so cut them."""
    problems = []
    for item in errors[:3]:
        if item.get("type") == "json_invalid":
            problems.append(f"body: not valid JSON ({str(item.get('ctx', {}).get('error', ''))[:80]})")
            continue
        where = ".".join(str(p)[:ECHO_CHARS] for p in item.get("loc", ()) if p != "body") or "body"
        problems.append(f"{where}: {str(item.get('msg', 'invalid')).removeprefix('Value error, ')[:160]}")
    more = f" (and {len(errors) - 3} more)" if len(errors) > 3 else ""
    return "; ".join(problems) + more


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api(_: Request, err: ApiError) -> JSONResponse:
        return error_response(err.status, err.code, err.message, err.headers)

    @app.exception_handler(BackendUnavailableError)
    async def _backend(_: Request, err: BackendUnavailableError) -> JSONResponse:
        log.warning("%s", err)
        return backend_unavailable(err)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, err: RequestValidationError) -> JSONResponse:
        return error_response(422, "invalid_request", _validation_message(err.errors()))

    @app.exception_handler(HTTPException)
    async def _http(_: Request, err: HTTPException) -> JSONResponse:
        detail = (
            str(err.detail)
            if err.status_code != 400
            else "the body could not be parsed: send UTF-8 JSON (multipart form data to upload)"
        )
        return error_response(err.status_code, _HTTP_CODES.get(err.status_code, "http_error"), detail, err.headers)

    @app.exception_handler(Exception)
    async def _crash(request: Request, err: Exception) -> JSONResponse:
        # The path only (never the query string, which may hold a key); the server logs the traceback.
        log.error("unhandled %s on %s %s", type(err).__name__, request.method, request.url.path)
        return error_response(500, "internal_error", "internal error; the server log has details")
