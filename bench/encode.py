"""The floor: what the bare model costs for one question and for batches, in this process (torch),
both as sentence-transformers runs it (eager) and traced as briefqa runs it (``TracedForward``).

Everything here that runs the model runs ``on_model_thread``, the thread briefqa's own encodes use,
and is timed there: a second thread encoding on several cores would slow both (see that function).
"""

from __future__ import annotations

import os
from typing import Any

from bench.timing import percentiles, time_each, timed
from index.embedding import TracedForward, on_model_thread

BATCH_SIZES = (1, 4, 16, 32)


def load_bare_model(path: str) -> Any:
    """The sentence-transformers model itself, without briefqa's wrappers or cache."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer

    return on_model_thread(lambda: SentenceTransformer(path, device="cpu"))


class Traced:
    """The same model with the forward pass briefqa uses (``index.embedding.TracedForward``), behind
    sentence-transformers' ``encode`` signature, so the floor is measured on what we run too."""

    def __init__(self, model: Any) -> None:
        import torch

        on_model_thread(torch.set_num_threads, os.cpu_count() or 1)  # all cores, as for a lone question
        traced = on_model_thread(TracedForward.of, model)
        if traced is None:
            raise RuntimeError("the model could not be traced (see the warning above)")
        self._traced = traced

    def encode(self, texts: list[str], batch_size: int = 32, **_: Any) -> Any:
        return self._traced.encode(texts, batch_size)


def encode(model: Any, texts: list[str], batch_size: int = 32) -> Any:
    return model.encode(texts, batch_size=batch_size, normalize_embeddings=True, show_progress_bar=False)


def encode_ms(model: Any, text: str) -> float:
    """Milliseconds of one encode of ``text``, timed on the model thread (the hand-over not counted)."""
    return on_model_thread(lambda: time_each(lambda t: encode(model, [t]), [text])[0])


def measure_floor(model: Any, questions: list[str], prefix: str = "query: ") -> dict[str, Any]:
    """Single-question encode latency (the floor of /v1/ask) and batch encode time per batch size.

    Args:
        questions: distinct questions, at least ``32 * 4 + 100`` of them.
    """
    return on_model_thread(_measure_floor, model, questions, prefix)


def _measure_floor(model: Any, questions: list[str], prefix: str) -> dict[str, Any]:
    encode(model, [prefix + q for q in questions[:8]])  # warm up kernels and allocator
    singles = time_each(lambda q: encode(model, [prefix + q]), questions[:100])
    batches: dict[str, Any] = {}
    rest = questions[100:]
    for size in BATCH_SIZES:
        groups = [rest[i * size : (i + 1) * size] for i in range(4)]
        times = time_each(lambda g: encode(model, [prefix + q for q in g], len(g)), groups)
        p50 = percentiles(times)["p50"]
        batches[str(size)] = {"ms_per_batch": p50, "questions_per_s": round(size / p50 * 1000, 1)}
    return {"single_query": percentiles(singles), "batches": batches}


def measure_bare_batch(model: Any, texts: list[str], prefix: str = "passage: ") -> dict[str, float]:
    """Passages/s of the bare model batch-encoding ``texts`` (batch 32), as the ingest yardstick."""
    _, seconds = on_model_thread(timed, lambda: encode(model, [prefix + t for t in texts]))
    return {"passages": len(texts), "seconds": round(seconds, 2), "passages_per_s": round(len(texts) / seconds, 1)}
