"""PDF: the text layer, line by line with its position, rebuilt into paragraphs page by page.

Uses pdfplumber (MIT, on pdfminer.six, MIT) because it gives each line's extent, and the layout is
what tells a wrapped line (it reaches the right margin) from a line break, a new paragraph (an
indent, a wider gap, a change of alignment or size) from a continued one, and a paragraph that runs
on to the next page from one that ended there. Running heads come off with the shared rule
(``pages.find_running_lines``) before any of that is judged.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from statistics import median
from typing import Any

from ingest.readers.base import Extracted, Page, useful_properties
from ingest.readers.errors import DamagedFileError, EncryptedFileError, NoTextLayerError
from ingest.readers.pages import find_running_lines
from text.cjk import wrap_joiner

_UNMAPPED = re.compile(r"\(cid:\d+\)")
_OCR = "run OCR first (e.g. ocrmypdf) and ingest its output"


@dataclass(frozen=True)
class Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float

    @property
    def height(self) -> float:
        return self.bottom - self.top


def read_pdf(path: Path, data: bytes) -> Extracted:
    """Read the text layer of every page.

    Raises:
        NoTextLayerError: no page has text (a scan), or the text cannot be decoded.
        EncryptedFileError, DamagedFileError: the file cannot be opened.
    """
    pages, info = _lines_by_page(path, data)
    _check_text_layer(path, pages)
    running = find_running_lines([[line.text for line in lines] for lines in pages])
    body = [
        [line for i, line in enumerate(lines) if i not in drop]
        for lines, drop in zip(pages, running.dropped, strict=True)
    ]
    layout = Layout.of([line for lines in body for line in lines])
    out = []
    for number, lines in enumerate(body, start=1):
        following = body[number] if number < len(body) else []
        runs_on = bool(lines and following) and layout.runs_on(lines[-1], following[0])
        out.append(Page(layout.page_text(lines), number, runs_on))
    properties = useful_properties(
        {
            "title": _as_text(info.get("Title")),
            "author": _as_text(info.get("Author")),
            "file_created": _pdf_date(_as_text(info.get("CreationDate"))),
            "running_headers": "\n".join(running.heads),
            "page_count": str(len(pages)),
            "pages_without_text": ", ".join(str(n) for n, lines in enumerate(pages, 1) if not lines),
        }
    )
    return Extracted("pdf", out, paged=True, properties=properties)


def _lines_by_page(path: Path, data: bytes) -> tuple[list[list[Line]], dict[str, Any]]:
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            pages = [[_line(raw) for raw in page.extract_text_lines(strip=True)] for page in pdf.pages]
            return [[ln for ln in lines if ln.text] for lines in pages], dict(pdf.metadata or {})
    except Exception as err:  # pdfminer raises many types for one cause: a bad file
        cause = err.__cause__ or err.__context__ or err
        if isinstance(err, PDFPasswordIncorrect) or isinstance(cause, PDFPasswordIncorrect):
            raise EncryptedFileError(f"{path}: the PDF is password-protected; save an unprotected copy") from err
        raise DamagedFileError(
            f"{path}: not a readable PDF ({type(cause).__name__}: {str(cause)[:120] or 'damaged'}); "
            "re-export or re-download it"
        ) from err


def _line(raw: dict[str, Any]) -> Line:
    return Line(str(raw["text"]).strip(), float(raw["x0"]), float(raw["x1"]), float(raw["top"]), float(raw["bottom"]))


def _check_text_layer(path: Path, pages: list[list[Line]]) -> None:
    text = "".join(line.text for lines in pages for line in lines)
    if not text.strip():
        raise NoTextLayerError(f"{path}: no text layer in its {len(pages)} page(s) (scanned?); {_OCR}")
    unmapped = sum(len(m) for m in _UNMAPPED.findall(text))
    if unmapped > len(text) / 2:
        raise NoTextLayerError(f"{path}: its text layer cannot be decoded (fonts without a Unicode map); {_OCR}")


@dataclass(frozen=True)
class Layout:
    """The body's geometry: margins, the size of a character, the ordinary gap between lines."""

    left: float
    right: float
    em: float
    gap: float

    @classmethod
    def of(cls, lines: list[Line]) -> Layout:
        if not lines:
            return cls(0.0, 0.0, 1.0, 0.0)
        starts = [round(line.x0) for line in lines]
        common = [x for x in starts if starts.count(x) >= 2]
        em = median(line.height for line in lines) or 1.0
        margins = cls(float(min(common or starts)), max(line.x1 for line in lines), em, 0.0)
        # The leading is the gap after a wrapped line: on a short page, masthead gaps may outnumber it.
        pairs = [(a, b) for a, b in pairwise(lines) if b.top > a.bottom]
        wrapped = [round(b.top - a.bottom) for a, b in pairs if margins.is_full(a) and margins.alignment(b) == "L"]
        gaps = wrapped or [round(b.top - a.bottom) for a, b in pairs] or [0]
        return cls(margins.left, margins.right, em, float(max(set(gaps), key=gaps.count)))

    def alignment(self, line: Line) -> str:
        """L: at the left margin; I: a first-line indent; C: anything else (centred, right-aligned)."""
        shift = line.x0 - self.left
        return "L" if shift < 0.8 * self.em else "I" if shift <= 4.5 * self.em else "C"

    def is_full(self, line: Line) -> bool:
        """A line that reaches the right margin was wrapped by the layout, not ended by the author."""
        return line.x1 >= self.right - 1.5 * self.em

    def new_paragraph(self, before: Line, line: Line) -> bool:
        wider_gap = line.top - before.bottom > self.gap + 0.4 * self.em
        resized = abs(line.height - before.height) > 0.25 * self.em
        was, now = self.alignment(before), self.alignment(line)
        realigned = now == "I" or (now == "C") != (was == "C")
        return wider_gap or resized or realigned

    def runs_on(self, last: Line, first_of_next: Line) -> bool:
        """The page's last paragraph continues on the next page."""
        return self.is_full(last) and self.alignment(last) != "C" and self.alignment(first_of_next) == "L"

    def page_text(self, lines: list[Line]) -> str:
        """Wrapped lines joined, line breaks kept, paragraphs separated by a blank line."""
        if not lines:
            return ""
        text = lines[0].text
        for before, line in pairwise(lines):
            if self.new_paragraph(before, line):
                text += "\n\n"
            elif self.is_full(before) and self.alignment(before) != "C":
                text += wrap_joiner(before.text, line.text)
            else:
                text += "\n"
            text += line.text
        return text


def _as_text(value: object) -> str | None:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value if isinstance(value, str) else None


def _pdf_date(value: str | None) -> str | None:
    """``D:20250508093000+08'00'`` to ``2025-05-08``."""
    match = re.match(r"^(?:D:)?(\d{4})(\d{2})(\d{2})", value or "")
    return f"{match[1]}-{match[2]}-{match[3]}" if match else None
