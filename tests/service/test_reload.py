"""Hot reload over real HTTP: new versions are picked up without a failed request, broken ones refused."""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from briefqa.runtime import make_builder
from briefqa.settings import Settings
from index.builder import IndexBuilder
from index.store import current_version
from service.app import create_app
from tests.fakes import HashingEmbedder
from tests.helpers import BRIEFING, serve_in_thread, settings_for

QUESTION = {"question": "广州前瞻布局了哪些未来产业？", "top_k": 3}
EXTRA = "# 低空经济简报\n\n广州发布低空经济发展实施方案，支持无人机物流与城市空中交通试点。\n"


@pytest.fixture
def sources(tmp_path: Path) -> Path:
    folder = tmp_path / "sources"
    folder.mkdir()
    shutil.copy(BRIEFING, folder / BRIEFING.name)
    return folder


@pytest.fixture
def settings(tmp_path: Path, sources: Path) -> Settings:
    settings = settings_for(tmp_path / "var")
    builder_for(settings).sync([sources])
    return settings


@pytest.fixture
def server(settings: Settings) -> Iterator[str]:
    yield from serve_in_thread(settings, HashingEmbedder())


_BUILDERS: dict[Path, IndexBuilder] = {}


def builder_for(settings: Settings) -> IndexBuilder:
    """One builder per index (its analyzer takes a second to warm up)."""
    if settings.index_dir not in _BUILDERS:
        _BUILDERS[settings.index_dir] = make_builder(settings, HashingEmbedder())
    return _BUILDERS[settings.index_dir]


def wait_for(check: Callable[[], bool], seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def commit_broken_version(settings: Settings, sources: Path, file: str) -> str:
    """A committed version whose ``file`` is damaged on disk after the fact (bit rot, a bad copy)."""
    scratch = settings_for(settings.data_dir.parent / "scratch")
    shutil.copytree(settings.index_dir, scratch.index_dir)  # so the new version's number follows on
    (sources / "低空经济.md").write_text(EXTRA, encoding="utf-8")
    version = builder_for(scratch).sync([sources]).version
    assert version is not None
    folder = scratch.index_dir / "versions" / version
    (folder / file).write_bytes((folder / file).read_bytes()[:100])
    shutil.move(folder, settings.index_dir / "versions" / version)
    pointer = settings.index_dir / ".CURRENT.test"
    pointer.write_text(version, encoding="utf-8")
    os.replace(pointer, settings.index_dir / "CURRENT")  # switched atomically, as a writer would
    return version


def test_a_new_version_is_picked_up_without_failing_a_request(server: str, settings: Settings, sources: Path):
    first = current_version(settings.index_dir)
    answers: list[tuple[int, str | None]] = []
    stop = threading.Event()

    def ask_continuously() -> None:
        with httpx.Client(base_url=server, timeout=10) as client:
            while not stop.is_set():
                response = client.post("/v1/ask", json=QUESTION)
                answers.append((response.status_code, response.json().get("index_version")))

    asker = threading.Thread(target=ask_continuously)
    asker.start()
    try:
        wait_for(lambda: len(answers) >= 5)
        (sources / "低空经济.md").write_text(EXTRA, encoding="utf-8")
        second = builder_for(settings).sync([sources]).version
        wait_for(lambda: answers[-1][1] == second)
        count = len(answers)
        wait_for(lambda: len(answers) >= count + 5)
    finally:
        stop.set()
        asker.join(10)
    assert {status for status, _ in answers} == {200}
    assert {version for _, version in answers} == {first, second}
    switched = [version for _, version in answers].index(second)
    assert all(version == second for _, version in answers[switched:]), "went back to the old version"


def test_a_corrupt_new_version_is_refused_while_the_old_one_keeps_serving(
    server: str, settings: Settings, sources: Path
):
    good = current_version(settings.index_dir)
    broken = commit_broken_version(settings, sources, "vectors.npy")
    wait_for(lambda: "warning" in httpx.get(server + "/readyz").json())
    ready = httpx.get(server + "/readyz")
    assert ready.status_code == 200 and ready.json()["index_version"] == good
    assert f"{broken}/vectors.npy: file is truncated" in ready.json()["warning"]
    answer = httpx.post(server + "/v1/ask", json=QUESTION)
    assert answer.status_code == 200 and answer.json()["index_version"] == good and answer.json()["passages"]

    repaired = builder_for(settings).sync([sources], rebuild=True).version
    wait_for(lambda: httpx.get(server + "/readyz").json().get("index_version") == repaired)
    assert "warning" not in httpx.get(server + "/readyz").json()


def test_a_service_restarted_on_a_corrupt_version_serves_the_previous_good_one(settings: Settings, sources: Path):
    good = current_version(settings.index_dir)
    broken = commit_broken_version(settings, sources, "bm25/vocab.index.json")
    for base in serve_in_thread(settings, HashingEmbedder()):
        ready = httpx.get(base + "/readyz").json()
        assert ready["index_version"] == good
        assert f"{broken}/bm25/vocab.index.json: file is truncated" in ready["warning"]
        assert f"serving the previous good version {good}" in ready["warning"]
        assert httpx.post(base + "/v1/ask", json=QUESTION).json()["index_version"] == good


def test_a_service_with_no_good_version_is_not_ready_and_says_why(settings: Settings):
    version = current_version(settings.index_dir)
    (settings.index_dir / "versions" / version / "dense.faiss").write_bytes(b"")  # type: ignore[operator]
    with TestClient(create_app(settings, HashingEmbedder(), watch=False)) as client:
        ready = client.get("/readyz")
        assert ready.status_code == 503
        assert f"{version}/dense.faiss: file is empty" in ready.json()["error"]["message"]
        asked = client.post("/v1/ask", json=QUESTION)
        assert asked.status_code == 503 and asked.json()["error"]["code"] == "index_not_ready"


def test_a_version_is_warmed_up_through_the_whole_answer_path_before_it_serves(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
):
    """Lazy loads (jieba's tables, its part-of-speech model, CC-CEDICT) happen before the swap, not
    in the first request: the warm-up answers a Chinese and an English question."""
    import service.state

    asked: list[str] = []
    real = service.state.answer_question
    monkeypatch.setattr(
        service.state, "answer_question", lambda r, *a, **k: asked.append(r.query.text) or real(r, *a, **k)
    )
    with TestClient(create_app(settings, HashingEmbedder(), watch=False)) as client:
        assert client.get("/readyz").status_code == 200
    assert any("\u4e00" <= c <= "\u9fff" for c in asked[0]) and asked[1].isascii()
