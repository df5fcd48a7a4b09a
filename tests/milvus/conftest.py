"""One real Milvus Lite server for the milvus tests (a session fixture), emptied before each test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bench.lite_server import LiteServer


@pytest.fixture(scope="session")
def lite_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiteServer]:
    server = LiteServer(tmp_path_factory.mktemp("milvus-lite"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def milvus(lite_server: LiteServer) -> LiteServer:
    """The running server, empty."""
    if not lite_server.answers():
        lite_server.start()
    lite_server.drop_everything()
    return lite_server
