"""Readers: PDF (pages, running heads), DOCX (styles, headers), HTML (main text), text with form feeds;
the format chosen by content; files that cannot be read reported by name with what to do."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ingest.chunking import ChunkSettings
from ingest.cleaning import clean_text
from ingest.pipeline import find_sources, read_document
from ingest.readers import DamagedFileError, EncryptedFileError, IngestError, NoTextLayerError
from ingest.readers.pages import find_running_lines, page_at
from tests.briefing_files import Typeset, paragraph_spans, write_docx, write_pdf, write_scanned_pdf
from tests.helpers import BRIEFING

HEAD = "领导学刊  2025年第6期"
CHUNKING = ChunkSettings()


@pytest.fixture(scope="module")
def briefing_text() -> str:
    return clean_text(BRIEFING.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def typeset(tmp_path_factory: pytest.TempPathFactory, briefing_text: str) -> Typeset:
    return write_pdf(briefing_text, tmp_path_factory.mktemp("pdf") / "领导学刊-第6期.pdf", HEAD, centred=6, title_at=5)


def test_pdf_gives_back_the_text_it_was_typeset_from(typeset: Typeset, briefing_text: str):
    document = read_document(typeset.path, CHUNKING).document
    assert typeset.pages >= 3
    assert document.text == briefing_text
    assert "- 2 -" not in document.text and "2025年第6期" not in document.text  # running heads are gone...
    assert document.metadata["running_headers"] == "领导学刊 2025年第6期"  # ...but kept
    assert document.metadata["format"] == "pdf" and document.metadata["page_count"] == str(typeset.pages)


def test_paragraphs_cut_by_page_breaks_are_whole_again(typeset: Typeset, briefing_text: str):
    cut = [(s, e) for s, e in paragraph_spans(briefing_text) if typeset.page_of[s] != typeset.page_of[e - 1]]
    assert cut, "the typesetting should cut at least one paragraph across pages"
    document = read_document(typeset.path, CHUNKING).document
    for start, end in cut:
        assert briefing_text[start:end] in document.text.split("\n\n")


def test_every_character_keeps_the_page_it_was_printed_on(typeset: Typeset, briefing_text: str):
    document = read_document(typeset.path, CHUNKING).document
    wrong = [i for i, c in enumerate(briefing_text) if c != "\n" and page_at(document.pages, i) != typeset.page_of[i]]
    assert wrong == []


def test_pdf_passages_carry_their_page_range(typeset: Typeset):
    passages = read_document(typeset.path, CHUNKING).passages
    assert all(p.page_start is not None for p in passages)
    assert [(p.page_start, p.page_end) for p in passages] == [typeset.pages_of(p.start, p.end) for p in passages]
    assert any(p.page_start != p.page_end for p in passages)  # one passage straddles a page break
    assert passages[-1].page_end == typeset.pages


def test_docx_paragraphs_become_the_same_text_and_the_title_style_the_title(tmp_path: Path, briefing_text: str):
    path = write_docx(briefing_text, tmp_path / "briefing.docx", HEAD, title_at=5)
    document = read_document(path, CHUNKING).document
    assert document.text == briefing_text.replace("\n广州加快布局未来产业", "\n# 广州加快布局未来产业")
    assert document.title == "广州加快布局未来产业 蓄能产业未来发展"
    assert (document.issue, document.date, document.metadata["editor"]) == ("第6期", "2025-05-08", "柴永鹏")
    assert document.metadata["running_headers"] == "领导学刊 2025年第6期"
    assert document.metadata["author"] == "苏州太湖智库"
    assert document.pages == [] and all(p.page_start is None for p in read_document(path, CHUNKING).passages)


def test_docx_heading_styles_become_sections(tmp_path: Path):
    import docx

    word = docx.Document()
    word.add_paragraph("科技金融简报", style="Title")
    word.add_paragraph("2025年6月12日")
    word.add_paragraph("基金布局", style="Heading 1")
    word.add_paragraph("天使母基金规模达到100亿元，投早投小投长期投硬科技。" * 2)
    word.add_paragraph("场景开放", style="Heading 2")
    word.add_paragraph("广州持续释放场景资源，支持概念验证中心建设。" * 2)
    word.save(str(tmp_path / "jinrong.docx"))
    passages = read_document(tmp_path / "jinrong.docx", CHUNKING).passages
    sections = {p.section for p in passages if p.kind == "body"}
    assert {"基金布局", "基金布局 › 场景开放"} <= sections


def test_html_keeps_the_article_and_drops_navigation(tmp_path: Path):
    page = tmp_path / "article.html"
    page.write_text(
        """<!DOCTYPE html><html><head><meta charset="utf-8"><title>广州布局未来产业 - 智库网</title>
        <meta name="PubDate" content="2025-05-08 09:00"><meta name="author" content="柴永鹏">
        <script>var menu = "首页导航";</script></head><body>
        <header><nav><a>首页</a><a>智库动态</a></nav></header><aside>热门文章推荐</aside>
        <article><h1>广州加快布局未来产业</h1>
        <p>未来产业是指由前沿技术驱动，当前处于孕育萌发阶段或产业化初期，
        具有显著战略性的前瞻性新兴产业。</p>
        <h2>一、科技金融</h2><p>广州着力加强<b>100亿元</b>规模的天使母基金战略协同。</p></article>
        <footer>版权所有 苏州太湖智库网</footer></body></html>""",
        encoding="utf-8",
    )
    ingested = read_document(page, CHUNKING)
    text = ingested.document.text
    for chrome in ("首页", "智库动态", "热门文章", "版权所有", "menu"):
        assert chrome not in text
    assert "产业化初期，具有显著战略性" in text  # a source line break inside Chinese is no space
    assert "100亿元规模的天使母基金" in text
    assert ingested.document.title == "广州加快布局未来产业"
    assert (ingested.document.date, ingested.document.metadata["author"]) == ("2025-05-08", "柴永鹏")
    assert any(p.section == "一、科技金融" for p in ingested.passages)


def test_text_with_form_feeds_is_paged_and_loses_its_running_heads(tmp_path: Path):
    pages = [
        "领导学刊 第6期\n\n未来产业是指由前沿技术驱动，当前处于孕育萌发阶段或产业化初期，具有显著战略性、\n\n- 1 -",
        "领导学刊 第6期\n\n引领性、颠覆性和不确定性的前瞻性新兴产业。\n\n广州前瞻布局6个未来产业。\n\n- 2 -",
        "领导学刊 第6期\n\n责任编辑：柴永鹏\n\n- 3 -",
    ]
    (tmp_path / "paged.txt").write_text("\f".join(pages), encoding="utf-8")
    ingested = read_document(tmp_path / "paged.txt", CHUNKING)
    text = ingested.document.text
    assert text.startswith("未来产业是指") and "- 2 -" not in text and "领导学刊" not in text
    assert "具有显著战略性、引领性、颠覆性" in text  # the page break inside the sentence is repaired
    assert ingested.document.metadata["running_headers"] == "领导学刊 第6期"
    starts = [text.index(s) for s in ("未来产业是指", "引领性", "广州", "责任编辑")]
    assert [page_at(ingested.document.pages, start) for start in starts] == [1, 2, 2, 3]


def test_running_heads_must_repeat_at_a_page_edge():
    pages = [["市管重点新型智库", "正文一", "1"], ["领导学刊", "正文二", "正文三", "2"], ["领导学刊", "正文四", "3"]]
    found = find_running_lines(pages)
    assert found.dropped == [{2}, {0, 3}, {0, 2}] and found.heads == ["领导学刊"]


def test_scanned_pdf_is_reported_as_needing_ocr(tmp_path: Path):
    with pytest.raises(NoTextLayerError, match=r"scan\.pdf: no text layer .*\(scanned\?\); run OCR first"):
        read_document(write_scanned_pdf(tmp_path / "scan.pdf"), CHUNKING)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"%PDF-1.4\n" + bytes(range(256)) * 8, "not a readable PDF"),
        (b"<!DOCTYPE html><html><body>404 Not Found</body></html>", "not a PDF file (it is an HTML page)"),
    ],
)
def test_damaged_pdf_is_reported_with_what_to_do(tmp_path: Path, content: bytes, expected: str):
    (tmp_path / "broken.pdf").write_bytes(content)
    with pytest.raises(DamagedFileError, match=re.escape(expected)) as caught:
        read_document(tmp_path / "broken.pdf", CHUNKING)
    assert "broken.pdf" in str(caught.value) and "re-download" in str(caught.value)


def test_truncated_pdf_is_damaged(tmp_path: Path, typeset: Typeset):
    data = typeset.path.read_bytes()
    (tmp_path / "half.pdf").write_bytes(data[: len(data) // 2])
    with pytest.raises(DamagedFileError, match=r"half\.pdf: not a readable PDF"):
        read_document(tmp_path / "half.pdf", CHUNKING)


def test_password_protected_pdf_asks_for_an_unprotected_copy(tmp_path: Path):
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(tmp_path / "locked.pdf"), encrypt=StandardEncryption("secret"))
    pdf.drawString(72, 700, "briefing")
    pdf.save()
    with pytest.raises(EncryptedFileError, match=r"locked\.pdf: the PDF is password-protected"):
        read_document(tmp_path / "locked.pdf", CHUNKING)


def test_content_decides_the_format_before_the_name(tmp_path: Path, typeset: Typeset):
    misnamed = tmp_path / "download.txt"
    misnamed.write_bytes(typeset.path.read_bytes())
    assert read_document(misnamed, CHUNKING).document.metadata["format"] == "pdf"
    (tmp_path / "not-word.docx").write_bytes("未来产业".encode())
    with pytest.raises(DamagedFileError, match="not a DOCX file"):
        read_document(tmp_path / "not-word.docx", CHUNKING)


def test_folders_pass_over_hidden_and_word_lock_files(tmp_path: Path):
    for name in ("a.pdf", "b.docx", "c.html", "d.md", "~$b.docx", ".e.txt", "f.pptx"):
        (tmp_path / name).write_bytes(b"x")
    assert [p.name for p in find_sources([tmp_path])] == ["a.pdf", "b.docx", "c.html", "d.md"]


def test_a_date_in_the_file_name_is_used_when_the_text_has_none(tmp_path: Path):
    path = tmp_path / "简报-2025-07-10.md"
    path.write_text("# 科技金融简报\n\n广州着力加强100亿元规模的天使母基金战略协同，投早投小投长期。", encoding="utf-8")
    assert read_document(path, CHUNKING).document.date == "2025-07-10"


def test_empty_file_is_reported(tmp_path: Path):
    (tmp_path / "empty.pdf").write_bytes(b"")
    with pytest.raises(IngestError, match=r"empty\.pdf: file is empty"):
        read_document(tmp_path / "empty.pdf", CHUNKING)


def test_one_page_pdf_keeps_its_masthead_lines_apart(tmp_path: Path):
    text = clean_text(
        "科技金融简报\n\n第 8 期\n\n广州市科技金融研究中心 主办\n\n2025 年 7 月 10 日\n\n"
        "广州以耐心资本支持人工智能产业\n\n"
        "广州设立人工智能产业基金，首期规模 100 亿元，重点投向大模型、智能芯片和具身智能等领域。\n\n责任编辑：陈思远"
    )
    typeset = write_pdf(text, tmp_path / "short.pdf", "科技金融简报", centred=5, title_at=4)
    document = read_document(typeset.path, CHUNKING).document
    assert typeset.pages == 1 and document.text == text
    assert (document.publication, document.issue, document.date) == ("科技金融简报", "第8期", "2025-07-10")
