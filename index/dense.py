"""The dense leg: normalised float32 vectors in FAISS, searched by inner product."""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np

# One thread per query: OpenMP threads made single-vector searches 4-20x slower on 2 cores.
faiss.omp_set_num_threads(1)


class DenseIndex:
    """Exact inner-product search over passage vectors (cosine, as vectors are normalised)."""

    def __init__(self, index: faiss.Index) -> None:
        self._index = index

    @classmethod
    def build(cls, vectors: np.ndarray) -> DenseIndex:
        index = faiss.IndexFlatIP(vectors.shape[1])
        index.add(np.ascontiguousarray(vectors, dtype=np.float32))
        return cls(index)

    @classmethod
    def load(cls, path: Path) -> DenseIndex:
        return cls(faiss.read_index(str(path)))

    def save(self, path: Path) -> None:
        faiss.write_index(self._index, str(path))

    @property
    def size(self) -> int:
        return int(self._index.ntotal)

    def search(self, vector: np.ndarray, k: int, allowed: np.ndarray | None = None) -> list[tuple[int, float]]:
        """Return up to ``k`` ``(row, cosine)`` pairs, best first, only among ``allowed`` rows if given."""
        k = min(k, self.size)
        if k <= 0:
            return []
        params = None
        if allowed is not None:
            params = faiss.SearchParameters(sel=faiss.IDSelectorBatch(allowed.astype(np.int64)))
        scores, rows = self._index.search(vector.reshape(1, -1).astype(np.float32), k, params=params)
        return [(int(r), float(s)) for r, s in zip(rows[0], scores[0], strict=True) if r >= 0]
