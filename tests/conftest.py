"""Shared fixtures: a fast fake embedder for unit tests, the real model and a live server for the rest."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from briefqa.settings import PROJECT_ROOT, Settings
from index.embedding import Embedder
from tests.fakes import HashingEmbedder

BRIEFING = PROJECT_ROOT / "data" / "briefings" / "lingdao-xuekan-2025-06.txt"


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test reads the developer's .env or writes outside its temporary folder."""
    monkeypatch.chdir(tmp_path)
    for name in ("BRIEFQA_API_KEYS", "BRIEFQA_ADMIN_KEY", "BRIEFQA_CORS_ORIGINS", "PORT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("BRIEFQA_DATA_DIR", str(tmp_path / "var"))


def settings_for(data_dir: Path, **overrides: object) -> Settings:
    return Settings(data_dir=data_dir, **overrides)  # type: ignore[arg-type]


@pytest.fixture
def fake_embedder() -> Embedder:
    return HashingEmbedder()


@pytest.fixture(scope="session")
def real_embedder() -> Embedder:
    """The bundled multilingual-e5-small, converted once into the user cache (as `make` does)."""
    from briefqa.runtime import make_embedder

    return make_embedder(Settings())


@pytest.fixture(scope="session")
def briefing_settings(tmp_path_factory: pytest.TempPathFactory, real_embedder: Embedder) -> Settings:
    """Settings whose index holds the real briefing, embedded with the real model."""
    from briefqa.runtime import make_builder

    settings = settings_for(tmp_path_factory.mktemp("briefing-index"))
    make_builder(settings, real_embedder).sync([BRIEFING])
    return settings


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve_in_thread(settings: Settings, embedder: Embedder) -> Iterator[str]:
    """Run the real app under uvicorn on a free loopback port; yield its base URL."""
    import httpx
    import uvicorn

    from service.app import create_app

    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings, embedder), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/readyz", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    else:
        raise RuntimeError(f"server on {base} did not become ready")
    yield base
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def live_server_url(briefing_settings: Settings, real_embedder: Embedder) -> Iterator[str]:
    """The real app over the real briefing index, over real HTTP on loopback."""
    yield from serve_in_thread(briefing_settings, real_embedder)
