"""The briefing as a PDF and as a Word file answers like the text file, and PDF citations name pages.

Both files are made here from the briefing's own text (reportlab with the built-in STSong-Light,
python-docx), indexed with the real model, and asked the foundation's example questions.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from briefqa.runtime import make_builder, make_searcher
from briefqa.settings import Settings
from index.embedding import Embedder
from index.search import Searcher
from ingest.cleaning import clean_text
from tests.briefing_files import Typeset, write_docx, write_pdf
from tests.helpers import BRIEFING, settings_for

pytestmark = pytest.mark.slow

QUESTIONS = ["广州前瞻布局了哪些未来产业？", "天使母基金规模多大？", "这期刊物的责任编辑是谁？", "人体有多少个细胞？"]
TOP = 3
HEAD = "领导学刊  2025年第6期"


def _searcher(settings: Settings, embedder: Embedder) -> Searcher:
    index = make_builder(settings, embedder).current()
    assert index is not None
    return make_searcher(settings, index, embedder)


def _index_of(path: Path, root: Path, embedder: Embedder) -> Settings:
    settings = settings_for(root)
    make_builder(settings, embedder).sync([path])
    return settings


@pytest.fixture(scope="module")
def briefing_text() -> str:
    return clean_text(BRIEFING.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def typeset(tmp_path_factory: pytest.TempPathFactory, briefing_text: str) -> Typeset:
    path = tmp_path_factory.mktemp("files") / "领导学刊-第6期.pdf"
    return write_pdf(briefing_text, path, HEAD, centred=6, title_at=5)


@pytest.fixture(scope="module")
def pdf_settings(tmp_path_factory: pytest.TempPathFactory, real_embedder: Embedder, typeset: Typeset) -> Settings:
    return _index_of(typeset.path, tmp_path_factory.mktemp("pdf-index"), real_embedder)


@pytest.fixture(scope="module")
def searchers(
    tmp_path_factory: pytest.TempPathFactory,
    briefing_settings: Settings,
    pdf_settings: Settings,
    real_embedder: Embedder,
    briefing_text: str,
) -> dict[str, Searcher]:
    docx = write_docx(briefing_text, tmp_path_factory.mktemp("files") / "领导学刊-第6期.docx", HEAD, title_at=5)
    return {
        "txt": _searcher(briefing_settings, real_embedder),
        "pdf": _searcher(pdf_settings, real_embedder),
        "docx": _searcher(_index_of(docx, tmp_path_factory.mktemp("docx-index"), real_embedder), real_embedder),
    }


def _same_text(passage_text: str) -> str:
    """Passage text without layout whitespace and Markdown heading marks (a Word Title is "# ...")."""
    return re.sub(r"\s+", "", re.sub(r"(?m)^#+ ", "", passage_text))


@pytest.mark.parametrize("kind", ["pdf", "docx"])
@pytest.mark.parametrize("question", QUESTIONS)
def test_same_top_passages_as_the_text_file(searchers: dict[str, Searcher], question: str, kind: str):
    expected = [_same_text(h.passage.text) for h in searchers["txt"].search(question, TOP).hits]
    found = [_same_text(h.passage.text) for h in searchers[kind].search(question, TOP).hits]
    print(f"{kind} {question} top-{TOP}: {[t[:16] for t in found]}")
    assert found == expected


@pytest.mark.parametrize("question", QUESTIONS)
def test_pdf_citations_name_the_pages_the_text_was_put_on(
    searchers: dict[str, Searcher], typeset: Typeset, briefing_text: str, question: str
):
    for hit in searchers["pdf"].search(question, TOP).hits:
        passage = hit.passage
        start = briefing_text.index(passage.text)  # where the typesetter had it
        expected = typeset.pages_of(start, start + len(passage.text))
        print(f"{question} rank {hit.rank}: pages {passage.page_start}-{passage.page_end} (typeset {expected})")
        assert (passage.page_start, passage.page_end) == expected


def test_ask_api_cites_pdf_pages(pdf_settings: Settings, real_embedder: Embedder, typeset: Typeset, briefing_text: str):
    from fastapi.testclient import TestClient

    from service.app import create_app

    with TestClient(create_app(pdf_settings, real_embedder, watch=False)) as client:
        body = client.post("/v1/ask", json={"question": "人体有多少个细胞？", "top_k": 1}).json()
    passage = body["passages"][0]
    citation, start = passage["citation"], briefing_text.index(passage["text"])
    assert "50万亿个细胞" in passage["text"]
    assert (citation["page_start"], citation["page_end"]) == typeset.pages_of(start, start + len(passage["text"]))
    assert (citation["publication"], citation["issue"], citation["date"]) == ("领导学刊", "第6期", "2025-05-08")
