"""Sentence spans of Chinese text: split on 。！？；(and their ASCII forms) and on line breaks."""

from __future__ import annotations

import re
from functools import lru_cache

# A sentence runs to its end mark, keeps the closing quotes or brackets that follow it, and never
# crosses a line break. "……" is not an end mark: it trails off inside a sentence.
_SENTENCE = re.compile(r"[^。！？；!?;\n]*(?:[。！？；!?;]+[”’」』）)\"']*)?")
_CLAUSE_END = re.compile(r"[，、,：:]")


def sentence_spans(text: str, start: int = 0, end: int | None = None, max_chars: int = 0) -> list[tuple[int, int]]:
    """Return ``(start, end)`` offsets of the sentences in ``text[start:end]``, whitespace trimmed.

    Args:
        max_chars: when positive, a sentence longer than this is cut after a comma so that no
            span exceeds it (or at ``max_chars`` itself when a clause has no comma).
    """
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    for match in _SENTENCE.finditer(text, start, end):
        s, e = match.span()
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if s < e:
            spans.extend(_cut_long(text, s, e, max_chars) if max_chars else [(s, e)])
    return spans


def _cut_long(text: str, start: int, end: int, max_chars: int) -> list[tuple[int, int]]:
    pieces: list[tuple[int, int]] = []
    while end - start > max_chars:
        window = text[start : start + max_chars]
        commas = [m.end() for m in _CLAUSE_END.finditer(window)]
        cut = start + (commas[-1] if commas and commas[-1] > max_chars // 3 else max_chars)
        pieces.append((start, cut))
        start = cut
    pieces.append((start, end))
    return pieces


@lru_cache(maxsize=16_384)
def passage_sentences(text: str) -> tuple[tuple[int, int], ...]:
    """``sentence_spans`` of a whole passage, remembered: every question re-reads its top passages."""
    return tuple(sentence_spans(text))
