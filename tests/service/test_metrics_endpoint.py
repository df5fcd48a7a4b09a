"""/metrics counts the requests a test made, per route template and status, with latency and index size."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from service.app import create_app
from tests.fakes import HashingEmbedder
from tests.helpers import settings_for
from tests.service.harness import READ_KEY

KEY = {"X-API-Key": READ_KEY}


def _samples(client: TestClient) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = client.get("/metrics")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def _requests(samples: dict, method: str, route: str, status: str) -> float:
    return samples.get(("briefqa_requests_total", (("method", method), ("route", route), ("status", status))), 0.0)


def test_metrics_count_the_requests_this_test_made(fake_briefing_dir: Path) -> None:
    app = create_app(settings_for(fake_briefing_dir, api_keys=[READ_KEY]), HashingEmbedder(), watch=False)
    with TestClient(app) as client:
        before = _samples(client)
        for _ in range(3):
            assert client.post("/v1/ask", json={"question": "天使母基金规模多大？"}, headers=KEY).status_code == 200
        assert client.post("/v1/search", json={"question": "未来产业"}, headers=KEY).status_code == 200
        assert client.get("/v1/documents/no-such-doc", headers=KEY).status_code == 404
        assert client.get("/v1/documents/other-doc", headers=KEY).status_code == 404
        assert client.post("/v1/ask", json={"question": "没有密钥"}).status_code == 401
        after = _samples(client)

    assert _requests(after, "POST", "/v1/ask", "200") - _requests(before, "POST", "/v1/ask", "200") == 3
    assert _requests(after, "POST", "/v1/search", "200") == 1
    # Raw paths never become labels: both ids are counted under the route template.
    assert _requests(after, "GET", "/v1/documents/{doc_id}", "404") == 2
    # Refused before routing, still counted under its route.
    assert _requests(after, "POST", "/v1/ask", "401") == 1
    assert after[("briefqa_request_seconds_count", (("route", "/v1/ask"),))] == 4
    assert after[("briefqa_request_seconds_bucket", (("le", "+Inf"), ("route", "/v1/ask")))] == 4
    assert after[("briefqa_index_documents", ())] == 1
    assert after[("briefqa_index_passages", ())] > 5
