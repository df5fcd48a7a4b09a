"""Briefing files made from text inside the tests: a laid-out PDF, a Word file, an image-only scan.

The PDF is typeset the way a journal is (reportlab's built-in STSong-Light, so no font file is
needed): a centred masthead and title, indented body paragraphs wrapped at the right margin, a
running head on every page but the first and a page number at the foot of every page. It records
the page each character of the text was put on, so a test can check the pages a citation names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

FONT = "STSong-Light"
PAGE_W, PAGE_H = 595.0, 842.0  # A4 in points
MARGIN, BODY_SIZE, TITLE_SIZE, LEADING, PARAGRAPH_GAP = 72.0, 12.0, 16.0, 20.0, 8.0


@dataclass(frozen=True)
class Typeset:
    """Where a text went: ``page_of[i]`` is the page (1-based) holding character ``i`` of the text."""

    path: Path
    page_of: list[int]
    pages: int

    def pages_of(self, start: int, end: int) -> tuple[int, int]:
        return self.page_of[start], self.page_of[end - 1]


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in re.finditer(r"[^\n]+(?:\n[^\n]+)*", text)]


def _wrap(text: str, start: int, end: int, width: float, first_indent: float) -> list[tuple[int, int]]:
    """Greedy lines of ``text[start:end]`` that fit ``width``; never inside a Latin word or number,
    never starting or ending with a space (as a typesetter would)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines, s = [], start
    while s < end:
        room, e = width - (first_indent if not lines else 0.0), s
        while e < end and stringWidth(text[s : e + 1], FONT, BODY_SIZE) <= room:
            e += 1
        while s + 1 < e < end and _inside_word_or_at_space(text[e - 1 : e + 1]):
            e -= 1
        lines.append((s, e))
        s = e
    return lines


def _inside_word_or_at_space(pair: str) -> bool:
    return (pair.isascii() and pair.isalnum()) or " " in pair


def write_pdf(text: str, path: Path, head: str, centred: int, title_at: int) -> Typeset:
    """Typeset ``text`` (a clean briefing: blank-line separated paragraphs) into a PDF at ``path``.

    Args:
        head: the running head printed at the top of pages 2, 3, ...
        centred: how many leading paragraphs (the masthead and title) are centred.
        title_at: the index of the title paragraph, set larger.
    """
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    pdf = canvas.Canvas(str(path), pagesize=(PAGE_W, PAGE_H))
    page_of, page, y = [0] * len(text), 1, PAGE_H - MARGIN

    def new_page() -> None:
        nonlocal page, y
        _page_furniture(pdf, page, head)
        pdf.showPage()
        page, y = page + 1, PAGE_H - MARGIN

    for index, (p_start, p_end) in enumerate(paragraph_spans(text)):
        size = TITLE_SIZE if index == title_at else BODY_SIZE
        for l_start, l_end in _line_spans(text, p_start, p_end):
            indent = 0.0 if index < centred else 2 * BODY_SIZE
            for n, (s, e) in enumerate(_wrap(text, l_start, l_end, PAGE_W - 2 * MARGIN, indent)):
                if y < MARGIN:
                    new_page()
                pdf.setFont(FONT, size)
                line = text[s:e]
                if index < centred:
                    x = (PAGE_W - pdfmetrics.stringWidth(line, FONT, size)) / 2
                else:
                    x = MARGIN + (indent if n == 0 and l_start == p_start else 0.0)
                pdf.drawString(x, y, line)
                page_of[s:e] = [page] * (e - s)
                y -= LEADING * size / BODY_SIZE
        y -= PARAGRAPH_GAP * (3 if index < centred else 1)
    _page_furniture(pdf, page, head)
    for i in range(1, len(page_of)):  # line breaks between paragraphs: the page of what precedes them
        page_of[i] = page_of[i] or page_of[i - 1]
    pdf.save()
    return Typeset(path, page_of, page)


def _line_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    return [(start + m.start(), start + m.end()) for m in re.finditer(r"[^\n]+", text[start:end])]


def _page_furniture(pdf: object, page: int, head: str) -> None:
    """The running head (from page 2 on) and the page number, as a journal prints them."""
    pdf.setFont(FONT, 9)  # type: ignore[attr-defined]
    if page > 1:
        pdf.drawCentredString(PAGE_W / 2, PAGE_H - 40, head)  # type: ignore[attr-defined]
    pdf.drawCentredString(PAGE_W / 2, 36, f"- {page} -")  # type: ignore[attr-defined]


def write_docx(text: str, path: Path, head: str, title_at: int, author: str = "苏州太湖智库") -> Path:
    """``text``'s paragraphs as Word paragraphs (line breaks kept), the title in the Title style,
    ``head`` in the page header."""
    import docx

    document = docx.Document()
    for index, (start, end) in enumerate(paragraph_spans(text)):
        lines = text[start:end].split("\n")
        paragraph = document.add_paragraph(style="Title" if index == title_at else None)
        for n, line in enumerate(lines):
            run = paragraph.add_run(line)
            if n < len(lines) - 1:
                run.add_break()
    document.sections[0].header.paragraphs[0].text = head
    document.core_properties.author = author
    document.save(str(path))
    return path


def write_scanned_pdf(path: Path, pages: int = 2) -> Path:
    """A PDF whose pages are only pictures (what a scanner makes): no text layer at all."""
    from PIL import Image, ImageDraw
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    picture = Image.new("L", (400, 560), 255)
    draw = ImageDraw.Draw(picture)
    for row in range(40, 520, 24):
        draw.rectangle((40, row, 360, row + 10), fill=40)  # lines of "print"
    pdf = canvas.Canvas(str(path), pagesize=(PAGE_W, PAGE_H))
    for _ in range(pages):
        pdf.drawImage(ImageReader(picture), MARGIN, MARGIN, PAGE_W - 2 * MARGIN, PAGE_H - 2 * MARGIN)
        pdf.showPage()
    pdf.save()
    return path
