"""The FastAPI application: API, web page, widget, health and metrics."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, PlainTextResponse
from fastapi.staticfiles import StaticFiles
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from briefqa import __version__
from briefqa.settings import Settings
from index.embedding import Embedder
from service import documents_routes, feedback_routes, routes
from service.errors import backend_unavailable, error_response, install_error_handlers
from service.limits import BodyLimit, ConcurrencyLimit, RateLimiter
from service.metrics import Metrics, MetricsMiddleware, RouteTemplates
from service.openapi import openapi_for
from service.routes import error_responses
from service.security import AccessGate, PortalCors, install_redactor, remove_redactor
from service.state import IndexState

STATIC = Path(__file__).parent / "static"
DESCRIPTION = """briefqa 简报问答：用中文（或英文）提问，返回回答问题的段落，附精确引用
（文档、期号、日期、章节、字符位置）、各检索路（向量、BM25、融合）的名次与得分、jieba 词项与高亮。

* **Keys**: when API keys are configured, every `/v1` call needs `Authorization: Bearer KEY` or
  `X-API-Key: KEY` (never a query parameter); uploads and deletes need the admin key.
* **Errors** always have the shape `{"error": {"code": "...", "message": "..."}}`, under 2 KB, quoting at
  most a short prefix of the input.
* **Limits**: body size (413), question length (422 `question_too_long`), requests in flight
  (503 with `Retry-After`), optional requests per minute per key (429 with `Retry-After`)."""


def create_app(settings: Settings, embedder: Embedder, watch: bool = True) -> FastAPI:
    """Build the app over the index in ``settings.index_dir`` (loaded at start-up, hot-reloaded)."""
    state = IndexState(settings, embedder)
    metrics = Metrics()

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        redactor = install_redactor(settings)  # after the server configured logging, which resets filters
        state.refresh()
        if watch:
            state.watch()
        yield
        state.stop()
        remove_redactor(redactor)

    app = FastAPI(title="briefqa", version=__version__, description=DESCRIPTION, lifespan=lifespan)
    app.state.index, app.state.metrics = state, metrics
    app.state.feedback, app.state.feedback_path = None, settings.feedback_file
    app.openapi = openapi_for(app, settings)  # type: ignore[method-assign]
    install_error_handlers(app)
    app.include_router(routes.router)
    app.include_router(documents_routes.router)
    app.include_router(feedback_routes.router)
    _add_operational_routes(app, state, metrics)
    _add_pages(app)
    _add_guards(app, settings, metrics)
    return app


def _add_guards(app: FastAPI, settings: Settings, metrics: Metrics) -> None:
    """Added innermost first: a request meets the metrics, CORS, keys and rate, requests in flight, body size.

    Keys are checked before a body is read (one 401 whatever else is wrong), and the body is buffered
    only inside the concurrency limit, which bounds the memory bodies can take.
    """
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes, upload_limit=settings.max_upload_bytes)
    app.add_middleware(ConcurrencyLimit, limit=settings.max_concurrency)
    limiter = RateLimiter(settings.rate_limit_per_minute) if settings.rate_limit_per_minute else None
    app.add_middleware(AccessGate, settings=settings, limiter=limiter)
    app.add_middleware(
        PortalCors,
        allow_origins=settings.cors_origins,
        allow_methods=["GET", "POST", "DELETE"],
        allow_headers=["Authorization", "X-API-Key", "Content-Type"],
        expose_headers=["Retry-After"],
    )
    app.add_middleware(MetricsMiddleware, metrics=metrics, templates=RouteTemplates(list(app.openapi()["paths"])))


def _add_operational_routes(app: FastAPI, state: IndexState, metrics: Metrics) -> None:
    @app.get("/healthz", summary="The process is alive", tags=["operations"])
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get(
        "/readyz",
        summary="An index version is loaded and verified",
        tags=["operations"],
        responses=error_responses(503),
    )
    def readyz() -> Any:
        served = state.served
        if state.unavailable is not None:
            return backend_unavailable(state.unavailable)
        if served is None:
            return error_response(503, "index_not_ready", state.problem or "index not loaded yet")
        body: dict[str, Any] = {
            "status": "ready",
            "index_version": served.version,
            "passages": len(served.searcher.index.passages),
            # Sentences of this version still being embedded in the background; until 0, /v1/ask
            # embeds the ones an answer needs itself (slower, never wrong).
            "sentences_pending": state.sentences_pending,
            # Sentences embedded since the start (the rest were read from the sentence store).
            "sentences_embedded": state.sentences_embedded,
        }
        if state.problem:
            body["warning"] = state.problem  # a newer version was refused; the last good one serves
        return JSONResponse(body)

    @app.get("/metrics", response_class=PlainTextResponse, summary="Prometheus metrics", tags=["operations"])
    def prometheus() -> PlainTextResponse:
        if state.served:
            metrics.passages.set(len(state.served.searcher.index.passages))
            metrics.documents.set(len(state.served.searcher.index.documents))
        return PlainTextResponse(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)


def _add_pages(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def page() -> FileResponse:
        return FileResponse(STATIC / "index.html")

    @app.get("/widget.js", include_in_schema=False)
    def widget() -> FileResponse:
        return FileResponse(STATIC / "widget.js", media_type="application/javascript")

    @app.get("/demo", response_class=HTMLResponse, include_in_schema=False)
    def demo(request: Request) -> HTMLResponse:
        """The demo portal, pointed at this server (the file names the default 127.0.0.1:8000)."""
        html = (STATIC / "demo-portal.html").read_text(encoding="utf-8")
        return HTMLResponse(html.replace("http://127.0.0.1:8000", str(request.base_url).rstrip("/")))
