"""HTML pages: the article's text, not the site's navigation, header, footer or sidebars.

Uses lxml (BSD-3-Clause, already required by python-docx). The main text is the largest
``<article>``, ``<main>``, ``role="main"`` or content container (government sites' ``TRS_Editor``)
once the page chrome is gone; block elements become paragraphs, ``<h1>``-``<h6>`` Markdown headings,
and ``<meta>`` tags (PubDate, author, ...) the file's properties.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ingest.readers.base import Extracted, Page, useful_properties
from text.cjk import HAN, WIDE_PUNCTUATION

_NEVER_TEXT = ("script", "style", "noscript", "template", "iframe", "svg", "canvas", "form", "button", "select")
_OUTSIDE_ARTICLE = "[not(ancestor::article or ancestor::main)]"
_CHROME = f"//nav | //aside | //header{_OUTSIDE_ARTICLE} | //footer{_OUTSIDE_ARTICLE}"
_MAIN = (
    "//article | //main | //*[@role='main'] | //*[contains(@class, 'TRS_Editor') or contains(@id, 'TRS_Editor')]"
    " | //*[@id='content' or @id='article' or @class='content' or @class='article']"
)
_BLOCKS = {
    *("p", "div", "section", "article", "main", "li", "ul", "ol", "dl", "dt", "dd", "blockquote", "pre"),
    *("table", "tr", "thead", "tbody", "h1", "h2", "h3", "h4", "h5", "h6", "figure", "figcaption"),
    *("address", "header", "footer", "hr", "center"),
}
# A source line break between two Chinese characters or wide punctuation marks is not a space
# (CSS Text: segment breaks).
_WIDE = HAN + WIDE_PUNCTUATION
_CJK_BREAK = re.compile(rf"(?<=[{_WIDE}])\s*\n\s*(?=[{_WIDE}])")
_META = {
    "title": ("articletitle", "og:title", "citation_title", "dc.title"),
    "date": ("pubdate", "publishdate", "article:published_time", "citation_date", "dc.date", "date"),
    "author": ("author", "citation_author", "dc.creator"),
    "publication": ("contentsource", "citation_journal_title"),
}


def read_html(path: Path, data: bytes) -> Extracted:
    """Read the main text of an HTML page and its ``<meta>`` properties."""
    import lxml.html

    markup = _decode(data)
    root = lxml.html.document_fromstring(markup) if markup.strip() else None
    if root is None:
        return Extracted("html", [Page("")])
    properties = _properties(root)
    for element in root.xpath(" | ".join(f"//{tag}" for tag in _NEVER_TEXT)) + root.xpath(_CHROME):
        if element.getparent() is not None:
            element.drop_tree()
    paragraphs: list[str] = []
    _Paragraphs(paragraphs).walk(_main_element(root))
    return Extracted("html", [Page("\n\n".join(paragraphs))], properties=properties)


def _decode(data: bytes) -> str:
    """The page's declared charset, else UTF-8, else GB18030 (older Chinese sites)."""
    declared = re.search(rb"""charset\s*=\s*["']?([\w\-]+)""", data[:4096], re.IGNORECASE)
    for encoding in ([declared.group(1).decode("ascii")] if declared else []) + ["utf-8", "gb18030"]:
        try:
            text = data.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
        return re.sub(r"^\s*<\?xml[^>]*\?>", "", text.lstrip("\ufeff"))
    return data.decode("utf-8", "replace")


def _main_element(root: Any) -> Any:
    """The largest content container holding most of the page's text; else the whole body."""
    body = root.body if root.find("body") is not None else root
    total = len(body.text_content().strip())
    candidates = sorted(root.xpath(_MAIN), key=lambda el: len(el.text_content().strip()), reverse=True)
    if candidates and len(candidates[0].text_content().strip()) >= 0.5 * total:
        return candidates[0]
    return body


class _Paragraphs:
    """Collects the text of block elements as paragraphs; inline elements join their block's text."""

    def __init__(self, out: list[str]) -> None:
        self.out = out
        self.buffer: list[str] = []

    def walk(self, element: Any) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""  # comments have no string tag
        if tag in _BLOCKS:
            self.flush()
        if tag == "br":
            self.buffer.append("\n")
        elif re.fullmatch(r"h[1-6]", tag):
            self.buffer.append("#" * int(tag[1]) + " ")
        if tag and element.text:
            self.buffer.append(_inline(element.text))
        for child in element:
            self.walk(child)
            if child.tail:
                self.buffer.append(_inline(child.tail))
        if tag in ("td", "th"):
            self.buffer.append("  ")
        if tag in _BLOCKS:
            self.flush()

    def flush(self) -> None:
        lines = [line.strip() for line in "".join(self.buffer).split("\n")]
        paragraph = "\n".join(line for line in lines if line)
        if paragraph.strip("# "):
            self.out.append(paragraph)
        self.buffer = []


def _inline(text: str) -> str:
    """Source whitespace as a browser shows it: one space, or none at a line break inside Chinese."""
    return re.sub(r"\s+", " ", _CJK_BREAK.sub("", text))


def _properties(root: Any) -> dict[str, str]:
    metas = {
        (m.get("name") or m.get("property") or "").strip().lower(): m.get("content") or ""
        for m in root.xpath("//meta[@content]")
    }
    found: dict[str, str | None] = {k: next((metas[n] for n in ns if metas.get(n)), None) for k, ns in _META.items()}
    titles = root.xpath("//title")
    found["title"] = found["title"] or (titles[0].text_content() if titles else None)
    date = re.match(r"^\s*(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})", found["date"] or "")
    found["date"] = f"{date[1]}-{int(date[2]):02d}-{int(date[3]):02d}" if date else None
    return useful_properties(found)
