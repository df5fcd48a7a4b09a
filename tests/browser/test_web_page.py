"""Real-browser tests of the briefqa web page (service/static/index.html).

Runs Debian's Chromium through Playwright for Python against the live server
given by the ``live_server_url`` fixture (tests/conftest.py): a uvicorn server
with the real app over the real briefing index.

Most tests go through the real API. A few use ``page.route`` to replace one API
response with a crafted one, for states the real index can't be made to produce
on demand (server error, abstention, hostile text); the page, its assets and
every other request are still real.
"""

from __future__ import annotations

import json
import re
from urllib.parse import quote

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

VIEWPORT = {"width": 1280, "height": 900}
# The first query may load models on the server: be generous.
ANSWER_TIMEOUT_MS = 60_000

QUESTION = "天使母基金有多大？"
# Ingest may or may not drop the space in "100 亿元": accept both.
FUND_SIZE = re.compile(r"100\s*亿元")


def ask(page: Page, base: str, question: str = QUESTION) -> None:
    page.goto(base + "/")
    box = page.get_by_label("您的问题")
    box.fill(question)
    box.press("Enter")  # Enter submits the form


def fulfill_json(route, body: dict, status: int = 200) -> None:
    route.fulfill(status=status, content_type="application/json", body=json.dumps(body, ensure_ascii=False))


def in_viewport(page: Page, locator) -> bool:
    """The element's box lies in the viewport (fully, unless taller than it)."""
    box = locator.bounding_box()
    assert box is not None
    vw, vh = page.viewport_size["width"], page.viewport_size["height"]
    top, bottom = box["y"], box["y"] + box["height"]
    assert box["x"] >= 0 and box["x"] + box["width"] <= vw
    if box["height"] <= vh:
        return top >= 0 and bottom <= vh
    return top < vh and bottom > 0


# --------------------------------------------------------------------------
# Test 1: ask → cited passage → citation → document view with the cited span
# --------------------------------------------------------------------------


def test_page_basics(page: Page, live_server_url: str):
    page.goto(live_server_url + "/")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    expect(page).to_have_title(re.compile("briefqa 简报问答"))
    box = page.get_by_label("您的问题")
    expect(box).to_be_focused()
    assert "例如" in (box.get_attribute("placeholder") or "")
    expect(page.get_by_role("button", name="提问")).to_be_visible()
    for label in ("混合", "语义", "关键词"):
        expect(page.get_by_role("radio", name=label)).to_have_count(1)
    expect(page.get_by_role("radio", name="混合")).to_be_checked()


def test_ask_then_open_citation_shows_cited_span(page: Page, live_server_url: str):
    ask(page, live_server_url)

    passage = page.locator("li.passage").filter(has_text=FUND_SIZE).first
    expect(passage).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
    # Answer or abstention message is shown prominently above the passages.
    expect(page.locator("#answer")).to_be_visible()
    # Matching terms are highlighted in the passages.
    assert page.locator("li.passage mark.term").count() > 0

    passage_text = passage.locator(".passage-text").text_content()
    citation = passage.locator("a.citation")
    label = citation.text_content()
    assert label.startswith("《") and "字符" in label
    m = re.search(r"字符 (\d+)–(\d+)", label)
    assert m, label

    citation.click()

    cited = page.locator("#cited-span")
    expect(cited).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
    expect(page).to_have_url(re.compile(r"#doc=.+&start=\d+&end=\d+"))
    expect(page.locator("#search-view")).to_be_hidden()

    # The highlighted span is exactly the passage that was cited ...
    assert cited.text_content() == passage_text
    assert cited.get_attribute("class") == "cited"
    # ... which is also document.text[start:end] according to the API itself.
    params = dict(p.split("=", 1) for p in page.url.split("#", 1)[1].split("&"))
    start, end = int(params["start"]), int(params["end"])
    assert (start, end) == (int(m.group(1)), int(m.group(2)))
    doc = page.request.get(f"{live_server_url}/v1/documents/{params['doc']}").json()
    assert doc["text"][start:end] == passage_text

    # Scrolled into view.
    assert cited.is_visible()
    expect(cited).to_be_in_viewport()
    assert in_viewport(page, cited)

    # Back returns to the results, with focus on the citation we came from.
    page.get_by_role("button", name=re.compile("返回")).click()
    expect(page.locator("#search-view")).to_be_visible()
    expect(page.locator("#doc-view")).to_be_hidden()
    expect(passage.locator("a.citation")).to_be_focused()


def test_document_route_can_be_opened_directly(page: Page, live_server_url: str):
    """Widget citation links open /#doc=...; that must work on a fresh page."""
    resp = page.request.post(f"{live_server_url}/v1/search", data={"question": QUESTION, "top_k": 1, "mode": "hybrid"})
    assert resp.ok, resp.text()
    p = resp.json()["passages"][0]
    c = p["citation"]
    page.goto(f"{live_server_url}/#doc={quote(c['doc_id'], safe='')}&start={c['start']}&end={c['end']}")
    cited = page.locator("#cited-span")
    expect(cited).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
    assert cited.text_content() == p["text"]
    expect(cited).to_be_in_viewport()
    # Escape closes the document view.
    page.keyboard.press("Escape")
    expect(page.locator("#search-view")).to_be_visible()


