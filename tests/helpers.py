"""What tests share besides fixtures: the real briefing's path, settings for a data folder, a free
port, the model under an embedder's wrappers, and the real app served in a thread. Tests import
these from here, never from a conftest."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from briefqa.settings import PROJECT_ROOT, Settings
from index.embedding import Embedder, ModelEmbedder

BRIEFING = PROJECT_ROOT / "data" / "briefings" / "lingdao-xuekan-2025-06.txt"
# The bundled briefing and the fictional library beside it: 9 issues of two publications.
LIBRARY = [PROJECT_ROOT / "data" / "briefings", PROJECT_ROOT / "data" / "library"]


def model_embedder(embedder: Embedder) -> ModelEmbedder:
    """The model embedder inside ``make_embedder``'s wrappers (simplified reading, batching)."""
    while not isinstance(embedder, ModelEmbedder):
        embedder = embedder.inner  # type: ignore[attr-defined]
    return embedder


def settings_for(data_dir: Path, **overrides: object) -> Settings:
    return Settings(data_dir=data_dir, **overrides)  # type: ignore[arg-type]


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
