"""What the dense leg reads: every text, question or passage, in the matching normal form's script.

A question is asked in simplified or traditional characters, a library holds both: the model reads
either, but reads a simplified question and a traditional sentence as further apart than the same
two texts in one script. So both sides are read simplified (``text.normalize.simplify``: NFKC, then
OpenCC t2s); the keyword leg already matches in that form. On DRCD (traditional) this lifted the
dense leg's R@1 by 3 points (docs/retrieval.md); the index keeps every text as written.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from index.embedding.base import Embedder, QueuedEmbedder, submit_queries
from text.normalize import simplify

# Part of the model id: vectors of texts read as written are never mixed with these.
READS_SIMPLIFIED = "+reads-simplified"


class ReadsSimplified(QueuedEmbedder):
    """``inner``, given every text simplified; its vectors are recorded under ``inner``'s model id,
    which names ``READS_SIMPLIFIED`` (``EmbedderSpec.model_id``)."""

    def __init__(self, inner: Embedder) -> None:
        self.inner, self.model_id, self.dimension = inner, inner.model_id, inner.dimension

    def submit_queries(self, texts: list[str]) -> Callable[[], np.ndarray]:
        return submit_queries(self.inner, [simplify(t) for t in texts])

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self.inner.embed_passages([simplify(t) for t in texts])
