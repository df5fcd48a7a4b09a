"""Who may call what: read keys for /v1, the admin key for writes, CORS, and keys kept out of logs.

Access is decided by one ASGI gate in front of the app, before a body is read or parsed, so a caller
without a key gets the same 401 whatever else is wrong with the request. Keys are read from headers
only (a key in a query string would end up in access logs and browser history) and are compared by
their SHA-256 digests in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import math

from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from briefqa.settings import Settings
from service.errors import error_response
from service.limits import RateLimiter

UNAUTHORIZED = "missing or invalid API key: send it as 'Authorization: Bearer KEY' or 'X-API-Key: KEY'"
_SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def presented_keys(headers: Headers) -> list[str]:
    """Every credential a request carries: each ``Authorization`` (which must be ``Bearer KEY``) and ``X-API-Key``.

    Never the query string. A malformed ``Authorization`` counts as a wrong key, not as no key.
    """
    bearer = [v[7:].strip() if v[:7].lower() == "bearer " else "" for v in headers.getlist("authorization")]
    return bearer + headers.getlist("x-api-key")


def _digest(key: str) -> bytes:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).digest()


def key_matches(presented: str, keys: list[str]) -> bool:
    """Constant time: digests have one length, and every key is compared (no early exit)."""
    wanted = _digest(presented)
    return any([hmac.compare_digest(wanted, _digest(key)) for key in keys]) and bool(presented)


def keys_match(presented: list[str], keys: list[str]) -> bool:
    """At least one key, and every key presented is valid: a wrong key never rides along with a right one."""
    return bool(presented) and all([key_matches(p, keys) for p in presented])


def configured_keys(settings: Settings) -> tuple[list[str], list[str]]:
    """The read and admin keys; an empty key (``BRIEFQA_ADMIN_KEY=``) counts as none, never as a key."""
    read = [k.get_secret_value() for k in settings.api_keys if k.get_secret_value()]
    admin = (
        [settings.admin_key.get_secret_value()] if settings.admin_key and settings.admin_key.get_secret_value() else []
    )
    return read, admin


def needs_admin(method: str, path: str) -> bool:
    """Calls that need the admin key: document writes, and reading readers' verdicts (posting one is a read)."""
    if path == "/v1/feedback":
        return method in _SAFE_METHODS
    return method not in _SAFE_METHODS and (path == "/v1/documents" or path.startswith("/v1/documents/"))


class AccessGate:
    """Guard every /v1 request: 403 when writes are disabled, 401 without a valid key, 429 over the rate."""

    def __init__(self, app: ASGIApp, settings: Settings, limiter: RateLimiter | None = None) -> None:
        self.app, self.limiter = app, limiter
        self.read_keys, self.admin_keys = configured_keys(settings)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or not path.startswith("/v1/") or scope["method"] == "OPTIONS":
            await self.app(scope, receive, send)
            return
        refusal = self._refusal(scope, path)
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def _refusal(self, scope: Scope, path: str) -> Response | None:
        keys = presented_keys(Headers(scope=scope))
        if needs_admin(scope["method"], path):
            if not self.admin_keys:
                what = "reading feedback is" if path == "/v1/feedback" else "document writes are"
                return error_response(403, "writes_disabled", f"{what} off: set BRIEFQA_ADMIN_KEY")
            if not keys_match(keys, self.admin_keys):
                return error_response(401, "unauthorized", UNAUTHORIZED, {"WWW-Authenticate": "Bearer"})
        elif self.read_keys and not keys_match(keys, self.read_keys + self.admin_keys):
            return error_response(401, "unauthorized", UNAUTHORIZED, {"WWW-Authenticate": "Bearer"})
        if self.limiter is None:
            return None
        wait = self.limiter.wait(self._identity(scope, keys))
        if wait is None:
            return None
        message = f"over {self.limiter.per_minute} requests a minute for this key; retry in {math.ceil(wait)} s"
        return error_response(429, "rate_limited", message, {"Retry-After": str(math.ceil(wait))})

    def _identity(self, scope: Scope, keys: list[str]) -> str:
        """The key's digest when keys are in use (so raw keys are never held), else the client address."""
        if keys and (self.read_keys or self.admin_keys):
            return "key:" + _digest(keys[0]).hex()[:32]
        client = scope.get("client")
        return "client:" + (client[0] if client else "unknown")


class PortalCors(CORSMiddleware):
    """Starlette's CORS, with a refused preflight answered in the API's error shape instead of plain text."""

    def preflight_response(self, request_headers: Headers) -> Response:
        response = super().preflight_response(request_headers)
        if response.status_code == 200:
            return response
        refused = bytes(response.body).decode("latin-1").removeprefix("Disallowed CORS ")
        return error_response(400, "cors_refused", f"cross-origin request refused ({refused}); ask for the origin")


class KeyRedactor(logging.Filter):
    """Drop query strings from access-log lines and replace any configured key by ``[redacted]``.

    Keys are never accepted from query strings, but callers still try: uvicorn's access log prints
    the path with its query string, so without this the key would be written to the log.
    """

    def __init__(self, settings: Settings) -> None:
        super().__init__()
        read, admin = configured_keys(settings)
        self.keys = read + admin

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            args = list(record.args)
            if record.name == "uvicorn.access" and len(args) >= 3 and isinstance(args[2], str):
                args[2] = args[2].split("?", 1)[0] + ("?[query removed]" if "?" in args[2] else "")
            record.args = tuple(self._clean(a) if isinstance(a, str) else a for a in args)
        if isinstance(record.msg, str):
            record.msg = self._clean(record.msg)
        return True

    def _clean(self, text: str) -> str:
        for key in self.keys:
            text = text.replace(key, "[redacted]")
        return text


LOGGERS = ("uvicorn.access", "uvicorn.error", "uvicorn", "briefqa", "briefqa.service")


def install_redactor(settings: Settings) -> KeyRedactor:
    redactor = KeyRedactor(settings)
    for name in LOGGERS:
        logging.getLogger(name).addFilter(redactor)
    return redactor


def remove_redactor(redactor: KeyRedactor) -> None:
    for name in LOGGERS:
        logging.getLogger(name).removeFilter(redactor)
