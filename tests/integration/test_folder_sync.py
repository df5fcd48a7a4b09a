"""`ingest FOLDER` keeps the index in step with a folder of briefings in mixed formats.

Three issues (the real briefing as text, two small ones made here as Word and PDF files, with their
own dates, issues and publications): filters pick one issue; a deleted file's passages go; an
unchanged re-sync parses and embeds nothing; unreadable PDFs are named, skipped, and change nothing.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import numpy as np
import pytest

from briefqa.runtime import make_builder, make_searcher
from briefqa.settings import Settings
from index.builder import IndexBuilder
from index.search import Filters
from index.store import current_version
from index.sync import SyncReport
from ingest.cleaning import clean_text
from ingest.readers import DamagedFileError, NoTextLayerError
from tests.briefing_files import write_docx, write_pdf, write_scanned_pdf
from tests.fakes import HashingEmbedder
from tests.helpers import BRIEFING, settings_for

ISSUE_7 = """市管重点新型智库

领导学刊

第 7 期
(总第 143 期)

苏州太湖智库 主办

2025 年 6 月 12 日

广州推进低空经济高质量发展

低空经济是以民用有人驾驶和无人驾驶航空器的低空飞行活动为牵引，辐射带动相关领域融合发展的综合性经济形态。

广州出台低空经济发展实施方案，力争到 2027 年低空经济规模达到 1500 亿元，建成低空飞行服务保障体系。

责任编辑：王晓明"""

ISSUE_8 = """科技金融简报

第 8 期

广州市科技金融研究中心 主办

2025 年 7 月 10 日

广州以耐心资本支持人工智能产业

广州设立人工智能产业基金，首期规模 100 亿元，重点投向大模型、智能芯片和具身智能等领域。

基金坚持投早、投小、投长期、投硬科技，带动社会资本共同支持人工智能企业成长。

