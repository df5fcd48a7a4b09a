"""The traced forward pass: the same vectors as sentence-transformers' own encode, or no trace at all."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest
import torch

from index.embedding import Embedder, TracedForward, on_model_thread
from tests.helpers import model_embedder

TEXTS = [
    "query: 广州",
    "passage: 广州加快布局未来产业，蓄能产业未来发展。" * 12,  # long: a batch pads to it
    "query: 天使母基金規模多大？",
    "Which future industries is Guangzhou planning for?",
    "passage: 2024 年 1 月，工业和信息化部等七部门印发《关于推动未来产业创新发展的实施意见》。",
]


@pytest.fixture(scope="module")
def torch_embedder() -> Embedder:
    """The bundled model on the torch path (sentence-transformers, traced): what this module tests."""
    from briefqa.runtime import make_embedder
    from briefqa.settings import Settings

    return make_embedder(Settings(embedder_backend="torch"))


@pytest.mark.slow
@pytest.mark.parametrize("batch_size", [1, 2, 32])
def test_traced_vectors_equal_the_eager_model_at_any_batch_size(torch_embedder: Embedder, batch_size: int) -> None:
    model = model_embedder(torch_embedder)._model  # type: ignore[attr-defined]
    traced = TracedForward.of(model)
    assert traced is not None
    eager = model.encode(TEXTS, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)
    vectors = traced.encode(TEXTS, batch_size)
    assert vectors.shape == eager.shape
    np.testing.assert_allclose(vectors, eager, atol=1e-5)  # in the callers' order, whatever the batching


class TinyModel(torch.nn.Module):
    """A stand-in with the sentence-transformers surface TracedForward uses (preprocess, forward, encode)."""

    def __init__(self, eager_offset: float = 0.0, broken: bool = False) -> None:
        super().__init__()
        self.table = torch.nn.Embedding(50, 4)
        self.eager_offset, self.broken = eager_offset, broken

    def preprocess(self, texts: list[str]) -> dict[str, object]:
        if self.broken:
            raise RuntimeError("no tokenizer here")
        width = max(len(t) for t in texts)
        ids = torch.tensor([[1 + ord(c) % 49 for c in t] + [0] * (width - len(t)) for t in texts])
        return {"input_ids": ids, "attention_mask": (ids > 0).long(), "modality": "text"}

    def forward(self, features: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        mask = features["attention_mask"].unsqueeze(-1)
        pooled = (self.table(features["input_ids"]) * mask).sum(1) / mask.sum(1)
        return {"sentence_embedding": torch.nn.functional.normalize(pooled, dim=-1)}

    def encode(self, texts: list[str], **_: object) -> np.ndarray:
        with torch.no_grad():
            return self.forward(self.preprocess(texts))["sentence_embedding"].numpy() + self.eager_offset  # type: ignore[arg-type]


def test_a_model_the_trace_reproduces_is_traced() -> None:
    traced = TracedForward.of(TinyModel())
    assert traced is not None
    texts = ["abc", "a", "abcdefgh"]
    np.testing.assert_allclose(traced.encode(texts, 2), TinyModel.encode(traced._model, texts), atol=1e-6)


def test_a_model_the_trace_changes_keeps_the_eager_pass() -> None:
    with pytest.warns(UserWarning, match="differs from eager"):
        assert TracedForward.of(TinyModel(eager_offset=0.01)) is None


def test_a_model_that_cannot_be_traced_keeps_the_eager_pass() -> None:
    with pytest.warns(UserWarning, match="not traced.*no tokenizer"):
        assert TracedForward.of(TinyModel(broken=True)) is None


def test_in_length_order_batches_short_texts_together_and_returns_the_callers_order() -> None:
    from index.embedding import in_length_order

    texts = ["ccc", "a", "bbbbb", "dd"]
    calls: list[list[str]] = []
    progress: list[tuple[int, int]] = []

    def encode(chunk: list[str]) -> np.ndarray:
        calls.append(chunk)
        return np.array([[len(t), 0.0] for t in chunk], dtype=np.float32)

    vectors = in_length_order(texts, 3, encode, lambda done, total: progress.append((done, total)))
    assert calls == [["a", "dd", "ccc"], ["bbbbb"]]
    assert vectors is not None and vectors[:, 0].tolist() == [3, 1, 5, 2]
    assert progress == [(3, 4), (4, 4)]
    assert in_length_order([], 3, encode) is None


@pytest.mark.slow
def test_one_core_encodes_side_by_side_equal_the_encode_on_every_core(torch_embedder: Embedder) -> None:
    """What the batching lanes do under load: two one-core encodes at once, in two threads (the
    tokenizer is shared: it must not see both at once), against one encode on all cores."""
    inner = model_embedder(torch_embedder)
    halves = [TEXTS[:3], TEXTS[3:]]
    side_by_side: dict[int, np.ndarray] = {}
    start = threading.Barrier(2)

    def lane(i: int) -> None:
        start.wait()
        for _ in range(5):
            side_by_side[i] = inner._encode(halves[i], 1)

    threads = [threading.Thread(target=lane, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    np.testing.assert_allclose(np.vstack([side_by_side[0], side_by_side[1]]), inner._encode(TEXTS, 2), atol=1e-5)


@pytest.mark.slow
def test_a_question_does_not_wait_for_a_busy_model_thread(torch_embedder: Embedder) -> None:
    """While the model thread embeds a long document, a question is encoded on one core elsewhere."""
    inner = model_embedder(torch_embedder)
    expected = inner._encode(["query: 新兴产业的发展路径是什么？"], 2)
    release = threading.Event()
    blocker = threading.Thread(target=lambda: on_model_thread(release.wait, 60))
    blocker.start()
    try:
        time.sleep(0.1)  # the model thread is now busy
        started = time.perf_counter()
        vector = inner.embed_queries(["新兴产业的发展路径是什么？"])
        assert time.perf_counter() - started < 10
    finally:
        release.set()
        blocker.join(timeout=60)
    np.testing.assert_allclose(vector, expected, atol=1e-5)
