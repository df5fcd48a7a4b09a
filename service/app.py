"""The FastAPI application: API, web page, widget, health and metrics."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, HTMLResponse, PlainTextResponse
from fastapi.staticfiles import StaticFiles
from prometheus_client import generate_latest

from briefqa import __version__
from briefqa.settings import PROJECT_ROOT, Settings
from index.embedder import Embedder
from service import documents_routes, routes
from service.errors import error_response, install_error_handlers
from service.limits import BodyLimit, ConcurrencyLimit
from service.metrics import Metrics, MetricsMiddleware
from service.state import IndexState

STATIC = Path(__file__).parent / "static"
DESCRIPTION = """briefqa 简报问答：用中文（或英文）提问，返回回答问题的段落，附精确引用
（文档、期号、日期、章节、字符位置）与高亮。

Keys: when the service is configured with API keys, send `Authorization: Bearer KEY` or `X-API-Key: KEY`.
Errors always have the shape `{"error": {"code": "...", "message": "..."}}`."""


def create_app(settings: Settings, embedder: Embedder, watch: bool = True) -> FastAPI:
    """Build the app over the index in ``settings.index_dir`` (loaded at start-up, hot-reloaded)."""
    state = IndexState(settings, embedder)
    metrics = Metrics()

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        state.refresh()
        if watch:
            state.watch()
        yield
        state.stop()

    app = FastAPI(title="briefqa", version=__version__, description=DESCRIPTION, lifespan=lifespan)
    app.state.index, app.state.metrics = state, metrics
    install_error_handlers(app)
    app.include_router(routes.router)
    app.include_router(documents_routes.router)
    _add_operational_routes(app, state, metrics)
    _add_pages(app)
    app.add_middleware(ConcurrencyLimit, limit=settings.max_concurrency)
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes, upload_limit=settings.max_upload_bytes)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["GET", "POST", "DELETE"],
            allow_headers=["Authorization", "X-API-Key", "Content-Type"],
        )
    app.add_middleware(MetricsMiddleware, metrics=metrics)
    return app


def _add_operational_routes(app: FastAPI, state: IndexState, metrics: Metrics) -> None:
    @app.get("/healthz", include_in_schema=True, summary="The process is alive")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", summary="An index version is loaded and verified")
    def readyz():  # type: ignore[no-untyped-def]
        served = state.served
        if served is None:
            return error_response(503, "index_not_ready", state.problem or "index not loaded yet")
        body = {"status": "ready", "index_version": served.version, "passages": len(served.searcher.index.passages)}
        if state.problem:
            body["warning"] = state.problem  # a newer version was refused; the last good one serves
        return body

    @app.get("/metrics", response_class=PlainTextResponse, summary="Prometheus metrics")
    def prometheus() -> PlainTextResponse:
        if state.served:
            metrics.passages.set(len(state.served.searcher.index.passages))
            metrics.documents.set(len(state.served.searcher.index.documents))
        return PlainTextResponse(generate_latest(metrics.registry), media_type="text/plain; version=0.0.4")


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
        html = (PROJECT_ROOT / "docs" / "demo-portal.html").read_text(encoding="utf-8")
        return HTMLResponse(html.replace("http://127.0.0.1:8000", str(request.base_url).rstrip("/")))
