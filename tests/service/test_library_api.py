"""What the library view and the document view read: summaries (issue, format, passages), outlines and pages."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from ingest.documents import Document
from service.library import document_format
from tests.fakes import HashingEmbedder
from tests.helpers import settings_for

# Names the pipeline gives to parts without a heading of their own (ingest.structure).
NAMED_PARTS = {"刊头", "导语", "文末信息"}


@pytest.fixture(scope="module")
def client(fake_library_dir: Path) -> Iterator[TestClient]:
    from service.app import create_app

    with TestClient(create_app(settings_for(fake_library_dir), HashingEmbedder(), watch=False)) as client:
        yield client


def _all_documents(client: TestClient) -> list[dict]:
    first = client.get("/v1/documents", params={"limit": 100}).json()
    assert first["total"] == len(first["documents"])
    return first["documents"]  # type: ignore[no-any-return]


def test_every_document_is_listed_with_its_issue_format_and_passage_count(client: TestClient):
    documents = _all_documents(client)
    assert len(documents) == 9
    by_id = {d["doc_id"]: d for d in documents}
    briefing = by_id["lingdao-xuekan-2025-06"]
    assert (briefing["publication"], briefing["issue"], briefing["issue_total"]) == ("领导学刊", "第6期", "总第142期")
    assert briefing["format"] == "txt" and briefing["page_count"] is None
    assert by_id["juece-cankao-2024-03"]["issue_total"] == "总第57期"
    assert by_id["lingdao-xuekan-2025-07"]["page_count"] == 3  # pdftotext form feeds: three printed pages
    for doc in documents:
        sections = len(client.get(f"/v1/documents/{doc['doc_id']}").json()["sections"])
        assert doc["passages"] >= sections > 0  # a section holds one passage or more
    assert {d["publication"] for d in documents} == {"领导学刊", "决策参考"}


def test_the_list_pages_at_most_a_hundred(client: TestClient):
    assert client.get("/v1/documents", params={"limit": 101}).status_code == 422
    page = client.get("/v1/documents", params={"limit": 4, "offset": 8}).json()
    assert page["total"] == 9 and len(page["documents"]) == 1


def test_the_outline_starts_each_section_at_its_heading_in_reading_order(client: TestClient):
    doc = client.get("/v1/documents/juece-cankao-2025-03").json()
    sections = doc["sections"]
    assert [s["title"] for s in sections[:3]] == ["刊头", "导语", "一、广州低空经济的发展态势"]
    assert sections[-1]["title"] == "文末信息"
    starts = [s["start"] for s in sections]
    assert starts == sorted(starts) and starts[0] == 0
    for section in sections:
        assert section["end"] > section["start"]
        if section["title"] not in NAMED_PARTS:
            assert doc["text"][section["start"] :].startswith(section["heading"]), section
    nested = next(s for s in sections if s["heading"] == "（一）飞行汽车成为突出亮点")
    assert nested["level"] == 1 and nested["title"] == "一、广州低空经济的发展态势 › （一）飞行汽车成为突出亮点"


def test_a_paged_document_gives_its_pages_and_the_page_of_each_section(client: TestClient):
    doc = client.get("/v1/documents/lingdao-xuekan-2025-07").json()
    pages = doc["pages"]
    assert [p["page"] for p in pages] == [1, 2, 3] and pages[0]["start"] == 0
    for section in doc["sections"]:
        holding = max(p["page"] for p in pages if p["start"] <= section["start"])
        assert section["page"] == holding, section
    assert {s["page"] for s in doc["sections"]} == {1, 2, 3}
    unpaged = client.get("/v1/documents/lingdao-xuekan-2025-06").json()
    assert unpaged["pages"] == [] and {s["page"] for s in unpaged["sections"]} == {None}


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("/data/briefings/x.txt", "txt"),
        ("upload:hainan-2025.md", "md"),
        ("/srv/in/Report.PDF", "pdf"),
        ("C:\\in\\memo.docx", "docx"),
        ("/srv/in/page.htm", "html"),
    ],
)
def test_the_format_is_the_source_suffix(source: str, expected: str):
    assert document_format(Document("d", source, "", "正文", "标题")) == expected


def test_without_a_suffix_the_format_is_what_ingest_read():
    assert document_format(Document("d", "beir:cmrc", "", "正文", "标题", metadata={"format": "pdf"})) == "pdf"
