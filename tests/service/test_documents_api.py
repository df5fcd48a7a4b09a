"""Uploads and deletes over real HTTP: searchable when the call returns, gone when deleted, never half-done."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import numpy as np
import pytest

from briefqa.settings import Settings
from index.embedding import Embedder
from index.store import list_versions
from tests.fakes import HashingEmbedder
from tests.helpers import settings_for
from tests.service.harness import ADMIN_KEY, BRIEFING_ID, READ_KEY, error_of, serving

ADMIN = {"Authorization": f"Bearer {ADMIN_KEY}"}
NEW_BRIEFING = """# 海南自贸港简报

2025 年 6 月 20 日

## 离岛免税新政

海南自由贸易港自 2025 年 7 月 1 日起，将离岛旅客每人每年免税购物额度提高到 15 万元，并新增宠物食品、乐器等商品品类。

## 下一步安排

三亚、海口两地将新建 4 家离岛免税店，预计年内全部开业。
"""
NEW_QUESTION = "海南离岛旅客每年免税购物额度是多少？"
BRIEFING_QUESTION = "天使母基金规模多大？"


def _ask(base: str, question: str) -> dict:
    response = httpx.post(base + "/v1/ask", json={"question": question, "top_k": 5}, timeout=60)
    assert response.status_code == 200, response.text
    return response.json()


def _briefing_answer(body: dict) -> tuple:
    """What must not change for the briefing while other documents come and go."""
    answer = body["answer"]
    top = body["passages"][0]
    return answer["text"], answer["doc_id"], answer["start"], top["id"], top["citation"]["start"]


@pytest.fixture
def real_base(briefing_settings: Settings, real_embedder: Embedder, tmp_path: Path) -> Iterator[str]:
    """A server with the real model over a private copy of the real briefing index, writes enabled."""
    data_dir = tmp_path / "data"
    shutil.copytree(briefing_settings.index_dir, data_dir / "index")
    with serving(settings_for(data_dir, admin_key=ADMIN_KEY), real_embedder) as url:
        yield url


@pytest.mark.slow
def test_an_uploaded_briefing_is_cited_until_it_is_deleted(real_base: str) -> None:
    before = _briefing_answer(_ask(real_base, BRIEFING_QUESTION))
    assert "海南" not in str(_ask(real_base, NEW_QUESTION)["passages"])

    uploaded = httpx.post(
        real_base + "/v1/documents",
        files={"file": ("hainan-2025.md", NEW_BRIEFING.encode(), "text/markdown")},
        headers=ADMIN,
        timeout=120,
    )
    assert uploaded.status_code == 201, uploaded.text
    doc_id = uploaded.json()["doc_id"]
    assert doc_id == "hainan-2025" and uploaded.json()["date"] == "2025-06-20"

    found = _ask(real_base, NEW_QUESTION)  # no waiting: searchable when the upload returned
    assert found["passages"][0]["citation"]["doc_id"] == doc_id
    assert found["answer"]["doc_id"] == doc_id and "15万元" in found["answer"]["text"].replace(" ", "")
    assert _briefing_answer(_ask(real_base, BRIEFING_QUESTION)) == before
    listed = httpx.get(real_base + "/v1/documents").json()
    assert {d["doc_id"] for d in listed["documents"]} == {BRIEFING_ID, doc_id}

    deleted = httpx.delete(f"{real_base}/v1/documents/{doc_id}", headers=ADMIN, timeout=60)
    assert deleted.status_code == 204 and deleted.content == b""
    after = _ask(real_base, NEW_QUESTION)
    assert all(p["citation"]["doc_id"] == BRIEFING_ID for p in after["passages"])
    assert "15万元" not in str(after).replace(" ", "")
    assert httpx.get(f"{real_base}/v1/documents/{doc_id}").status_code == 404
    assert _briefing_answer(_ask(real_base, BRIEFING_QUESTION)) == before


@pytest.fixture(scope="module")
def fake_base(fake_briefing_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One server (fake embedder) for this module's upload checks, over its own copy of the index."""
    data_dir = tmp_path_factory.mktemp("uploads") / "data"
    shutil.copytree(fake_briefing_dir, data_dir)
    with serving(settings_for(data_dir, admin_key=ADMIN_KEY, max_upload_bytes=4096), HashingEmbedder()) as url:
        yield url


def _upload(base: str, name: str, data: bytes, headers: dict[str, str] = ADMIN) -> httpx.Response:
    return httpx.post(base + "/v1/documents", files={"file": (name, data, "text/plain")}, headers=headers)


def test_uploading_the_same_file_again_changes_nothing(fake_base: str) -> None:
    first = _upload(fake_base, "hainan.md", NEW_BRIEFING.encode())
    version = httpx.get(fake_base + "/readyz").json()["index_version"]
    again = _upload(fake_base, "hainan.md", NEW_BRIEFING.encode())
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert httpx.get(fake_base + "/readyz").json()["index_version"] == version


def test_a_deleted_document_cannot_be_deleted_twice(fake_base: str) -> None:
    assert _upload(fake_base, "hainan.md", NEW_BRIEFING.encode()).status_code == 201
    assert httpx.delete(fake_base + "/v1/documents/hainan", headers=ADMIN).status_code == 204
    again = httpx.delete(fake_base + "/v1/documents/hainan", headers=ADMIN)
    assert again.status_code == 404 and error_of(again)["code"] == "document_not_found"


