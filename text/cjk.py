"""Which characters are Chinese, and how text of two scripts joins where a line wrapped.

The ranges are bodies of regular-expression character classes (``rf"[{HAN}]"``), so that callers
can combine them with their own characters.
"""

from __future__ import annotations

import re

# CJK Unified Ideographs with Extension A, and the compatibility ideographs (U+4DC0-U+4DFF between
# them holds the Yijing hexagram symbols, which are not characters of Chinese text).
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# CJK Symbols and Punctuation (。、「」 and the ideographic space) and the full/half-width forms (，！？：).
WIDE_PUNCTUATION = "\u3000-\u303f\uff00-\uffef"
# Chinese text also writes the general-punctuation quotes, ellipsis and dash: ‘’“”…—.
PUNCTUATION = WIDE_PUNCTUATION + "\u2018\u2019\u201c\u201d\u2026\u2014"
_HAN = re.compile(f"[{HAN}]")


def has_chinese(text: str) -> bool:
    """Whether ``text`` holds a Chinese character; a question without one is asked across languages."""
    return _HAN.search(text) is not None


def wrap_joiner(left: str, right: str) -> str:
    """What joins two texts where a line wrapped between them: a space between Latin letters or
    digits (two words), nothing otherwise (Chinese runs on without spaces)."""
    latin = left[-1:].isascii() and left[-1:].isalnum() and right[:1].isascii() and right[:1].isalnum()
    return " " if latin else ""
