"""Heading lines of Chinese briefings (一、 （一） 一是 1. and Markdown #) and how long one can be.

Two rules ask about headings. The structure asks which heading a paragraph opens with, and at which
level. Line joining in cleaning asks only whether a line opens like a heading or a list item, so it
must not be joined to the line before; it is looser on purpose, in four ways:

- ``（1）``: digits in brackets open a list item, not a section;
- ``1.5``, ``2025.06``: a number, a dot and a digit may open a numbered line, never a section;
- ``1.`` with nothing after it is a section number on its own line, but no list item;
- ``- ``, ``* ``, ``• ``: bullets open list items.
"""

from __future__ import annotations

import re

HEADING_MAX = 40  # a "heading" longer than this is a body paragraph that opens with a number
BODY_LINE = 30  # a line or paragraph this long is body text (shorter ones: headings, masthead lines)
_NUMERAL = "[一二三四五六七八九十]"


def _pattern(lines: bool) -> re.Pattern[str]:
    """The heading pattern; ``lines`` adds what only line joining counts (see the module docstring)."""
    bracketed = r"[一二三四五六七八九十\d]" if lines else _NUMERAL
    numbered = r"\d+[.．、]\s*\S" if lines else r"\d+[.．、](?!\d)"
    bullet = r"|(?P<bullet>[-*•]\s)" if lines else ""
    return re.compile(
        rf"^(?:(?P<md>#{{1,6}})\s|(?P<l1>{_NUMERAL}+、)|(?P<l2>[（(]{bracketed}+[)）])"
        rf"|(?P<l3>{_NUMERAL}+是)|(?P<l4>{numbered}){bullet})"
    )


_HEADING = _pattern(lines=False)
_LINE_START = _pattern(lines=True)


def opens_like_heading(line: str) -> bool:
    """Whether ``line`` opens like a heading or a list item (and so starts a line of its own)."""
    return _LINE_START.match(line) is not None


def heading_of(paragraph: str) -> tuple[int, str] | None:
    """The level and name of the heading ``paragraph`` opens with, if it opens with one."""
    match = _HEADING.match(paragraph)
    if match is None:
        return None
    kind = match.lastgroup or ""
    level = int(kind[1]) if kind != "md" else len(match.group("md"))
    first_sentence = re.split(r"[。！？；]", paragraph, maxsplit=1)[0].lstrip("# ").strip()
    if len(first_sentence) > HEADING_MAX:
        return None
    return level, first_sentence
