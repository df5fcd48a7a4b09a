"""What the service tests share: keys, the error-shape check, and a server as a ``with`` block."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from briefqa.settings import Settings
from index.embedding import Embedder
from tests.helpers import serve_in_thread

READ_KEY = "read-key-7f3a9c1e5b"
ADMIN_KEY = "admin-key-2d8e6b4f0a"
BRIEFING_ID = "lingdao-xuekan-2025-06"
MAX_ERROR_BYTES = 2048


def error_of(response: Any) -> dict[str, str]:
    """The error object of a response, after checking the body is exactly the documented shape, under 2 KB."""
    assert len(response.content) <= MAX_ERROR_BYTES, len(response.content)
    assert response.headers["content-type"].startswith("application/json"), response.headers["content-type"]
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message"}, body
    assert all(isinstance(v, str) and v for v in body["error"].values()), body
    return body["error"]  # type: ignore[no-any-return]


@contextmanager
def serving(settings: Settings, embedder: Embedder) -> Iterator[str]:
    """The real app under uvicorn on a loopback port, yielding its base URL."""
    yield from serve_in_thread(settings, embedder)
