"""Where a briefing's parts are: masthead, title, body sections, footer; and what they say.

Works on the clean text's paragraphs (separated by blank lines). Layout follows the common shape of
Chinese government and think-tank briefings (刊头 with 第N期 and a date, a title, body with
一、/（一）/1./一是 headings, a footer with 报送, 责任编辑, 地址, 共印), and degrades to
"all body" for text that has none of it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.headings import BODY_LINE, heading_of

_FOOTER = re.compile(
    r"^(报|报送|送|抄送|分送|发|印发|责任编辑|编辑|主编|审稿|签发|联系电话|电话|传真|地址|共印|印数)[：:]"
)


@dataclass(frozen=True)
class Block:
    """A paragraph of the clean text with the role it plays."""

    start: int
    end: int
    role: str  # masthead | title | body | footer
    section: str | None


def paragraphs(text: str) -> list[tuple[int, int]]:
    """Offsets of the blank-line separated paragraphs of ``text``."""
    return [m.span() for m in re.finditer(r"[^\n]+(?:\n[^\n]+)*", text)]


def is_body(paragraph: str) -> bool:
    return len(paragraph) >= BODY_LINE and any(mark in paragraph for mark in "。！？；")


def _starts_body(paragraph: str, position: int) -> bool:
    """Body text, or a section heading below the top line (a leading "# " line is the title)."""
    return is_body(paragraph) or (position > 0 and not paragraph.startswith("# ") and heading_of(paragraph) is not None)


def blocks(text: str) -> list[Block]:
    """Give every paragraph of the clean text its role and the section it belongs to."""
    spans = paragraphs(text)
    first_body = next((i for i, (s, e) in enumerate(spans) if _starts_body(text[s:e], i)), len(spans))
    footer_from = len(spans)
    while footer_from > first_body + 1 and _FOOTER.match(text[slice(*spans[footer_from - 1])]):
        footer_from -= 1
    title_at = _title_index(text, spans, first_body)
    out: list[Block] = []
    stack: list[tuple[int, str]] = []
    for i, (s, e) in enumerate(spans):
        if i < first_body:
            role = "title" if i == title_at else "masthead"
            out.append(Block(s, e, role, "刊头"))
        elif i >= footer_from:
            out.append(Block(s, e, "footer", "文末信息"))
        else:
            heading = heading_of(text[s:e])
            if heading:
                stack = [h for h in stack if h[0] < heading[0]] + [heading]
            out.append(Block(s, e, "body", " › ".join(name for _, name in stack) or "导语"))
    return out


def _title_index(text: str, spans: list[tuple[int, int]], first_body: int) -> int | None:
    """The title is the last short paragraph before the body that is not a date or issue line."""
    for i in range(first_body - 1, -1, -1):
        head = text[slice(*spans[i])]
        if head.startswith("#") or not re.search(r"\d{4}\s*年|第\s*\d+\s*期|[：:]|主办$", head):
            return i
    return None
