"""POST/GET /v1/feedback through the app: validation, placement of the verdict, keys (fake embedder: fast)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from service.app import create_app
from tests.fakes import HashingEmbedder
from tests.helpers import settings_for
from tests.service.harness import ADMIN_KEY, BRIEFING_ID, READ_KEY, error_of

QUESTION = "天使母基金规模多大？"


@pytest.fixture
def client(fresh_data_dir: Path) -> TestClient:
    settings = settings_for(fresh_data_dir, api_keys=READ_KEY, admin_key=ADMIN_KEY)
    with TestClient(create_app(settings, HashingEmbedder(), watch=False)) as c:
        c.headers["Authorization"] = f"Bearer {READ_KEY}"
        yield c


def first_passage(client: TestClient) -> dict:
    body = client.post("/v1/ask", json={"question": QUESTION, "top_k": 1}).json()
    return {"passage": body["passages"][0], "answer": body["answer"], "version": body["index_version"]}


def test_a_verdict_is_stored_with_its_passage_place_and_listed_for_the_admin(client: TestClient):
    seen = first_passage(client)
    posted = client.post(
        "/v1/feedback", json={"question": QUESTION, "passage_id": seen["passage"]["id"], "verdict": "up"}
    )
    assert posted.status_code == 201, posted.text
    stored = posted.json()
    assert stored["doc_id"] == BRIEFING_ID and stored["mapped"] is True
    assert (stored["start"], stored["end"]) == (
        seen["passage"]["citation"]["start"],
        seen["passage"]["citation"]["end"],
    )
    assert stored["index_version"] == seen["version"]
    listed = client.get("/v1/feedback", headers={"Authorization": f"Bearer {ADMIN_KEY}"})
    assert listed.status_code == 200
    assert [v["id"] for v in listed.json()["verdicts"]] == [stored["id"]] and listed.json()["total"] == 1


def test_reading_feedback_needs_the_admin_key(client: TestClient):
    assert error_of(client.get("/v1/feedback"))["code"] == "unauthorized"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"verdict": "maybe"}, "verdict"),
        ({"question": "　 "}, "question"),
        ({"question": "问" * 501}, "question"),
        ({"passage_id": "../etc/passwd"}, "passage_id"),
        ({"extra": 1}, "extra"),
    ],
)
def test_bad_verdicts_are_refused_naming_the_field(client: TestClient, change: dict, field: str):
    body = {"question": QUESTION, "passage_id": f"{BRIEFING_ID}#0001", "verdict": "down", **change}
    refused = client.post("/v1/feedback", json=body)
    assert refused.status_code == 422
    assert field in error_of(refused)["message"]


def test_a_passage_not_in_the_served_version_is_refused(client: TestClient):
    body = {"question": QUESTION, "passage_id": f"{BRIEFING_ID}#9999", "verdict": "up"}
    refused = client.post("/v1/feedback", json=body)
    assert refused.status_code == 404 and error_of(refused)["code"] == "passage_not_found"


def test_a_verdict_on_an_older_version_is_kept_unmapped(client: TestClient):
    body = {"question": QUESTION, "passage_id": f"{BRIEFING_ID}#0003", "verdict": "up", "index_version": "v000000-old"}
    stored = client.post("/v1/feedback", json=body).json()
    assert stored["mapped"] is False and stored["index_version"] == "v000000-old"


def test_the_answer_sentence_can_be_judged_with_its_span(client: TestClient):
    seen = first_passage(client)
    answer = seen["answer"]
    body = {
        "question": QUESTION,
        "passage_id": seen["passage"]["id"],
        "verdict": "up",
        "target": "answer",
        "answer_start": answer["start"],
        "answer_end": answer["end"],
    }
    stored = client.post("/v1/feedback", json=body).json()
    assert (stored["answer_start"], stored["answer_end"], stored["target"]) == (
        answer["start"],
        answer["end"],
        "answer",
    )


def test_an_unusable_feedback_file_is_a_503_and_questions_still_work(fresh_data_dir: Path):
    (fresh_data_dir / "feedback.sqlite3").mkdir()  # a folder where the file should be
    settings = settings_for(fresh_data_dir)
    with TestClient(create_app(settings, HashingEmbedder(), watch=False)) as c:
        body = {"question": QUESTION, "passage_id": f"{BRIEFING_ID}#0001", "verdict": "up"}
        refused = c.post("/v1/feedback", json=body)
        assert refused.status_code == 503 and error_of(refused)["code"] == "feedback_unavailable"
        assert c.post("/v1/ask", json={"question": QUESTION}).status_code == 200
