"""Matching normal form: full/half width (NFKC), traditional → simplified (OpenCC), lower case.

The document text itself is never normalised; only keyword terms, queries and answer checks are, so
offsets always refer to the text as written.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

import opencc


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def simplify(text: str) -> str:
    """Full/half width folded (NFKC) and traditional → simplified; case kept (for the embedder)."""
    return _t2s().convert(unicodedata.normalize("NFKC", text))


@lru_cache(maxsize=32_768)  # passages and their sentences are normalised again for every question
def normalize(text: str) -> str:
    """Return ``text`` in the form used for matching (same meaning, canonical characters)."""
    return simplify(text).lower()


@lru_cache(maxsize=8_192)  # a passage is highlighted for many questions
def normalize_with_origins(text: str) -> tuple[str, tuple[int, ...]]:
    """Normalise ``text`` and map every normalised character back to its index in ``text``.

    OpenCC converts phrase by phrase, so the whole text is converted once; where that keeps the
    length (the usual case for t2s) characters align one to one, otherwise we fall back to
    converting character by character.

    Returns:
        The normalised text and, for each of its characters, the index of the source character.
    """
    pieces = [unicodedata.normalize("NFKC", ch).lower() for ch in text]
    width_folded = "".join(pieces)
    origins = tuple(i for i, piece in enumerate(pieces) for _ in piece)
    simplified = _t2s().convert(width_folded)
    if len(simplified) != len(width_folded):
        simplified = "".join(_t2s().convert(ch) if len(_t2s().convert(ch)) == 1 else ch for ch in width_folded)
    return simplified, origins
