"""Service fixtures: the real briefing indexed once with the fast fake embedder, and private copies of it."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.fakes import HashingEmbedder
from tests.helpers import BRIEFING, settings_for


@pytest.fixture(scope="session")
def fake_briefing_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder whose index holds the real briefing, embedded with the fake embedder (fast).

    Shared by every read-only test; tests that write use ``fresh_data_dir``.
    """
    from briefqa.runtime import make_builder

    data_dir = tmp_path_factory.mktemp("fake-briefing")
    make_builder(settings_for(data_dir), HashingEmbedder()).sync([BRIEFING])
    return data_dir


@pytest.fixture
def fresh_data_dir(fake_briefing_dir: Path, tmp_path: Path) -> Path:
    """A private copy of the fake briefing index, for tests that write to it."""
    target = tmp_path / "data"
    shutil.copytree(fake_briefing_dir, target)
    return target


@pytest.fixture(scope="session")
def open_client(fake_briefing_dir: Path) -> Iterator[TestClient]:
    """The app with default settings (no keys, no CORS origins, no rate limit) over the shared index.

    One for the session: every app start loads jieba's dictionary, which takes a second or two.
    """
    from service.app import create_app

    with TestClient(create_app(settings_for(fake_briefing_dir), HashingEmbedder(), watch=False)) as client:
        yield client
