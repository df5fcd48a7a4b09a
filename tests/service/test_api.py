"""Shapes of /v1/ask, /v1/search and /v1/documents over the real briefing (fake embedder: fast)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from service.app import create_app
from tests.fakes import HashingEmbedder
from tests.helpers import settings_for
from tests.service.harness import BRIEFING_ID, error_of
from text.normalize import normalize

QUESTION = "天使母基金规模多大？"


@pytest.fixture(scope="module")
def client(open_client: TestClient) -> TestClient:
    return open_client


@pytest.fixture(scope="module")
def asked(client: TestClient) -> dict:
    response = client.post("/v1/ask", json={"question": QUESTION, "top_k": 5})
    assert response.status_code == 200, response.text
    return response.json()


def test_ask_cites_the_passage_with_the_fund_size(asked: dict) -> None:
    top = asked["passages"][0]
    assert "100亿元规模的天使母基金" in top["text"].replace(" ", "")
    assert top["citation"]["doc_id"] == BRIEFING_ID
    assert top["citation"]["publication"] == "领导学刊"
    assert top["citation"]["date"] == "2025-05-08"
    assert asked["abstained"] is False
    assert "天使母基金" in asked["answer"]["text"]


def test_citation_offsets_point_into_the_documents_clean_text(client: TestClient, asked: dict) -> None:
    text = client.get(f"/v1/documents/{BRIEFING_ID}").json()["text"]
    for passage in asked["passages"]:
        citation = passage["citation"]
        assert text[citation["start"] : citation["end"]] == passage["text"]
    answer = asked["answer"]
    assert text[answer["start"] : answer["end"]] == answer["text"]


def test_ask_reports_the_querys_jieba_terms(asked: dict) -> None:
    assert "天使母基金" in asked["terms"]
    assert "规模" in asked["terms"]
    assert "多大" not in asked["terms"]  # filler is removed


def test_every_passage_has_ranks_and_scores_of_each_leg(asked: dict) -> None:
    assert [p["rank"] for p in asked["passages"]] == [1, 2, 3, 4, 5]
    for passage in asked["passages"]:
        assert passage["ranks"]["fused"] == passage["rank"]
        assert passage["scores"]["fused"] == pytest.approx(passage["score"])
        assert passage["ranks"]["dense"] is not None or passage["ranks"]["bm25"] is not None
    top = asked["passages"][0]
    assert top["ranks"]["bm25"] >= 1 and top["scores"]["bm25"] > 0
    assert top["ranks"]["dense"] >= 1 and -1 <= top["scores"]["dense"] <= 1


def test_highlights_are_valid_offsets_of_terms_and_of_the_answer(asked: dict) -> None:
    terms = set(asked["terms"])
    answers = 0
    for passage in asked["passages"]:
        text = passage["text"]
        for mark in passage["highlights"]:
            assert 0 <= mark["start"] < mark["end"] <= len(text)
            marked = text[mark["start"] : mark["end"]]
            if mark["kind"] == "term":
                assert any(term in normalize(marked) for term in terms), marked
            else:
                answers += 1
                assert passage["rank"] == asked["answer"]["passage_rank"]
                assert marked == asked["answer"]["text"]
    assert answers == 1


def test_ask_reports_the_served_index_version_and_timing(client: TestClient, asked: dict) -> None:
    assert asked["index_version"] == client.get("/readyz").json()["index_version"]
    assert 0 <= asked["took_ms"] < 10_000


def test_search_ranks_the_same_passages_without_an_answer(client: TestClient, asked: dict) -> None:
    found = client.post("/v1/search", json={"question": QUESTION, "top_k": 5}).json()
    assert "answer" not in found and "abstained" not in found
    assert [p["id"] for p in found["passages"]] == [p["id"] for p in asked["passages"]]
    assert all(h["kind"] == "term" for p in found["passages"] for h in p["highlights"])


def test_top_k_bounds_the_passages(client: TestClient) -> None:
    found = client.post("/v1/search", json={"question": QUESTION, "top_k": 2}).json()
    assert len(found["passages"]) == 2


def test_bm25_mode_has_no_dense_leg(client: TestClient) -> None:
    found = client.post("/v1/search", json={"question": QUESTION, "mode": "bm25"}).json()
    assert found["passages"]
    assert all(p["ranks"]["dense"] is None and p["scores"]["dense"] is None for p in found["passages"])


@pytest.mark.parametrize(
    ("filters", "expect_hits"),
    [
        ({"doc_ids": [BRIEFING_ID]}, True),
        ({"doc_ids": ["another-briefing"]}, False),
        ({"publication": "领导学刊"}, True),
        ({"publication": "人民日报"}, False),
        ({"date_from": "2025-05-01", "date_to": "2025-05-31"}, True),
        ({"date_from": "2025-06-01"}, False),
        ({"date_to": "2025-05-07"}, False),
    ],
)
def test_filters_keep_or_drop_the_briefing(client: TestClient, filters: dict, expect_hits: bool) -> None:
    body = client.post("/v1/ask", json={"question": QUESTION, "filters": filters}).json()
    assert bool(body["passages"]) is expect_hits
    if not expect_hits:
        assert body["abstained"] is True and body["answer"] is None


def test_documents_are_listed_in_pages_with_metadata(client: TestClient) -> None:
    first = client.get("/v1/documents").json()
    assert first["total"] == 1 and first["offset"] == 0 and first["limit"] == 20
    (summary,) = first["documents"]
    assert summary["doc_id"] == BRIEFING_ID
    assert summary["title"] == "广州加快布局未来产业 蓄能产业未来发展"
    assert summary["issue"] == "第6期" and summary["passages"] > 5
    assert summary["metadata"]["publication"] == "领导学刊"
    beyond = client.get("/v1/documents", params={"offset": 1, "limit": 5}).json()
    assert beyond["documents"] == [] and beyond["total"] == 1


def test_one_document_comes_with_its_clean_text(client: TestClient) -> None:
    doc = client.get(f"/v1/documents/{BRIEFING_ID}").json()
    assert doc["doc_id"] == BRIEFING_ID and "天使母基金" in doc["text"]


def test_an_unknown_document_is_a_404_in_the_error_shape(client: TestClient) -> None:
    response = client.get("/v1/documents/no-such-briefing")
    assert response.status_code == 404
    assert error_of(response)["code"] == "document_not_found"


def test_a_question_over_the_configured_limit_is_refused_by_name(fake_briefing_dir: Path) -> None:
    app = create_app(settings_for(fake_briefing_dir, max_question_chars=10), HashingEmbedder(), watch=False)
    with TestClient(app) as short:
        assert short.post("/v1/ask", json={"question": "天使母基金规模多大？"}).status_code == 200  # 10 characters
        refused = short.post("/v1/ask", json={"question": "广州的天使母基金规模多大？"})
    assert refused.status_code == 422
    error = error_of(refused)
    assert error["code"] == "question_too_long" and "13" in error["message"] and "10" in error["message"]


def test_openapi_documents_the_v1_api_with_chinese_examples(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    paths = schema["paths"]
    assert {"/v1/ask", "/v1/search", "/v1/documents", "/v1/documents/{doc_id}", "/healthz", "/readyz"} <= set(paths)
    assert set(paths["/v1/documents"]) == {"get", "post"} and set(paths["/v1/documents/{doc_id}"]) == {"get", "delete"}
    components = schema["components"]["schemas"]
    assert "天使母基金" in components["AskIn"]["examples"][0]["question"]
    assert "领导学刊" in str(components["AskOut"]["examples"])
    assert components["AskIn"]["properties"]["question"]["maxLength"] == 500  # the configured limit
    assert paths["/v1/ask"]["post"]["responses"]["401"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorOut"
    }
    assert paths["/v1/documents"]["post"]["security"]  # writes always need the admin key
    assert "security" not in paths["/v1/ask"]["post"]  # no read keys configured: reads are open


def test_the_served_versions_sentences_are_embedded_in_the_background(client: TestClient) -> None:
    import time

    deadline = time.monotonic() + 30
    while (pending := client.get("/readyz").json()["sentences_pending"]) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert pending == 0
    state = client.app.state.index  # type: ignore[attr-defined]
    assert len(state.sentences) > 50  # the briefing's sentences, ready before any question needs them
    held = len(state.sentences)
    client.post("/v1/ask", json={"question": QUESTION})
    assert state.served.searcher.sentences is state.sentences  # what answers reads is what was warmed
    assert len(state.sentences) == held  # so an answer embeds no sentence of its own
