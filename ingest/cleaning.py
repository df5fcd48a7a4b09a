"""Repair text pulled out of a print layout: page breaks, wrapped lines, layout spaces.

The result is the clean document text that every citation offset refers to. Only whitespace is
removed or joined; every other character stays as written (full-width punctuation included).
"""

from __future__ import annotations

import re

from ingest.headings import BODY_LINE, HEADING_MAX, opens_like_heading
from text.cjk import HAN, PUNCTUATION, wrap_joiner

# Characters that end a sentence or a block; a paragraph ending in anything else was cut by a page break.
TERMINAL = "。！？；…：:!?;.）)」』》”’\"'"
CONTINUATION = "，、,（(“‘《「『"
# A space beside CJK punctuation, or between CJK and a Latin letter or digit, is a layout artefact.
_LAYOUT_SPACE = re.compile(
    rf"(?<=[{PUNCTUATION}])[ \t\u00a0\u3000]+|[ \t\u00a0\u3000]+(?=[{PUNCTUATION}])"
    rf"|(?<=[{HAN}])[ \t\u00a0\u3000]+(?=[0-9A-Za-z])|(?<=[0-9A-Za-z])[ \t\u00a0\u3000]+(?=[{HAN}])"
)
_SPACES = re.compile(r"[ \t\u00a0\u3000]+")


def clean_text(raw: str) -> str:
    """Return the clean document text for ``raw`` (see the module docstring)."""
    text = raw.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    paragraphs = [_join_wrapped_lines(p) for p in re.split(r"\n[ \t\u3000]*\n", text)]
    paragraphs = [p for p in paragraphs if p]
    return "\n\n".join(_repair_page_breaks(paragraphs))


def _tidy_line(line: str) -> str:
    return _SPACES.sub(" ", _LAYOUT_SPACE.sub("", line.strip()))


def _join_wrapped_lines(paragraph: str) -> str:
    lines = [_tidy_line(line) for line in paragraph.split("\n")]
    lines = [line for line in lines if line]
    if not lines:
        return ""
    out = lines[0]
    for line in lines[1:]:
        previous = out.rsplit("\n", 1)[-1]
        wrapped = previous[-1] in CONTINUATION or (len(previous) >= BODY_LINE and previous[-1] not in TERMINAL)
        joiner = wrap_joiner(out, line) if wrapped and not opens_like_heading(line) else "\n"
        out += joiner + line
    return out


def _is_cut_by_page_break(paragraph: str, following: str) -> bool:
    looks_like_body = len(paragraph) >= BODY_LINE or any(p in paragraph for p in "，。；、")
    if opens_like_heading(paragraph) and len(paragraph) <= HEADING_MAX and "。" not in paragraph[:-1]:
        return False  # a heading line, not a body paragraph cut short
    return looks_like_body and paragraph[-1] not in TERMINAL and not opens_like_heading(following)


def _repair_page_breaks(paragraphs: list[str]) -> list[str]:
    repaired: list[str] = []
    for paragraph in paragraphs:
        if repaired and _is_cut_by_page_break(repaired[-1], paragraph):
            repaired[-1] += wrap_joiner(repaired[-1], paragraph) + paragraph
        else:
            repaired.append(paragraph)
    return repaired
