"""Overload and size guards: request bodies (413), requests in flight (503 at once), per-key rate (429)."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.errors import error_response

DRAIN_BYTES = 8 * 1024 * 1024  # read (and drop) this much of a refused body so the client sees the 413


class BodyLimit:
    """Refuse bodies over ``limit`` bytes (``upload_limit`` for uploads), declared or streamed.

    The body is read in full before the app sees it: a chunked body of unknown length is refused
    the same way as a declared one, instead of failing half-way through parsing. Memory stays
    bounded because ConcurrencyLimit, outside this guard, bounds the requests being read.
    """

    def __init__(self, app: ASGIApp, limit: int, upload_limit: int) -> None:
        self.app, self.limit, self.upload_limit = app, limit, upload_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.upload_limit if scope["path"] == "/v1/documents" else self.limit
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await self._refuse(scope, receive, send, limit)
            return
        chunks: list[bytes] = []
        size, more = 0, True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            more = message.get("more_body", False)
            if size > limit:
                await self._refuse(scope, receive, send, limit, more)
                return
        await self.app(scope, _replay(b"".join(chunks), receive), send)

    @staticmethod
    async def _refuse(scope: Scope, receive: Receive, send: Send, limit: int, more: bool = True) -> None:
        drained = 0
        while more and drained < DRAIN_BYTES:
            message = await receive()
            drained += len(message.get("body", b""))
            more = message["type"] == "http.request" and message.get("more_body", False)
        response = error_response(413, "too_large", f"request body is over the limit of {limit} bytes")
        await response(scope, receive, send)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A receive that hands the buffered body over once, then passes through (to see disconnects)."""
    pending = [{"type": "http.request", "body": body, "more_body": False}]

    async def replayed() -> Message:
        return pending.pop() if pending else await receive()

    return replayed


class ConcurrencyLimit:
    """At most ``limit`` /v1 requests in flight; the next one gets 503 with Retry-After at once.

    Queueing without bound would turn a burst into timeouts for everyone; an immediate 503 lets
    clients and load balancers back off. The counter is only touched on the event loop thread.
    """

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit, self.in_flight = app, limit, 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/v1/"):
            await self.app(scope, receive, send)
            return
        if self.in_flight >= self.limit:
            busy = error_response(503, "overloaded", "too many requests in flight; retry shortly", {"Retry-After": "1"})
            await busy(scope, receive, send)
            return
        self.in_flight += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.in_flight -= 1


class RateLimiter:
    """A token bucket per caller: ``per_minute`` requests a minute, in bursts of up to as many.

    Remembers at most ``callers`` identities (least recently seen are forgotten first), so a flood
    of new client addresses cannot grow memory without bound.
    """

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic, callers: int = 10_000) -> None:
        self.per_minute, self.clock, self.callers = per_minute, clock, callers
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # identity -> (tokens, at)
        self._lock = threading.Lock()

    def wait(self, identity: str) -> float | None:
        """Take one request's token: None if allowed, else the seconds until one is free."""
        rate = self.per_minute / 60.0
        with self._lock:
            now = self.clock()
            tokens, at = self._buckets.pop(identity, (float(self.per_minute), now))
            tokens = min(float(self.per_minute), tokens + (now - at) * rate)
            allowed = tokens >= 1.0
            self._buckets[identity] = (tokens - 1.0 if allowed else tokens, now)
            while len(self._buckets) > self.callers:
                self._buckets.popitem(last=False)
        return None if allowed else (1.0 - tokens) / rate
