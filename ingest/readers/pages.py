"""Pages into one clean text: running headers and footers out, page breaks repaired, pages mapped.

Every format goes through here, so a PDF, a text file with form feeds and a plain text file are
cleaned by the same rules (``ingest.cleaning``). Cleaning works page by page and the pages are then
joined, which is what lets every offset of the clean text keep the page it came from.
"""

from __future__ import annotations

import bisect
import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from ingest.cleaning import clean_text
from ingest.readers.base import Page
from text.cjk import wrap_joiner

# A line that is only a page number: "3", "- 3 -", "— 3 —", "·3·", "第 3 页", "第3页 共6页", "3/6", "Page 3 of 6".
PAGE_NUMBER = re.compile(
    r"^[\s\-–—·•]*(?:\d{1,4}|第\s*\d{1,4}\s*页(?:\s*[，,/]?\s*共\s*\d{1,4}\s*页)?|\d{1,4}\s*/\s*\d{1,4}"
    r"|(?:page|p\.)\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?)[\s\-–—·•]*$",
    re.IGNORECASE,
)
_EDGE = 2  # how many lines at the top and at the bottom of a page may be running heads


@dataclass(frozen=True)
class RunningLines:
    """Per page, the indices of its running-head lines; and the distinct heads (page numbers aside)."""

    dropped: list[set[int]]
    heads: list[str]


@dataclass(frozen=True)
class JoinedText:
    """The clean text of all pages and where each page starts in it: ``[(offset, page number)]``."""

    text: str
    page_starts: list[tuple[int, int]]


def _key(line: str) -> str:
    """Lines that differ only in digits (page and issue numbers) are the same running head."""
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", line))


def find_running_lines(pages: list[list[str]]) -> RunningLines:
    """Find running headers and footers: lines at a page's top or bottom edge that repeat on most
    pages (the journal's name, the issue), and bare page numbers there.

    Args:
        pages: each page's lines, top to bottom, blank lines already left out.
    """
    edges = [_edge_indices(len(lines)) for lines in pages]
    counts = Counter(k for lines, idx in zip(pages, edges, strict=True) for k in {_key(lines[i]) for i in idx})
    needed = max(2, math.ceil(sum(1 for lines in pages if lines) / 2))
    repeated = {k for k, n in counts.items() if n >= needed and k}
    dropped: list[set[int]] = []
    heads: dict[str, str] = {}
    for lines in pages:
        drop = _drop_from_edges(lines, lambda line: _key(line) in repeated or bool(PAGE_NUMBER.match(line)))
        dropped.append(drop)
        for i in sorted(drop):
            if not PAGE_NUMBER.match(lines[i]):
                heads.setdefault(_key(lines[i]), lines[i].strip())
    return RunningLines(dropped, list(heads.values()))


def _edge_indices(count: int) -> list[int]:
    return sorted(set(range(min(_EDGE, count))) | set(range(max(0, count - _EDGE), count)))


def _drop_from_edges(lines: list[str], running: Callable[[str], bool]) -> set[int]:
    """Indices of running lines, walking inwards from each edge and stopping at the first body line."""
    drop: set[int] = set()
    for order in (range(len(lines)), range(len(lines) - 1, -1, -1)):
        for depth, i in enumerate(order):
            if depth >= _EDGE or not running(lines[i]):
                break
            drop.add(i)
    return drop


def strip_running_lines(pages: list[Page]) -> tuple[list[Page], list[str]]:
    """The pages without their running heads and page numbers, and the heads that were removed."""
    split = [[line for line in page.text.split("\n") if line.strip()] for page in pages]
    found = find_running_lines(split)
    kept = [
        Page("\n".join(_without(page.text.split("\n"), drop)), page.number, page.runs_on)
        for page, drop in zip(pages, found.dropped, strict=True)
    ]
    return kept, found.heads


def _without(raw_lines: list[str], drop: set[int]) -> list[str]:
    """``raw_lines`` (blank lines kept, as paragraph breaks) minus the non-blank lines in ``drop``."""
    out, seen = [], -1
    for line in raw_lines:
        if line.strip():
            seen += 1
            if seen in drop:
                continue
        out.append(line)
    return out


def join_pages(pages: list[Page]) -> JoinedText:
    """Clean each page, then join them: a paragraph cut by a page break becomes whole again.

    Whether the last paragraph of a page runs on is the layout's verdict (``Page.runs_on``) where
    the reader has one, else the page-break repair rule of ``ingest.cleaning``.
    """
    text, starts = "", []
    runs_on: bool | None = None
    for page in pages:
        cleaned = clean_text(page.text)
        if not cleaned:
            continue
        if not text:
            text = cleaned
            starts.append((0, page.number))
        else:
            joiner = _page_joiner(text, cleaned, runs_on)
            starts.append((len(text) + len(joiner), page.number))
            text += joiner + cleaned
        runs_on = page.runs_on
    return JoinedText(text, starts)


def _page_joiner(before: str, after: str, runs_on: bool | None) -> str:
    """What goes between two pages' clean texts: nothing or a space (one paragraph) or a blank line."""
    last, first = before.rsplit("\n\n", 1)[-1], after.split("\n\n", 1)[0]
    if runs_on is False:
        return "\n\n"
    if runs_on:
        return wrap_joiner(last, first)
    merged = clean_text(last + "\n\n" + first)
    if "\n\n" in merged or not (merged.startswith(last) and merged.endswith(first)):
        return "\n\n"
    return merged[len(last) : len(merged) - len(first)]


def page_at(page_starts: list[tuple[int, int]], offset: int) -> int | None:
    """The page number holding ``offset`` of the clean text, or None for a text without pages."""
    at = bisect.bisect_right([start for start, _ in page_starts], offset) - 1
    return page_starts[at][1] if at >= 0 else None
