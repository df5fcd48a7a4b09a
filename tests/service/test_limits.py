"""Overload: a full server answers 503 at once instead of queueing; a busy key gets 429."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import httpx
import numpy as np
from fastapi.testclient import TestClient

from service.app import create_app
from service.limits import RateLimiter
from tests.fakes import HashingEmbedder
from tests.helpers import settings_for
from tests.service.harness import ADMIN_KEY, READ_KEY, error_of, serving

SLOW = "慢慢地回答：天使母基金规模多大？"


class BlockingEmbedder(HashingEmbedder):
    """Holds a query containing 慢 until released, so a test can keep a request in flight."""

    def __init__(self) -> None:
        super().__init__()
        self.entered, self.release = threading.Event(), threading.Event()

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        if any("慢" in t for t in texts):
            self.entered.set()
            self.release.wait(timeout=30)
        return super().embed_queries(texts)


def test_a_request_over_the_concurrency_limit_gets_503_at_once(fake_briefing_dir: Path) -> None:
    embedder = BlockingEmbedder()
    with serving(settings_for(fake_briefing_dir, max_concurrency=1), embedder) as base:
        held: list[httpx.Response] = []
        holder = threading.Thread(target=lambda: held.append(httpx.post(base + "/v1/search", json={"question": SLOW})))
        holder.start()
        try:
            assert embedder.entered.wait(timeout=10)
            started = time.monotonic()
            busy = httpx.post(base + "/v1/ask", json={"question": "天使母基金规模多大？"}, timeout=10)
            waited = time.monotonic() - started
            assert busy.status_code == 503 and error_of(busy)["code"] == "overloaded"
            assert busy.headers["retry-after"] == "1"
            assert waited < 1.0  # answered at once, not queued behind the held request
            assert httpx.get(base + "/healthz").status_code == 200  # probes are never refused
        finally:
            embedder.release.set()
            holder.join(timeout=30)
        assert held[0].status_code == 200
        assert httpx.post(base + "/v1/ask", json={"question": "天使母基金规模多大？"}).status_code == 200


def test_a_key_over_its_rate_gets_429_and_other_keys_do_not(fake_briefing_dir: Path) -> None:
    settings = settings_for(
        fake_briefing_dir, api_keys=[READ_KEY, "other-read-key"], admin_key=ADMIN_KEY, rate_limit_per_minute=3
    )
    with TestClient(create_app(settings, HashingEmbedder(), watch=False)) as client:
        mine = {"X-API-Key": READ_KEY}
        assert [client.get("/v1/documents", headers=mine).status_code for _ in range(3)] == [200, 200, 200]
        limited = client.get("/v1/documents", headers=mine)
        assert limited.status_code == 429 and error_of(limited)["code"] == "rate_limited"
        assert 1 <= int(limited.headers["retry-after"]) <= 20
        assert READ_KEY not in limited.text
        assert client.get("/v1/documents", headers={"X-API-Key": "other-read-key"}).status_code == 200
        assert client.get("/v1/documents", headers={"X-API-Key": "wrong"}).status_code == 401  # not counted as a key


def test_the_rate_refills_with_time() -> None:
    now = [0.0]
    limiter = RateLimiter(per_minute=3, clock=lambda: now[0])
    assert [limiter.wait("k") for _ in range(3)] == [None, None, None]
    assert limiter.wait("k") == 20.0  # one request every 20 s
    now[0] = 20.0
    assert limiter.wait("k") is None
    assert limiter.wait("someone else") is None


def test_the_rate_limiter_forgets_the_least_recent_callers_first() -> None:
    limiter = RateLimiter(per_minute=1, callers=2)
    limiter.wait("a")
    limiter.wait("b")
    limiter.wait("c")  # a is forgotten: memory stays bounded under a flood of new callers
    assert limiter.wait("a") is None
    assert limiter.wait("c") is not None


def test_no_rate_limit_by_default(open_client: TestClient) -> None:
    assert {open_client.get("/v1/documents").status_code for _ in range(30)} == {200}
