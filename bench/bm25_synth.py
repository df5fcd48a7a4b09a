"""BM25 indexes of any size from real Chinese sentences recombined into passages.

jieba runs once per real sentence; a synthetic passage is a few random sentences, and its units are
theirs. The BM25 matrix (bm25s' own layout and Lucene scoring) is then built with array operations,
since bm25s' per-document Python loop would take many minutes at a million passages. At small sizes
the benchmark checks that it scores exactly as ``bm25s.BM25().index`` does.
"""

from __future__ import annotations

import bm25s
import numpy as np
import scipy.sparse as sp

K1, B = 1.5, 0.75  # bm25s defaults


def recombine(passages: int, sentences: int, per_passage: int = 4, seed: int = 0) -> np.ndarray:
    """Row ``i`` lists the sentence numbers passage ``i`` is made of."""
    return np.random.default_rng(seed).integers(0, sentences, size=(passages, per_passage))


def passage_units(units: list[list[str]], combos: np.ndarray) -> list[list[str]]:
    """The unit lists of recombined passages, for bm25s' own indexer (small sizes only)."""
    return [[u for s in row for u in units[s]] for row in combos]


def build_bm25(units: list[list[str]], combos: np.ndarray) -> bm25s.BM25:
    """A bm25s retriever over the passages ``combos`` makes of the sentences with ``units``."""
    vocab: dict[str, int] = {}
    ids = [np.array([vocab.setdefault(u, len(vocab)) for u in su], dtype=np.int64) for su in units]
    lengths = np.array([len(i) for i in ids], dtype=np.int64)
    counted = [np.unique(i, return_counts=True) for i in ids]
    starts = np.concatenate([[0], np.cumsum([len(t) for t, _ in counted])])
    terms = np.concatenate([t for t, _ in counted]).astype(np.int32)
    counts = np.concatenate([c for _, c in counted]).astype(np.float32)

    flat = combos.ravel()
    spans = starts[flat + 1] - starts[flat]
    total = int(spans.sum())
    entry = np.repeat(starts[flat] - np.concatenate([[0], np.cumsum(spans)[:-1]]), spans) + np.arange(total)
    docs = np.repeat(np.repeat(np.arange(len(combos), dtype=np.int32), combos.shape[1]), spans)
    matrix = sp.csr_matrix((counts[entry], (terms[entry], docs)), shape=(len(vocab), len(combos)))
    matrix.sum_duplicates()
    del entry, docs

    doc_length = lengths[combos].sum(axis=1).astype(np.float32)
    df = np.diff(matrix.indptr).astype(np.float64)
    idf = np.log(1 + (len(combos) - df + 0.5) / (df + 0.5)).astype(np.float32)
    tf = matrix.data
    norm = K1 * ((1 - B) + B * doc_length[matrix.indices] / doc_length.mean())
    data = np.repeat(idf, np.diff(matrix.indptr)) * tf / (norm + tf)

    retriever = bm25s.BM25()
    retriever.scores = {
        "data": data.astype(np.float32),
        "indices": matrix.indices.astype(np.int32),
        "indptr": matrix.indptr.astype(np.int64),
        "num_docs": len(combos),
    }
    retriever.vocab_dict = vocab
    retriever.nonoccurrence_array = None
    return retriever
