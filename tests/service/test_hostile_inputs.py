"""Hostile inputs against the real server over real HTTP: never a 5xx, always the error shape, never long.

Each row is (what is sent, the status expected). Every response must be below 500; every error
must be exactly ``{"error": {"code", "message"}}``, at most 2 KB, quoting none of a long input.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.fakes import HashingEmbedder
from tests.helpers import settings_for
from tests.service.harness import ADMIN_KEY, error_of, serving

JSON = {"Content-Type": "application/json"}
ADMIN = {"X-API-Key": ADMIN_KEY}
LONG_QUESTION = "天使母基金规模多大？" * 10_000  # 100,000 characters, about 300 KB
PAGE_OF_QUESTION = "广州的未来产业" * 100  # 700 characters: under the body limit, over the question limit


@dataclass(frozen=True)
class Hostile:
    method: str
    path: str
    status: int
    json: Any = None
    content: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    files: dict[str, tuple[str, bytes, str]] | None = None
    echo_guard: str = ""  # a long input: no error message may contain a 60-character piece of it


def ask(body: Any, status: int, echo_guard: str = "") -> Hostile:
    return Hostile("POST", "/v1/ask", status, json=body, echo_guard=echo_guard)


def raw(content: bytes, status: int, content_type: str | None = "application/json") -> Hostile:
    return Hostile(
        "POST", "/v1/ask", status, content=content, headers={"Content-Type": content_type} if content_type else {}
    )


def get(path: str, status: int) -> Hostile:
    return Hostile("GET", path, status)


def upload(name: str, data: bytes, status: int) -> Hostile:
    return Hostile("POST", "/v1/documents", status, headers=ADMIN, files={"file": (name, data, "text/plain")})


CASES = {
    # questions
    "100,000-character question": ask({"question": LONG_QUESTION}, 413, LONG_QUESTION),
    "100,000-character question, chunked": Hostile("POST", "/v1/ask", 413, content=b"chunked", headers=JSON),
    "question over the length limit": ask({"question": PAGE_OF_QUESTION}, 422, PAGE_OF_QUESTION),
    "empty question": ask({"question": ""}, 422),
    "blank question": ask({"question": " \t\n　"}, 422),
    "null question": ask({"question": None}, 422),
    "number as question": ask({"question": 42}, 422),
    "list as question": ask({"question": ["天使", "母基金"]}, 422),
    "no question": ask({"top_k": 3}, 422),
    "lone surrogate": raw(b'{"question": "\\ud800\\udfff\\ud83d"}', 422),
    "control characters around a question": ask({"question": "\u0000天使\u0007母基金\u001b[31m规模？\u007f"}, 200),
    "only control characters": ask({"question": "\u0000\u0001\u0002\u0008"}, 422),
    "zero-width and bidi characters": ask({"question": "天\u200b使\u202e母基金\ufeff规模"}, 200),
    "emoji": ask({"question": "🚀🔥天使母基金💰有多大？👍🏽"}, 200),
    "only emoji": ask({"question": "🤔🤔🤔"}, 200),
    "Japanese": ask({"question": "広州の未来産業にはどんな分野がありますか？"}, 200),
    "English": ask({"question": "How large is the angel fund of funds in Guangzhou?"}, 200),
    "traditional Chinese": ask({"question": "天使母基金規模多大？"}, 200),
    "SQL and HTML": ask({"question": "'; DROP TABLE passages; -- <script>alert(1)</script>"}, 200),
    # top_k and mode
    "top_k true": ask({"question": "天使母基金", "top_k": True}, 422),
    'top_k "5"': ask({"question": "天使母基金", "top_k": "5"}, 422),
    "top_k 2.5": ask({"question": "天使母基金", "top_k": 2.5}, 422),
    "top_k 5.0 (a JSON Schema integer)": ask({"question": "天使母基金", "top_k": 5.0}, 200),
    "huge top_k": ask({"question": "天使母基金", "top_k": 10**30}, 422),
    "negative top_k": ask({"question": "天使母基金", "top_k": -1}, 422),
    "zero top_k": ask({"question": "天使母基金", "top_k": 0}, 422),
    "top_k NaN": raw(b'{"question": "a", "top_k": NaN}', 422),
    "top_k with 5,000 digits": raw(b'{"question": "a", "top_k": 1' + b"0" * 5000 + b"}", 400),
    "unknown mode": ask({"question": "天使母基金", "mode": "HYBRID"}, 422),
    # unknown fields and filters
    "unknown field": ask({"question": "天使母基金", "debug": True}, 422),
    "unknown field with a huge name": ask({"question": "天使母基金", "x" * 5000: 1}, 422, "x" * 5000),
    "unknown filter": ask({"question": "天使母基金", "filters": {"author": "张三"}}, 422),
    "filters not an object": ask({"question": "天使母基金", "filters": "领导学刊"}, 422),
    "traversal doc id in filters": ask({"question": "a", "filters": {"doc_ids": ["../../etc/passwd"]}}, 422),
    "absolute doc id in filters": ask({"question": "a", "filters": {"doc_ids": ["/etc/passwd"]}}, 422),
    "NUL doc id in filters": ask({"question": "a", "filters": {"doc_ids": ["a\u0000b"]}}, 422),
    "101 doc ids": ask({"question": "a", "filters": {"doc_ids": [f"d{i}" for i in range(101)]}}, 422),
    "date with SQL": ask({"question": "a", "filters": {"date_from": "2025-01-01' OR 1=1"}}, 422),
    "long publication": ask({"question": "a", "filters": {"publication": "领导学刊" * 100}}, 422, "领导学刊" * 100),
    # bodies and content types
    "invalid UTF-8 body": raw(b'{"question": "\xff\xfe\xfd"}', 400),
    "Latin-1 body": raw('{"question": "café"}'.encode("latin-1"), 400),
    "malformed JSON": raw(b'{"question": "a",', 422),
    "JSON array": raw('["天使母基金"]'.encode(), 422),
    "JSON string": raw('"天使母基金"'.encode(), 422),
    "deeply nested JSON": raw(b"[" * 50_000, 400),
    "empty body": raw(b"", 422),
    "text/plain body": raw(b'{"question": "a"}', 415, "text/plain"),
    "form-encoded body": raw(b"question=a", 415, "application/x-www-form-urlencoded"),
    "no content type": raw(b'{"question": "a"}', 415, None),
    "XML body": raw(b"<question>a</question>", 415, "application/xml"),
    # document ids in paths
    "encoded traversal": get("/v1/documents/%2e%2e%2f%2e%2e%2fetc%2fpasswd", 404),
    "dot-dot id": get("/v1/documents/%2e%2e", 422),
    "dot id": get("/v1/documents/%2e", 422),
    "encoded absolute path": get("/v1/documents/%2Fetc%2Fpasswd", 404),
    "NUL in id": get("/v1/documents/lingdao%00.txt", 422),
    "newline in id": get("/v1/documents/a%0Ab", 422),
    "backslash traversal": get("/v1/documents/..%5C..%5Cwindows", 422),
    "300-character id": get("/v1/documents/" + "a" * 300, 422),
    "invalid UTF-8 in id": get("/v1/documents/%ff%fe", 422),
    "delete traversal": Hostile("DELETE", "/v1/documents/%2e%2e", 422, headers=ADMIN),
    "delete encoded absolute path": Hostile("DELETE", "/v1/documents/%2Fetc%2Fpasswd", 404, headers=ADMIN),
    # paging, methods, paths
    "negative offset": get("/v1/documents?offset=-1", 422),
    "huge limit": get("/v1/documents?limit=100000", 422),
    "text limit": get("/v1/documents?limit=abc", 422),
    "PUT on ask": Hostile("PUT", "/v1/ask", 405, json={"question": "a"}),
    "unknown path": get("/v1/admin", 404),
    # uploads
    "upload an executable": upload("setup.exe", b"MZ\x90\x00", 415),
    "upload with a traversal name": upload("../../../etc/cron.d/x.md", b"# x\n\nhello", 415),
    "upload with a NUL name": Hostile(
        "POST",
        "/v1/documents",
        415,
        headers={**ADMIN, "Content-Type": "multipart/form-data; boundary=x"},
        content=b'--x\r\nContent-Disposition: form-data; name="file"; filename="a\x00.md"\r\n'
        b"Content-Type: text/plain\r\n\r\n# x\n\nhello\r\n--x--\r\n",
    ),
    "upload GBK text": upload("gbk.txt", "天使母基金规模".encode("gbk"), 422),
    "upload binary named .md": upload("binary.md", b"\x00\x01\x02\x03" * 10, 415),
    "upload over the limit": upload("big.txt", b"a" * 5000, 413),
    "upload as JSON": Hostile("POST", "/v1/documents", 422, json={"file": "x.md"}, headers=ADMIN),
    "upload broken multipart": Hostile(
        "POST",
        "/v1/documents",
        422,
        content=b"--x\r\nnonsense",
        headers={**ADMIN, "Content-Type": "multipart/form-data; boundary=x"},
    ),
}


@pytest.fixture(scope="module")
def base(fake_briefing_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    import shutil

    data_dir = tmp_path_factory.mktemp("hostile") / "data"
    shutil.copytree(fake_briefing_dir, data_dir)
    settings = settings_for(data_dir, admin_key=ADMIN_KEY, max_upload_bytes=4096)
    with serving(settings, HashingEmbedder()) as url:
        yield url


@pytest.fixture(scope="module")
def client(base: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base, timeout=30) as session:
        yield session


def _chunks(question: str) -> Iterator[bytes]:
    body = json.dumps({"question": question}).encode()
    for start in range(0, len(body), 16_384):
        yield body[start : start + 16_384]


def test_there_are_at_least_thirty_hostile_cases() -> None:
    assert len(CASES) >= 30


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_hostile_input_is_answered_in_the_documented_shape(client: httpx.Client, case: Hostile) -> None:
    # A body of unknown length (chunked transfer) must be refused as surely as a declared one.
    content = _chunks(LONG_QUESTION) if case.content == b"chunked" else case.content
    response = client.request(
        case.method, case.path, json=case.json, content=content, headers=case.headers, files=case.files
    )
    assert response.status_code < 500, response.text[:300]
    assert response.status_code == case.status, response.text[:300]
    if response.status_code >= 400:
        error_of(response)
        for start in range(0, max(len(case.echo_guard) - 60, 0), 500):
            assert case.echo_guard[start : start + 60] not in response.text
    else:
        assert response.json()["passages"] is not None


def test_the_server_still_answers_after_the_hostile_cases(client: httpx.Client) -> None:
    response = client.post("/v1/ask", json={"question": "天使母基金规模多大？"})
    assert response.status_code == 200 and response.json()["passages"]
