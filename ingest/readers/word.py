"""Word .docx: body paragraphs and tables in order; heading styles become Markdown headings.

Uses python-docx (MIT). A heading style is the author's own statement of structure, so it is
written the way a Markdown briefing would write it ("# " for the Title style, "## " for Heading 1,
"### " for Heading 2, ...), which ``ingest.structure`` already reads as the title and sections.
Page headers and footers live in their own parts of the file: they never reach the text and are
kept as the running heads.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

from ingest.readers.base import Extracted, Page, useful_properties
from ingest.readers.errors import DamagedFileError, EncryptedFileError

_HEADING = re.compile(r"^(?:heading|标题)\s*(\d)$", re.IGNORECASE)
_TITLE_STYLES = {"title", "标题"}


def read_docx(path: Path, data: bytes) -> Extracted:
    """Read a .docx file's body (paragraphs, tables) and its properties.

    Raises:
        EncryptedFileError: a password-protected Word file (an OLE container, not a zip).
        DamagedFileError: not a zip, or a zip without a Word document, or unreadable XML.
    """
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise EncryptedFileError(
            f"{path}: an old binary .doc or a password-protected .docx; save it as an unprotected .docx"
        )
    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError, PackageNotFoundError) as err:
        raise DamagedFileError(f"{path}: not a readable Word .docx file ({err}); re-save it from Word") from err
    except Exception as err:  # XML errors of a damaged part come in many types
        raise DamagedFileError(f"{path}: damaged Word file ({type(err).__name__}); re-save it from Word") from err
    blocks = [_block_text(block) for block in document.iter_inner_content()]
    text = "\n\n".join(b for b in blocks if b.strip())
    return Extracted("docx", [Page(text)], paged=False, properties=_properties(document))


def _block_text(block: Any) -> str:
    """A paragraph (with its heading marker) or a table (one line per row, cells split by spaces)."""
    if hasattr(block, "rows"):
        return "\n".join("  ".join(_cell_text(cell) for cell in _unique_cells(row)) for row in block.rows)
    level = heading_level(block.style.name if block.style is not None else "")
    text = block.text.strip()
    return f"{'#' * level} {text}" if level and text else text


def _unique_cells(row: Any) -> list[Any]:
    """A merged cell appears once per grid column it spans; keep it once."""
    seen: list[Any] = []
    for cell in row.cells:
        if not any(cell._tc is other._tc for other in seen):
            seen.append(cell)
    return seen


def _cell_text(cell: Any) -> str:
    return " ".join(p.text.strip() for p in cell.paragraphs if p.text.strip())


def heading_level(style_name: str) -> int:
    """How many "#" a style is worth: 1 for Title, n + 1 for "Heading n" (标题 n in Word's Chinese
    UI), 0 for body styles. A lone "#" is the title to ``ingest.structure``, so headings start at two."""
    name = style_name.strip().lower()
    if name in _TITLE_STYLES:
        return 1
    match = _HEADING.match(name)
    return int(match.group(1)) + 1 if match else 0


def _properties(document: Any) -> dict[str, str]:
    core = document.core_properties
    heads: list[str] = []
    for section in document.sections:
        for part in (section.header, section.first_page_header, section.footer, section.first_page_footer):
            if part.is_linked_to_previous:
                continue
            for paragraph in part.paragraphs:
                line = paragraph.text.strip()
                if line and line not in heads:
                    heads.append(line)
    return useful_properties(
        {
            "title": core.title,
            "author": core.author,
            "file_created": core.created.date().isoformat() if core.created else None,
            "running_headers": "\n".join(heads),
        }
    )