责任编辑：陈思远"""


class CountingEmbedder(HashingEmbedder):
    """The fake embedder, counting the passages it is asked to embed."""

    def __init__(self) -> None:
        super().__init__()
        self.passages_embedded = 0

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        self.passages_embedded += len(texts)
        return super().embed_passages(texts)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    briefings = tmp_path / "briefings"
    briefings.mkdir()
    shutil.copy(BRIEFING, briefings / "lingdao-xuekan-2025-06.txt")
    write_docx(clean_text(ISSUE_7), briefings / "lingdao-xuekan-2025-07.docx", "领导学刊 2025年第7期", title_at=5)
    write_pdf(clean_text(ISSUE_8), briefings / "keji-jinrong-2025-08.pdf", "科技金融简报", centred=5, title_at=4)
    return briefings


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return settings_for(tmp_path / "var")


def _synced(settings: Settings, embedder: CountingEmbedder, folder: Path) -> tuple[IndexBuilder, SyncReport]:
    builder = make_builder(settings, embedder)
    report = builder.sync([folder])
    print(report.summary())
    return builder, report


def test_folder_of_three_formats_is_indexed_with_each_issue_metadata(settings: Settings, folder: Path):
    builder, report = _synced(settings, CountingEmbedder(), folder)
    assert sorted(report.added) == ["keji-jinrong-2025-08", "lingdao-xuekan-2025-06", "lingdao-xuekan-2025-07"]
    index = builder.current()
    assert index is not None
    found = {d.doc_id: (d.publication, d.issue, d.date, d.metadata["format"]) for d in index.documents.values()}
    assert found == {
        "lingdao-xuekan-2025-06": ("领导学刊", "第6期", "2025-05-08", "text"),
        "lingdao-xuekan-2025-07": ("领导学刊", "第7期", "2025-06-12", "docx"),
        "keji-jinrong-2025-08": ("科技金融简报", "第8期", "2025-07-10", "pdf"),
    }
    assert index.documents["lingdao-xuekan-2025-07"].metadata["editor"] == "王晓明"


def test_date_filter_restricts_answers_to_one_issue(settings: Settings, folder: Path):
    embedder = CountingEmbedder()
    builder, _ = _synced(settings, embedder, folder)
    index = builder.current()
    assert index is not None
    searcher = make_searcher(settings, index, embedder)
    question = "广州的产业规模目标是多少亿元？"
    # Deep enough to reach every passage of the three small issues, whatever the fusion ranks first.
    everywhere = {h.passage.doc_id for h in searcher.search(question, 30).hits}
    june = searcher.search(question, 10, filters=Filters(date_from="2025-06-01", date_to="2025-06-30")).hits
    assert len(everywhere) == 3
    assert june and {h.passage.doc_id for h in june} == {"lingdao-xuekan-2025-07"}


def test_ask_api_filters_by_date_range_and_publication(settings: Settings, folder: Path):
    from fastapi.testclient import TestClient

    from service.app import create_app

    embedder = CountingEmbedder()
    _synced(settings, embedder, folder)
    with TestClient(create_app(settings, embedder, watch=False)) as client:

        def cited(filters: dict[str, str]) -> set[tuple[str, str]]:
            body = {"question": "广州的产业规模目标是多少亿元？", "top_k": 20, "filters": filters}
            response = client.post("/v1/ask", json=body)
            assert response.status_code == 200, response.text
            return {(p["citation"]["issue"], p["citation"]["date"]) for p in response.json()["passages"]}

        assert cited({"date_from": "2025-06-01", "date_to": "2025-06-30"}) == {("第7期", "2025-06-12")}
        assert cited({"publication": "科技金融简报"}) == {("第8期", "2025-07-10")}
        assert {issue for issue, _ in cited({"publication": "领导学刊"})} == {"第6期", "第7期"}


def test_unchanged_resync_parses_and_embeds_nothing(settings: Settings, folder: Path, monkeypatch: pytest.MonkeyPatch):
    import index.sync

    embedder = CountingEmbedder()
    first_builder, first = _synced(settings, embedder, folder)
    first_embedded = embedder.passages_embedded
    parsed: list[Path] = []
    reading = index.sync.read_document

    def counted(path: Path, *args: object, **kwargs: object) -> object:
        parsed.append(path)
        return reading(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(index.sync, "read_document", counted)
    started = time.perf_counter()
    _, again = _synced(settings, embedder, folder)
    took = time.perf_counter() - started
    print(
        f"first sync: {first_embedded} passages embedded; unchanged re-sync: {again.embedded_passages} passages "
        f"embedded (embedder asked for {embedder.passages_embedded - first_embedded}), {len(parsed)} files parsed, "
        f"{took * 1000:.0f} ms"
    )
    assert first_embedded == first.embedded_passages + first.embedded_sentences  # one pass, each text once
    assert first.embedded_passages > 0 and first.embedded_sentences > 0
    assert (again.embedded_passages, embedder.passages_embedded - first_embedded, parsed) == (0, 0, [])
    assert sorted(again.unchanged) == sorted(first.added) and again.version is None
    assert current_version(first_builder.root) == first.version


def test_changed_file_is_reingested_alone(settings: Settings, folder: Path):
    embedder = CountingEmbedder()
    _synced(settings, embedder, folder)
    longer = ISSUE_8 + "\n\n报：市科技局。"
    longer = longer.replace("责任编辑：陈思远\n\n报：市科技局。", "报：市科技局。\n\n责任编辑：陈思远")
    write_pdf(clean_text(longer), folder / "keji-jinrong-2025-08.pdf", "科技金融简报", centred=5, title_at=4)
    builder, report = _synced(settings, embedder, folder)
    index = builder.current()
    assert index is not None
    assert report.changed == ["keji-jinrong-2025-08"] and len(report.unchanged) == 2
    assert report.embedded_passages == len([p for p in index.passages if p.doc_id == "keji-jinrong-2025-08"])


def test_deleted_file_is_removed_on_resync(settings: Settings, folder: Path):
    embedder = CountingEmbedder()
    _synced(settings, embedder, folder)
    (folder / "lingdao-xuekan-2025-07.docx").unlink()
    builder, report = _synced(settings, embedder, folder)
    index = builder.current()
    assert index is not None
    assert report.removed == ["lingdao-xuekan-2025-07"] and report.embedded_passages == 0
    assert "lingdao-xuekan-2025-07" not in index.documents
    assert all(p.doc_id != "lingdao-xuekan-2025-07" for p in index.passages)
    june = make_searcher(settings, index, embedder).search("低空经济", 10, filters=Filters(date_from="2025-06-01"))
    assert {h.passage.doc_id for h in june.hits} == {"keji-jinrong-2025-08"}


def test_unreadable_pdfs_in_a_folder_are_named_and_skipped(settings: Settings, folder: Path):
    embedder = CountingEmbedder()
    builder, first = _synced(settings, embedder, folder)
    write_scanned_pdf(folder / "scan.pdf")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 8)
    _, report = _synced(settings, embedder, folder)
    assert len(report.skipped) == 2
    broken, scan = sorted(report.skipped)
    assert "broken.pdf: not a readable PDF" in broken and broken.endswith("— skipped")
    assert "scan.pdf: no text layer" in scan and "run OCR first" in scan
    assert "2 skipped" in report.summary()
    assert report.version is None and current_version(builder.root) == first.version  # the index as it was


@pytest.mark.parametrize("name", ["scan.pdf", "broken.pdf"])
def test_unreadable_pdf_named_alone_stops_the_ingest_and_leaves_the_index(settings: Settings, folder: Path, name: str):
    embedder = CountingEmbedder()
    builder, first = _synced(settings, embedder, folder)
    bad = folder.parent / name
    if name == "scan.pdf":
        write_scanned_pdf(bad)
    else:
        bad.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 8)
    with pytest.raises((NoTextLayerError, DamagedFileError), match=name):
        builder.sync([folder.parent / "briefings", bad])
    assert current_version(builder.root) == first.version


def test_a_file_damaged_since_the_last_sync_keeps_its_indexed_version(settings: Settings, folder: Path):
    embedder = CountingEmbedder()
    _synced(settings, embedder, folder)
    (folder / "keji-jinrong-2025-08.pdf").write_bytes(b"%PDF-1.4\ntruncated")
    builder, report = _synced(settings, embedder, folder)
    index = builder.current()
    assert index is not None
    assert len(report.skipped) == 1 and report.removed == [] and "keji-jinrong-2025-08" in index.documents


def test_the_same_file_from_a_second_folder_is_indexed_and_named(settings: Settings, folder: Path, tmp_path: Path):
    copy = tmp_path / "copy"
    copy.mkdir()
    shutil.copy(folder / "lingdao-xuekan-2025-06.txt", copy / "lingdao-xuekan-2025-06.txt")
    embedder = CountingEmbedder()
    _synced(settings, embedder, folder)
    _, report = _synced(settings, embedder, copy)
    [added] = report.added
    assert added.startswith("lingdao-xuekan-2025-06-") and len(report.repeated) == 1
    note = report.repeated[0]
    assert f"{added} ({copy / 'lingdao-xuekan-2025-06.txt'})" in note and "lingdao-xuekan-2025-06 (" in note
    assert note in report.summary() and "--sync" in note
    _, again = _synced(settings, embedder, copy)
    assert again.repeated == [] and not again.changes  # told once, when it is added