def test_mode_and_api_key_are_sent(page: Page, live_server_url: str):
    page.goto(live_server_url + "/")
    page.locator("#settings summary").click()
    page.get_by_label(re.compile("API 密钥")).fill("test-key-123")
    page.get_by_role("button", name="保存").click()
    page.get_by_role("radio", name="关键词").check()

    captured = {}

    def capture(route):
        captured["headers"] = route.request.headers
        captured["body"] = json.loads(route.request.post_data or "{}")
        route.continue_()

    page.route("**/v1/ask", capture)
    page.reload()  # the key must survive a reload (localStorage)
    expect(page.locator("#api-key")).to_have_value("test-key-123")
    page.get_by_role("radio", name="关键词").check()
    page.get_by_label("您的问题").fill(QUESTION)
    page.get_by_role("button", name="提问").click()
    expect(page.locator("#results, #status.status-error").first).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
    assert captured["body"]["mode"] == "bm25"
    assert captured["body"]["question"] == QUESTION
    assert 1 <= captured["body"]["top_k"] <= 20
    assert captured["headers"].get("x-api-key") == "test-key-123"


# --------------------------------------------------------------------------
# UI states with crafted responses (the page itself is real)
# --------------------------------------------------------------------------


def test_error_message_from_api_is_shown(page: Page, live_server_url: str):
    page.route(
        "**/v1/ask",
        lambda r: fulfill_json(r, {"error": {"code": "unavailable", "message": "索引正在重建，请稍后再试"}}, 503),
    )
    ask(page, live_server_url)
    status = page.locator("#status")
    expect(status).to_have_text(re.compile("索引正在重建，请稍后再试"))
    expect(status).to_have_class(re.compile("status-error"))
    expect(page.get_by_role("button", name="提问")).to_be_enabled()


def test_loading_state_then_abstained_message(page: Page, live_server_url: str):
    release = {}

    def slow_abstain(route):
        release["route"] = route  # answered later, so the loading state is observable

    page.route("**/v1/ask", slow_abstain)
    ask(page, live_server_url, "月球上有几个简报？")
    expect(page.locator("#status")).to_have_text(re.compile("正在检索"))
    expect(page.get_by_role("button", name="提问")).to_be_disabled()
    for _ in range(100):  # the route handler runs while Playwright waits
        if "route" in release:
            break
        page.wait_for_timeout(50)
    fulfill_json(
        release["route"],
        {
            "question": "月球上有几个简报？",
            "abstained": True,
            "answer": None,
            "terms": [],
            "passages": [],
            "index_version": "t",
            "took_ms": 1.0,
        },
    )
    expect(page.locator("#answer")).to_contain_text("未找到相关内容")
    expect(page.locator("#status")).to_be_hidden()


def test_api_strings_are_rendered_as_text_with_highlights(page: Page, live_server_url: str):
    text = '<img src=x onerror="window.__pwned=1">规模100亿元的天使母基金'
    n = len(text)
    t0 = text.index("天使母基金")
    a0 = text.index("规模")
    response = {
        "question": QUESTION,
        "abstained": False,
        "answer": {
            "text": "规模100亿元的天使母基金",
            "doc_id": "d<1>",
            "start": 10,
            "end": 24,
            "passage_rank": 1,
            "highlights": [{"start": 8, "end": 13, "kind": "term"}],  # 天使母基金, marked by the service
        },
        "terms": ["天使母基金"],
        "passages": [
            {
                "rank": 1,
                "id": "p1",
                "text": text,
                "score": 0.5,
                "citation": {
                    "doc_id": "d<1>",
                    "title": "<b>标题</b>",
                    "publication": "领导学刊",
                    "issue": "第6期",
                    "date": "2025-05-08",
                    "section": None,
                    "start": 0,
                    "end": n,
                },
                "highlights": [
                    {"start": a0, "end": n, "kind": "answer"},
                    {"start": t0, "end": t0 + 5, "kind": "term"},
                    {"start": -5, "end": 10_000, "kind": "bogus"},
                ],
                "ranks": {"dense": 1, "bm25": None, "fused": 1},
                "scores": {"dense": 0.9, "bm25": None, "fused": 0.016},
            }
        ],
        "index_version": "t",
        "took_ms": 3.0,
    }
    page.route("**/v1/ask", lambda r: fulfill_json(r, response))
    ask(page, live_server_url)
    passage = page.locator("li.passage").first
    expect(passage).to_be_visible()
    assert passage.locator("img").count() == 0
    assert page.evaluate("() => window.__pwned") is None
    assert passage.locator(".passage-text").text_content() == text
    assert passage.locator("mark.answer").text_content() == text[a0:]
    assert passage.locator("mark.answer mark.term").text_content() == "天使母基金"
    expect(page.locator("#answer .answer-text mark.term")).to_have_text("天使母基金")
    expect(passage.locator("a.citation")).to_have_text(
        "《<b>标题</b>》 · 领导学刊 第6期 · 2025-05-08 · 字符 0–" + str(n)
    )
