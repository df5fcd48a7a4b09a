"""CORS over real HTTP: only the configured portal origin may read responses from a browser."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.fakes import HashingEmbedder
from tests.helpers import settings_for
from tests.service.harness import READ_KEY, error_of, serving

PORTAL = "https://portal.example.gov.cn"
STRANGER = "https://evil.example.com"
ASK = {"question": "天使母基金规模多大？", "top_k": 1}
KEY = {"X-API-Key": READ_KEY}


@pytest.fixture(scope="module")
def base(fake_briefing_dir: Path) -> Iterator[str]:
    settings = settings_for(fake_briefing_dir, api_keys=[READ_KEY], cors_origins=[PORTAL, "http://localhost:3000"])
    with serving(settings, HashingEmbedder()) as url:
        yield url


def test_the_allowed_origin_gets_the_cors_header(base: str) -> None:
    response = httpx.post(base + "/v1/ask", json=ASK, headers={**KEY, "Origin": PORTAL})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == PORTAL


def test_another_origin_gets_no_cors_header(base: str) -> None:
    response = httpx.post(base + "/v1/ask", json=ASK, headers={**KEY, "Origin": STRANGER})
    assert response.status_code == 200  # the browser, not the server, withholds the body
    assert "access-control-allow-origin" not in response.headers


def test_a_preflight_from_the_portal_needs_no_key(base: str) -> None:
    response = httpx.options(
        base + "/v1/ask",
        headers={
            "Origin": PORTAL,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type, x-api-key",
        },
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == PORTAL
    assert "x-api-key" in response.headers["access-control-allow-headers"].lower()


def test_a_preflight_from_another_origin_is_refused_in_the_error_shape(base: str) -> None:
    response = httpx.options(base + "/v1/ask", headers={"Origin": STRANGER, "Access-Control-Request-Method": "POST"})
    assert response.status_code == 400
    assert error_of(response)["code"] == "cors_refused"
    assert "access-control-allow-origin" not in response.headers


def test_a_401_still_reaches_the_portal_so_it_can_show_it(base: str) -> None:
    response = httpx.post(base + "/v1/ask", json=ASK, headers={"Origin": PORTAL})
    assert response.status_code == 401
    assert response.headers["access-control-allow-origin"] == PORTAL


def test_no_origin_is_allowed_when_none_is_configured(open_client: TestClient) -> None:
    response = open_client.post("/v1/ask", json=ASK, headers={"Origin": PORTAL})
    assert response.status_code == 200
    assert "access-control-allow-origin" not in response.headers
