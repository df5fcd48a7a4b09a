"""API keys over real HTTP: one 401 for every way of lacking a key, and keys never shown anywhere."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.fakes import HashingEmbedder
from tests.helpers import settings_for
from tests.service.harness import ADMIN_KEY, READ_KEY, error_of, serving

ASK = {"question": "天使母基金规模多大？", "top_k": 1}
LOGGERS = ("uvicorn.access", "uvicorn.error", "uvicorn", "briefqa", "briefqa.service")


class Captured(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture(scope="module")
def base(fake_briefing_dir: Path) -> Iterator[str]:
    settings = settings_for(fake_briefing_dir, api_keys=[READ_KEY, "second-read-key"], admin_key=ADMIN_KEY)
    with serving(settings, HashingEmbedder()) as url:
        yield url


@pytest.fixture(scope="module")
def log_lines(base: str) -> Iterator[list[str]]:
    """Every log line the server writes from now on, access log included (info level).

    Attached after the server started: uvicorn's logging set-up replaces the handlers of its loggers.
    """
    handler = Captured()
    handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    saved = {name: logging.getLogger(name).level for name in LOGGERS}
    for name in LOGGERS:
        logging.getLogger(name).addHandler(handler)
        logging.getLogger(name).setLevel(logging.INFO)
    yield handler.lines
    for name, level in saved.items():
        logging.getLogger(name).removeHandler(handler)
        logging.getLogger(name).setLevel(level)


def _refusals(base: str) -> dict[str, httpx.Response]:
    ask = base + "/v1/ask"
    return {
        "missing": httpx.post(ask, json=ASK),
        "wrong bearer": httpx.post(ask, json=ASK, headers={"Authorization": "Bearer not-the-key"}),
        "wrong header": httpx.post(ask, json=ASK, headers={"X-API-Key": "not-the-key"}),
        "other scheme": httpx.post(ask, json=ASK, headers={"Authorization": f"Basic {READ_KEY}"}),
        "bare bearer": httpx.post(ask, json=ASK, headers={"Authorization": "Bearer"}),
        "right key beside a wrong bearer": httpx.post(
            ask, json=ASK, headers={"X-API-Key": READ_KEY, "Authorization": "Bearer not-the-key"}
        ),
        "right bearer beside a malformed one": httpx.post(
            ask, json=ASK, headers=[("Authorization", f"Bearer {READ_KEY}"), ("Authorization", "Token x")]
        ),
        "query api_key": httpx.post(ask, json=ASK, params={"api_key": READ_KEY}),
        "query key": httpx.post(ask, json=ASK, params={"key": READ_KEY}),
        "query token": httpx.post(ask, json=ASK, params={"access_token": READ_KEY}),
        "query on a read": httpx.get(base + "/v1/documents", params={"api_key": READ_KEY}),
        "bad body, no key": httpx.post(ask, content=b"{not json", headers={"Content-Type": "application/json"}),
        "upload, read key": httpx.post(
            base + "/v1/documents",
            files={"file": ("x.md", "# 标题\n\n正文。".encode())},
            headers={"X-API-Key": READ_KEY},
        ),
        "delete, read key": httpx.delete(base + "/v1/documents/x", headers={"Authorization": f"Bearer {READ_KEY}"}),
    }


def test_every_way_of_lacking_a_key_gets_the_same_401(base: str) -> None:
    refusals = _refusals(base)
    for how, response in refusals.items():
        assert response.status_code == 401, (how, response.status_code, response.text)
        assert error_of(response)["code"] == "unauthorized"
        assert response.headers["www-authenticate"] == "Bearer"
    assert len({r.content for r in refusals.values()}) == 1  # identical bodies: nothing to learn from them


def test_a_read_key_in_either_header_is_accepted(base: str) -> None:
    for headers in ({"Authorization": f"Bearer {READ_KEY}"}, {"X-API-Key": "second-read-key"}, {"x-api-key": READ_KEY}):
        assert httpx.post(base + "/v1/ask", json=ASK, headers=headers).status_code == 200
        assert httpx.get(base + "/v1/documents", headers=headers).status_code == 200


def test_the_admin_key_reads_too(base: str) -> None:
    assert httpx.post(base + "/v1/search", json=ASK, headers={"X-API-Key": ADMIN_KEY}).status_code == 200


def test_health_readiness_and_metrics_need_no_key(base: str) -> None:
    for path in ("/healthz", "/readyz", "/metrics", "/openapi.json"):
        assert httpx.get(base + path).status_code == 200, path


def test_the_keys_appear_in_no_log_line_and_no_error_body(base: str, log_lines: list[str]) -> None:
    refusals = _refusals(base)
    httpx.post(base + "/v1/ask", json=ASK, headers={"X-API-Key": READ_KEY}, params={"api_key": READ_KEY})
    httpx.get(f"{base}/v1/documents/{ADMIN_KEY}", headers={"X-API-Key": ADMIN_KEY})
    access = [line for line in log_lines if line.startswith("uvicorn.access") and "/v1/" in line]
    assert len(access) >= len(refusals)  # the access log was captured, so the test can fail
    assert any("?[query removed]" in line for line in access)
    for line in log_lines:
        assert READ_KEY not in line and ADMIN_KEY not in line, line
    for response in refusals.values():
        assert READ_KEY not in response.text and ADMIN_KEY not in response.text


def test_settings_never_show_the_keys(fake_briefing_dir: Path) -> None:
    settings = settings_for(fake_briefing_dir, api_keys=[READ_KEY], admin_key=ADMIN_KEY)
    for shown in (repr(settings), str(settings), settings.model_dump_json(), str(settings.model_dump())):
        assert READ_KEY not in shown and ADMIN_KEY not in shown
    assert settings.api_keys[0].get_secret_value() == READ_KEY  # still usable where it is needed


def test_keys_from_the_environment_are_split_on_commas(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("BRIEFQA_API_KEYS", f"{READ_KEY}, second-read-key")
    monkeypatch.setenv("BRIEFQA_ADMIN_KEY", ADMIN_KEY)
    settings = settings_for(tmp_path)
    assert [k.get_secret_value() for k in settings.api_keys] == [READ_KEY, "second-read-key"]
    assert READ_KEY not in repr(settings)


def test_without_keys_reads_are_open_and_writes_are_off(open_client: TestClient) -> None:
    assert open_client.post("/v1/ask", json=ASK).status_code == 200
    refused = open_client.delete("/v1/documents/lingdao-xuekan-2025-06", headers={"X-API-Key": "anything"})
    assert refused.status_code == 403
    assert error_of(refused)["code"] == "writes_disabled"
