"""The model's forward pass traced to TorchScript, and length-ordered batching."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from threading import Lock
from typing import Any

import numpy as np

from text.progress import Progress, no_progress


@contextmanager
def _quiet(*loggers: str) -> Iterator[None]:
    """Silence these loggers' warnings for a while (tracing reads deprecated attributes)."""
    levels = {name: logging.getLogger(name).level for name in loggers}
    for name in loggers:
        logging.getLogger(name).setLevel(logging.ERROR)
    try:
        yield
    finally:
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)


class TracedForward:
    """A sentence-transformers model's forward pass (transformer, pooling, normalisation) as TorchScript.

    Why: the eager pass runs hundreds of small operators from Python, taking the GIL between them,
    so busy request threads starve it; the traced graph runs in C++ without the GIL. The trace is
    checked against the eager model when it is made; a model it does not reproduce keeps the eager path.
    """

    TOLERANCE = 1e-5

    def __init__(self, model: Any, keys: list[str], forward: Any) -> None:
        self._model, self._keys, self._forward = model, keys, forward
        self._tokenizing = Lock()  # a fast tokenizer re-configures itself per call: one thread at a time

    @classmethod
    def of(cls, model: Any) -> TracedForward | None:
        """Trace ``model``; None (with a warning) when tracing fails or changes the vectors."""
        import torch

        probe = ["query: 广州", "passage: 广州加快布局未来产业，蓄能产业未来发展。", "Future industries in Guangzhou"]
        try:
            features = model.preprocess(probe)
            keys = [k for k, v in features.items() if isinstance(v, torch.Tensor)]

            class Whole(torch.nn.Module):
                def __init__(self) -> None:
                    super().__init__()
                    self.model = model

                def forward(self, *tensors: Any) -> Any:
                    return self.model(dict(zip(keys, tensors, strict=True)))["sentence_embedding"]

            with warnings.catch_warnings(), torch.inference_mode(), _quiet("sentence_transformers", "transformers"):
                warnings.simplefilter("ignore")  # the tracer's notes on shapes it treats as constants
                forward = torch.jit.trace(Whole().eval(), tuple(features[k] for k in keys), check_trace=False)
            traced = cls(model, keys, forward)
            eager = model.encode(probe, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)
            difference = float(np.abs(traced.encode(probe[::-1], 2)[::-1] - eager).max())
        except Exception as err:  # any model the tracer cannot follow still embeds, eagerly
            warnings.warn(f"embedding model not traced ({err}); using the eager forward pass", stacklevel=2)
            return None
        if difference > cls.TOLERANCE:
            warnings.warn(f"traced model differs from eager by {difference:.2g}; using the eager pass", stacklevel=2)
            return None
        return traced

    def encode(self, texts: list[str], batch_size: int) -> np.ndarray:
        """Unit vectors for ``texts``, in batches of similar length (as sentence-transformers batches)."""
        import torch

        def batch(chunk: list[str]) -> np.ndarray:
            with self._tokenizing:
                features = self._model.preprocess(chunk)
            with torch.inference_mode():
                return self._forward(*(features[k] for k in self._keys)).float().numpy()  # type: ignore[no-any-return]

        vectors = in_length_order(texts, batch_size, batch)
        return vectors if vectors is not None else np.zeros((0, 0), np.float32)


def in_length_order(
    texts: list[str],
    batch: int,
    encode: Callable[[list[str]], np.ndarray],
    done: Progress = no_progress,
) -> np.ndarray | None:
    """``encode`` ``texts`` in calls of ``batch``, shortest first so that each call pads little, and
    return the vectors in the texts' order (None for no texts); ``done`` hears (embedded, of)."""
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    vectors = None
    for start in range(0, len(order), batch):
        rows = order[start : start + batch]
        part = encode([texts[i] for i in rows])
        if vectors is None:
            vectors = np.zeros((len(texts), part.shape[1]), dtype=np.float32)
        vectors[rows] = part
        done(min(start + batch, len(texts)), len(texts))
    return vectors
