"""The widget's options, keyboard, roles, feedback and narrow screens, in real Chromium over a library
(data/briefings + data/library, fake embedder). The demo portal shows two widgets: the first asks
everything, the second only 《领导学刊》 of 2025 (data-publication, data-date-from, data-date-to)."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.portal import open_demo

pytestmark = pytest.mark.browser

TIMEOUT_MS = 30_000
QUESTION = "氢能产业发展得怎么样？"  # answered in both publications: 合肥 (领导学刊 2025), 深圳 (决策参考 2024)

VIEWPORT = {"width": 1400, "height": 1000}


def ask(page: Page, widget: Locator, question: str = QUESTION) -> dict:
    """Ask in one widget; the body it sent."""
    box = widget.locator("input")
    box.fill(question)
    with page.expect_request("**/v1/ask") as sent:
        box.press("Enter")
    expect(widget.locator("li.passage").first).to_be_visible(timeout=TIMEOUT_MS)
    return json.loads(sent.value.post_data or "{}")  # type: ignore[no-any-return]


def test_a_widget_with_data_publication_returns_only_that_publication(page: Page, library_url: str):
    open_demo(page, library_url)
    everything, scoped = page.locator("briefqa-widget").nth(0), page.locator("briefqa-widget").nth(1)
    expect(scoped.locator(".scope")).to_have_text("只查：《领导学刊》 · 2025-01-01 至 2025-12-31")

    assert "filters" not in ask(page, everything)
    labels = everything.locator("a.citation").all_text_contents()
    assert any("决策参考" in label for label in labels), labels  # unscoped, the other publication answers too

    body = ask(page, scoped)
    assert body["filters"] == {"publication": "领导学刊", "date_from": "2025-01-01", "date_to": "2025-12-31"}
    assert body["top_k"] == 3  # data-top-k
    labels = scoped.locator("a.citation").all_text_contents()
    assert len(labels) == 3
    assert all(" · 领导学刊 " in label and " · 2025-" in label for label in labels), labels


def test_data_doc_ids_and_top_k_reach_the_request(page: Page, library_url: str):
    page.goto(library_url + "/static/index.html")
    page.evaluate(
        """(base) => new Promise((resolve, reject) => {
            const s = document.createElement('script');
            s.src = base + '/widget.js';
            s.dataset.endpoint = base;
            s.dataset.docIds = 'juece-cankao-2024-03, lingdao-xuekan-2025-09';
            s.dataset.topK = '2';
            s.onload = resolve; s.onerror = reject;
            document.body.appendChild(s);
        })""",
        library_url,
    )
    widget = page.locator("body > briefqa-widget")
    body = ask(page, widget)
    assert body["filters"] == {"doc_ids": ["juece-cankao-2024-03", "lingdao-xuekan-2025-09"]}
    assert body["top_k"] == 2
    labels = widget.locator("a.citation").all_text_contents()
    assert len(labels) == 2
    assert all("深圳氢能产业发展路径" in t or "合肥打造氢能产业高地" in t for t in labels), labels


def test_results_are_reached_with_the_arrow_keys_and_opened_with_enter(page: Page, context, library_url: str):
    open_demo(page, library_url)
    widget = page.locator("briefqa-widget").first
    expect(widget.get_by_role("search")).to_have_count(1)
    ask(page, widget)
    results = widget.get_by_role("list")
    expect(results).to_have_attribute("aria-label", "检索结果（↑↓ 选择，Enter 打开原文）")
    expect(widget.locator("[aria-live=polite] > p.answer-box")).to_have_count(1)  # the answer is announced
    items = widget.locator("li.passage")
    box = widget.locator("input")

    box.press("ArrowDown")
    expect(items.nth(0)).to_be_focused()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(items.nth(2)).to_be_focused()
    page.keyboard.press("ArrowUp")
    expect(items.nth(1)).to_be_focused()
    assert [items.nth(i).get_attribute("tabindex") for i in range(3)] == ["-1", "0", "-1"]  # one tab stop
    page.keyboard.press("Home")
    page.keyboard.press("ArrowUp")
    expect(box).to_be_focused()  # up from the first result: back to the box

    box.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    href = items.nth(1).locator("a.citation").get_attribute("href")
    with context.expect_page() as opened:
        page.keyboard.press("Enter")
    tab = opened.value
    expect(tab.locator("#cited-span")).to_be_visible(timeout=TIMEOUT_MS)
    assert tab.url == href


def test_feedback_in_the_widget_is_posted_and_recorded(page: Page, library_url: str):
    open_demo(page, library_url)
    widget = page.locator("briefqa-widget").first
    widget.locator("input").fill(QUESTION)
    with page.expect_response("**/v1/ask") as asked:
        widget.locator("input").press("Enter")
    response = asked.value.json()
    first = widget.locator("li.passage").first
    with page.expect_response("**/v1/feedback") as posted:
        first.get_by_role("button", name="👍 这段有用").click()
    body = json.loads(posted.value.request.post_data or "{}")
    assert posted.value.status == 201
    assert body["passage_id"] == response["passages"][0]["id"] and body["target"] == "passage"
    assert body["verdict"] == "up" and body["index_version"] == response["index_version"]
    expect(first.locator(".said")).to_have_text("已记录")

    with page.expect_response("**/v1/feedback") as posted:
        widget.get_by_role("group", name="评价答案").get_by_role("button", name="👎 答案有误").click()
    body = json.loads(posted.value.request.post_data or "{}")
    assert posted.value.status == 201 and body["target"] == "answer" and body["verdict"] == "down"
    assert (body["answer_start"], body["answer_end"]) == (response["answer"]["start"], response["answer"]["end"])
    expect(widget.get_by_role("group", name="评价答案").locator(".said")).to_have_text("已记录")


def test_at_360_px_the_widgets_fit_without_scrolling_sideways(browser, library_url: str):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")
    page = context.new_page()
    open_demo(page, library_url)
    for which in (0, 1):
        widget = page.locator("briefqa-widget").nth(which)
        ask(page, widget)
        box = widget.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360, box
    assert page.evaluate("() => document.scrollingElement.scrollWidth <= window.innerWidth")
    context.close()