@pytest.mark.parametrize(
    ("name", "data", "status", "code"),
    [
        ("report.pdf", b"%PDF-1.7", 415, "unsupported_file"),
        ("../../etc/passwd.md", b"# x\n\ny", 415, "unsupported_file"),
        ("no-suffix", b"text", 415, "unsupported_file"),
        ("gbk.txt", "天使母基金".encode("gbk"), 422, "not_utf8"),
        ("binary.txt", b"abc\x00def", 415, "unsupported_file"),
        ("empty.md", b"  \n\n ", 422, "empty_document"),
        ("huge.txt", "长".encode() * 2000, 413, "too_large"),
    ],
)
def test_bad_uploads_are_refused_and_leave_the_index_alone(
    fake_base: str, name: str, data: bytes, status: int, code: str
) -> None:
    version = httpx.get(fake_base + "/readyz").json()["index_version"]
    listed = httpx.get(fake_base + "/v1/documents").json()
    response = _upload(fake_base, name, data)
    assert response.status_code == status, response.text
    assert error_of(response)["code"] == code
    assert httpx.get(fake_base + "/readyz").json()["index_version"] == version
    assert httpx.get(fake_base + "/v1/documents").json() == listed


def test_a_read_key_cannot_upload(fresh_data_dir: Path) -> None:
    settings = settings_for(fresh_data_dir, api_keys=[READ_KEY], admin_key=ADMIN_KEY)
    with serving(settings, HashingEmbedder()) as base:
        refused = _upload(base, "hainan.md", NEW_BRIEFING.encode(), {"X-API-Key": READ_KEY})
        assert refused.status_code == 401 and error_of(refused)["code"] == "unauthorized"
        assert httpx.get(base + "/v1/documents", headers={"X-API-Key": READ_KEY}).json()["total"] == 1


class FailingEmbedder(HashingEmbedder):
    """Fails half-way through embedding an upload, as a crash or an out-of-memory would."""

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if any("离岛" in t for t in texts):
            raise RuntimeError("embedding failed half-way")
        return super().embed_passages(texts)


def test_an_upload_that_fails_half_way_leaves_the_index_as_it_was(fresh_data_dir: Path) -> None:
    settings = settings_for(fresh_data_dir, admin_key=ADMIN_KEY)
    versions = list_versions(settings.index_dir)
    with serving(settings, FailingEmbedder()) as base:
        version = httpx.get(base + "/readyz").json()["index_version"]
        failed = _upload(base, "hainan.md", NEW_BRIEFING.encode())
        assert failed.status_code == 500
        assert error_of(failed)["code"] == "internal_error" and "Traceback" not in failed.text
        assert httpx.get(base + "/readyz").json()["index_version"] == version
        assert httpx.get(base + "/v1/documents").json()["total"] == 1
        assert httpx.post(base + "/v1/ask", json={"question": NEW_QUESTION}).status_code == 200
    assert list_versions(settings.index_dir) == versions


def test_a_full_disk_is_named_and_the_old_version_keeps_serving(
    fresh_data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno
    import os

    settings = settings_for(fresh_data_dir, admin_key=ADMIN_KEY)
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        if os.readlink(f"/proc/self/fd/{fd}").endswith("manifest.json"):
            raise OSError(errno.ENOSPC, "No space left on device")
        real_fsync(fd)

    with serving(settings, HashingEmbedder()) as base:
        hainan = _upload(base, "hainan.md", NEW_BRIEFING.encode()).json()["doc_id"]
        version = httpx.get(base + "/readyz").json()["index_version"]
        versions = list_versions(settings.index_dir)
        monkeypatch.setattr(os, "fsync", fsync)
        for refused in (
            _upload(base, "second.md", NEW_BRIEFING.replace("海南", "三亚").encode()),
            httpx.delete(f"{base}/v1/documents/{hainan}", headers=ADMIN),
        ):
            assert refused.status_code == 507, refused.text
            error = error_of(refused)
            assert error["code"] == "index_write_failed" and "the disk is full" in error["message"]
            assert f"version {version} is still current" in error["message"]
        monkeypatch.undo()
        assert httpx.get(base + "/readyz").json()["index_version"] == version
        assert httpx.get(base + "/v1/documents").json()["total"] == 2
        assert _ask(base, NEW_QUESTION)["passages"][0]["citation"]["doc_id"] == hainan
    assert list_versions(settings.index_dir) == versions


def test_the_last_document_cannot_be_deleted(fresh_data_dir: Path) -> None:
    settings = settings_for(fresh_data_dir, admin_key=ADMIN_KEY)
    versions = list_versions(settings.index_dir)
    with serving(settings, HashingEmbedder()) as base:
        refused = httpx.delete(f"{base}/v1/documents/{BRIEFING_ID}", headers=ADMIN)
        assert refused.status_code == 409, refused.text
        error = error_of(refused)
        assert error["code"] == "last_document" and "add the replacement first" in error["message"]
        assert httpx.get(base + "/v1/documents").json()["total"] == 1
        assert _ask(base, BRIEFING_QUESTION)["passages"]
    assert list_versions(settings.index_dir) == versions
