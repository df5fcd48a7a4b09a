"""``briefqa serve``, whose help lists every setting from the settings themselves."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from briefqa.settings import setting_rows
from cli.common import err, fail, load_settings, sync, without_numba

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def settings_epilog() -> str:
    """Each setting on a line of its own: its variable(s), what it does, its default."""
    # Help texts are rich markup: "[default: ...]" and "[freq]" would otherwise be read as tags.
    lines = [escape(f"{names}  {description} [default: {default}]") for names, description, default in setting_rows()]
    return "Settings, from the environment or .env:\n\n" + "\n".join(lines)


def serve(
    corpus: Annotated[Path | None, typer.Option("--corpus", "-c", help="Briefings to ingest before serving.")] = None,
) -> None:
    """Serve the web page and the HTTP API (ingesting the default briefings first if needed).

    Listens on BRIEFQA_HOST:BRIEFQA_PORT (127.0.0.1:8000); any other address needs API keys. A new
    index version, written by an ingest in another process, is served without a restart.

    Examples:

        briefqa serve
        briefqa serve --corpus data/briefings/
        BRIEFQA_HOST=0.0.0.0 BRIEFQA_API_KEYS=k1,k2 BRIEFQA_PORT=9000 briefqa serve
    """
    without_numba()
    import uvicorn

    from briefqa.runtime import make_lazy_embedder
    from service.app import create_app

    settings = load_settings()
    if settings.host not in LOOPBACK and not settings.api_keys:
        fail(f"refusing to listen on {settings.host} without API keys: set BRIEFQA_API_KEYS or bind 127.0.0.1")
    embedder = make_lazy_embedder(settings)
    source = corpus or settings.corpus_dir
    err.print(f"index: {sync(settings, [source], embedder=embedder).summary()}", highlight=False)
    application = create_app(settings, embedder)
    uvicorn.run(application, host=settings.host, port=settings.port, log_level="info")
