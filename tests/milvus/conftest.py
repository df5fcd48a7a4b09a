"""One real Milvus Lite server for the milvus tests (a session fixture), emptied before each test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.lite_server import LiteServer


def serving(data_dir: Path) -> Iterator[LiteServer]:
    """A Lite server on ``data_dir`` for as long as the caller holds it (a fixture's body)."""
    server = LiteServer(data_dir)
    server.start()
    yield server
    server.stop()


def running_and_empty(server: LiteServer) -> LiteServer:
    """``server`` started again if a test stopped it, and emptied. Whether its process runs, not
    whether it answers: a loaded machine can miss ``answers()``' 2 s, and a second server started
    then left the first one running, unstoppable (a stopped Milvus still answered 200)."""
    if not server.running():
        server.start()
    server.drop_everything()
    return server


@pytest.fixture(scope="session")
def lite_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiteServer]:
    yield from serving(tmp_path_factory.mktemp("milvus-lite"))


@pytest.fixture
def milvus(lite_server: LiteServer) -> LiteServer:
    """The running server, empty."""
    return running_and_empty(lite_server)
