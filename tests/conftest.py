"""Shared fixtures: a fast fake embedder for unit tests, the real model and a live server for the rest.

Only fixtures live here; what tests import (paths, helpers) is in tests/helpers.py."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from briefqa.settings import Settings
from index.embedding import Embedder
from tests.fakes import HashingEmbedder
from tests.helpers import BRIEFING, LIBRARY, serve_in_thread, settings_for


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test reads the developer's .env or writes outside its temporary folder."""
    monkeypatch.chdir(tmp_path)
    for name in ("BRIEFQA_API_KEYS", "BRIEFQA_ADMIN_KEY", "BRIEFQA_CORS_ORIGINS", "PORT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("BRIEFQA_DATA_DIR", str(tmp_path / "var"))


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


@pytest.fixture(scope="session")
def live_server_url(briefing_settings: Settings, real_embedder: Embedder) -> Iterator[str]:
    """The real app over the real briefing index, over real HTTP on loopback."""
    yield from serve_in_thread(briefing_settings, real_embedder)


@pytest.fixture(scope="session")
def fake_library_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder whose index holds data/briefings and data/library, with the fake embedder (fast)."""
    from briefqa.runtime import make_builder

    data_dir = tmp_path_factory.mktemp("fake-library")
    make_builder(settings_for(data_dir), HashingEmbedder()).sync(LIBRARY)
    return data_dir
