"""The real briefing and the real model on the Milvus backend: the foundation questions rank their
passage first (as tests/integration/test_briefing.py asks of the local backend), citations hold."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.lite_server import LiteServer
from briefqa.runtime import make_builder, make_searcher
from index.embedding import Embedder
from tests.helpers import BRIEFING
from tests.integration.test_briefing import FIRST_PLACE
from tests.milvus.test_milvus_backend import milvus_settings

pytestmark = [pytest.mark.milvus, pytest.mark.slow]


def test_foundation_questions_rank_their_passage_first(
    milvus: LiteServer, tmp_path: Path, real_embedder: Embedder
) -> None:
    settings = milvus_settings(tmp_path, milvus)
    make_builder(settings, real_embedder).sync([BRIEFING])
    index = make_builder(settings, real_embedder).current()
    assert index is not None and len(index.passages) >= 10
    searcher = make_searcher(settings, index, real_embedder)
    for question, expected in FIRST_PLACE.items():
        result = searcher.search(question, k=5, mode="hybrid")
        assert expected in result.hits[0].passage.text, question
        for hit in result.hits:
            passage = hit.passage
            assert index.documents[passage.doc_id].text[passage.start : passage.end] == passage.text
