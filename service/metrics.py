"""Prometheus metrics: requests and latency per route, index size."""

from __future__ import annotations

import time

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from starlette.routing import compile_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class Metrics:
    """One registry per app, so two apps in one process (tests, reloads) never share counts."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "briefqa_requests",
            "HTTP requests by route template and status",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "briefqa_request_seconds",
            "Request latency by route template",
            ["route"],
            registry=self.registry,
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
        )
        self.passages = Gauge("briefqa_index_passages", "Passages in the served index", registry=self.registry)
        self.documents = Gauge("briefqa_index_documents", "Documents in the served index", registry=self.registry)


class RouteTemplates:
    """Labels requests by route template (``/v1/documents/{doc_id}``), never by raw path, which would explode labels.

    Requests refused before routing (401, 413, 429, 503) have no route in their scope, so their path
    is matched against the templates here.
    """

    def __init__(self, templates: list[str]) -> None:
        self.compiled = [(compile_path(t)[0], t) for t in templates]

    def of(self, scope: Scope) -> str:
        route = scope.get("route")
        if route is not None and getattr(route, "path", None):
            return str(route.path)
        path = scope.get("path", "")
        return next((template for regex, template in self.compiled if regex.match(path)), "unmatched")


class MetricsMiddleware:
    """Count every request and time it, by route template, method and status."""

    def __init__(self, app: ASGIApp, metrics: Metrics, templates: RouteTemplates) -> None:
        self.app, self.metrics, self.templates = app, metrics, templates

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def recorded(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, recorded)
        finally:
            name = self.templates.of(scope)
            self.metrics.requests.labels(scope["method"], name, str(status)).inc()
            self.metrics.latency.labels(name).observe(time.perf_counter() - started)
