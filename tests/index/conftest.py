"""Index fixtures: the real briefing searched with the fast fake embedder."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefqa.runtime import make_builder, make_searcher
from index.search import Searcher
from tests.fakes import HashingEmbedder
from tests.helpers import BRIEFING, settings_for


@pytest.fixture(scope="module")
def searcher(tmp_path_factory: pytest.TempPathFactory) -> Searcher:
    """A searcher over the real briefing, embedded with the fake embedder (no model)."""
    settings = settings_for(Path(tmp_path_factory.mktemp("briefing")))
    embedder = HashingEmbedder()
    builder = make_builder(settings, embedder)
    builder.sync([BRIEFING])
    return make_searcher(settings, builder.current(), embedder)
