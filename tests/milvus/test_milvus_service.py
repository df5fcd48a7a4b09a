"""The service on the Milvus backend: uploads and deletes, replicas switching together, and Milvus
stopped mid-run (503 backend_unavailable, then recovery without a restart)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import httpx
import pytest

from bench.lite_server import LiteServer
from briefqa.runtime import make_builder
from tests.fakes import HashingEmbedder
from tests.helpers import BRIEFING, serve_in_thread
from tests.milvus.conftest import running_and_empty, serving
from tests.milvus.test_milvus_backend import milvus_settings
from tests.service.harness import ADMIN_KEY, error_of

pytestmark = pytest.mark.milvus
ADMIN = {"Authorization": f"Bearer {ADMIN_KEY}"}
HAINAN = "# 海南简报\n\n2025 年 6 月 20 日\n\n## 免税\n\n海南离岛旅客每人每年免税购物额度提高到15万元。\n"
QUESTION = "海南离岛旅客每年免税购物额度是多少？"


@pytest.fixture(scope="module")
def own_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiteServer]:
    """A Lite server of this module's own: its tests stop and restart it, which the session's shared
    server (other modules' collections, aliases and ports) must not go through."""
    yield from serving(tmp_path_factory.mktemp("milvus-service"))


@pytest.fixture
def milvus(own_server: LiteServer) -> LiteServer:
    """This module's server, running and empty."""
    return running_and_empty(own_server)


@pytest.fixture
def replicas(milvus: LiteServer, tmp_path: Path) -> Iterator[list[str]]:
    """Two `briefqa serve` replicas (own data folders, nothing local of the index) on one Milvus."""
    embedder = HashingEmbedder()
    make_builder(milvus_settings(tmp_path / "ingest", milvus), embedder).sync([BRIEFING])
    with ExitStack() as stack:
        urls = []
        for n in range(2):
            settings = milvus_settings(tmp_path / f"replica{n}", milvus, admin_key=ADMIN_KEY, milvus_timeout_s=10.0)
            urls.append(stack.enter_context(_contextual(serve_in_thread(settings, embedder))))
        yield urls


def _contextual(generator: Iterator[str]):
    from contextlib import contextmanager

    @contextmanager
    def wrapped() -> Iterator[str]:
        yield next(generator)
        next(generator, None)

    return wrapped()


def _ask(url: str, question: str) -> httpx.Response:
    return httpx.post(url + "/v1/ask", json={"question": question, "top_k": 3}, timeout=60)


def _wait_for(check, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


def test_an_upload_through_one_replica_is_served_by_both(replicas: list[str]) -> None:
    first, second = replicas
    asked = _ask(second, "天使母基金规模多大？").json()
    citation = asked["passages"][0]["citation"]
    document = httpx.get(f"{second}/v1/documents/{citation['doc_id']}", timeout=10).json()
    assert document["text"][citation["start"] : citation["end"]] == asked["passages"][0]["text"]
    before = httpx.get(second + "/readyz", timeout=10).json()["index_version"]
    uploaded = httpx.post(
        first + "/v1/documents", files={"file": ("hainan.md", HAINAN.encode(), "text/plain")}, headers=ADMIN
    )
    assert uploaded.status_code == 201, uploaded.text
    assert "15万元" in _ask(first, QUESTION).json()["passages"][0]["text"]  # searchable when the upload returns
    started = time.monotonic()
    _wait_for(lambda: httpx.get(second + "/readyz", timeout=10).json()["index_version"] != before, 5.0)
    assert time.monotonic() - started < 5.0
    assert "15万元" in _ask(second, QUESTION).json()["passages"][0]["text"]
    filtered = httpx.post(
        second + "/v1/search", json={"question": QUESTION, "filters": {"doc_ids": ["hainan"]}}, timeout=60
    )
    assert filtered.status_code == 200, filtered.text
    assert {p["citation"]["doc_id"] for p in filtered.json()["passages"]} == {"hainan"}
    assert httpx.delete(first + "/v1/documents/hainan", headers=ADMIN, timeout=60).status_code == 204
    assert all("15万元" not in p["text"] for p in _ask(first, QUESTION).json()["passages"])


def test_milvus_stopped_mid_run_is_503_then_recovers(milvus: LiteServer, replicas: list[str]) -> None:
    url = replicas[0]
    before = _ask(url, "天使母基金规模多大？")
    assert before.status_code == 200 and before.json()["passages"], before.text  # answered from Milvus
    milvus.stop()
    assert not milvus.answers()  # nothing else answers on its port
    try:
        response = _ask(url, "天使母基金规模多大？")
        assert response.status_code == 503 and response.headers["Retry-After"]
        assert error_of(response)["code"] == "backend_unavailable" and "milvus" in error_of(response)["message"]
        _wait_for(lambda: httpx.get(url + "/readyz", timeout=10).status_code == 503, 10.0)
        ready = httpx.get(url + "/readyz", timeout=10)
        assert error_of(ready)["code"] == "backend_unavailable" and "milvus" in error_of(ready)["message"]
        # words no passage holds: the keyword leg has nothing to send to Milvus, yet never a 200 from memory
        unknown = httpx.post(url + "/v1/ask", json={"question": "xqzvw qwxjk", "mode": "bm25"}, timeout=60)
        assert unknown.status_code == 503 and error_of(unknown)["code"] == "backend_unavailable", unknown.text
    finally:
        milvus.start()
    _wait_for(lambda: httpx.get(url + "/readyz", timeout=10).status_code == 200, 30.0)
    recovered = _ask(url, "天使母基金规模多大？")
    assert recovered.status_code == 200 and recovered.json()["passages"], recovered.text
