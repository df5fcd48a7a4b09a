"""Sentence spans of Chinese text: split after end marks (。！？； and ASCII !?;) and at line breaks.

A sentence runs to its end marks and keeps the closing quotes or brackets that follow them. "……" is
not an end mark: it trails off inside a sentence. ``SentenceRule`` names the marks, so that a
corpus with its own convention (CMRC 2018: Chinese marks only, line breaks inside sentences) is
cut by the same code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_CLAUSE_END = re.compile(r"[，、,：:]")


@dataclass(frozen=True)
class SentenceRule:
    """What ends a sentence: ``ends`` (a run of them), then ``closers`` stay with it; ``line_breaks``:
    whether a line break ends one too."""

    ends: str
    closers: str
    line_breaks: bool


BRIEFING = SentenceRule(ends="。！？；!?;", closers="”’」』）)\"'", line_breaks=True)


@lru_cache(maxsize=8)
def _pattern(rule: SentenceRule) -> re.Pattern[str]:
    ends, closers = re.escape(rule.ends), re.escape(rule.closers)
    stops = ends + ("\n" if rule.line_breaks else "")
    return re.compile(f"[^{stops}]*(?:[{ends}]+[{closers}]*)?")


def sentence_spans(
    text: str, start: int = 0, end: int | None = None, max_chars: int = 0, rule: SentenceRule = BRIEFING
) -> list[tuple[int, int]]:
    """Return ``(start, end)`` offsets of the sentences in ``text[start:end]``, whitespace trimmed.

    Args:
        max_chars: when positive, a sentence longer than this is cut after a comma so that no
            span exceeds it (or at ``max_chars`` itself when a clause has no comma).
        rule: the end marks (briefings' by default).
    """
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    for match in _pattern(rule).finditer(text, start, end):
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
