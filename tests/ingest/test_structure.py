from ingest.cleaning import clean_text
from ingest.metadata import extract_metadata
from ingest.structure import blocks
from tests.helpers import BRIEFING


def _briefing():
    text = clean_text(BRIEFING.read_text(encoding="utf-8"))
    return text, blocks(text)


def test_masthead_and_footer_become_metadata():
    text, parts = _briefing()
    meta = extract_metadata(text, parts)
    assert meta["publication"] == "领导学刊"
    assert meta["issue"] == "第6期"
    assert meta["issue_total"] == "总第142期"
    assert meta["date"] == "2025-05-08"
    assert meta["publisher"] == "苏州太湖书院 苏州太湖智库"
    assert meta["title"] == "广州加快布局未来产业 蓄能产业未来发展"
    assert meta["editor"] == "柴永鹏"
    assert meta["print_run"] == "70份"
    assert meta["address"].startswith("苏州市吴中区")


def test_yi_shi_er_shi_paragraphs_open_sections():
    _, parts = _briefing()
    sections = [b.section for b in parts if b.role == "body"]
    assert sections[0] == "导语"
    assert "一是对接国家战略立足广州所能" in sections
    assert any(s and s.startswith("三是科技金融赋能") for s in sections)


def test_numbered_headings_nest():
    text = "标题\n\n" + "\n\n".join(
        [
            "一、总体要求",
            "（一）加强统筹。这是一段正文内容，说明统筹的要求和做法，足够长。",
            "二、保障措施",
            "正文内容在这里，说明保障措施的具体安排，足够长。",
        ]
    )
    parts = blocks(clean_text(text))
    body = [b.section for b in parts if b.role == "body"]
    assert body == ["一、总体要求", "一、总体要求 › （一）加强统筹", "二、保障措施", "二、保障措施"]


def test_text_without_masthead_is_all_body():
    text = "未来产业是指由前沿技术驱动的新兴产业，具有战略性。它正在成为新引擎。"
    parts = blocks(text)
    assert [b.role for b in parts] == ["body"]
    assert extract_metadata(text, parts) == {}
