"""The page and the widget draw the answer's term highlights the API returned, and nothing else.

Both used to find the terms in the answer sentence themselves, by two different rules; now the
service marks them (``answer.highlights``) and both only draw them.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.portal import open_demo

pytestmark = pytest.mark.browser

ANSWER_TIMEOUT_MS = 60_000
QUESTION = "天使母基金规模多大？"

# The [start, end) code-point offsets, inside the element's text, of each <mark class="term">.
DRAWN_TERMS = """(root) => {
    const marks = [];
    let at = 0;
    const walk = (node, inTerm) => {
        for (const child of node.childNodes) {
            if (child.nodeType === Node.TEXT_NODE) {
                const n = Array.from(child.data).length;
                if (inTerm) marks.push([at, at + n]);
                at += n;
            } else {
                const term = child.tagName === "MARK" && child.classList.contains("term");
                if (term && inTerm) throw new Error("a term mark inside a term mark");
                walk(child, inTerm || term);
            }
        }
    };
    walk(root, false);
    return marks;
}"""


def ask_and_read(page: Page, box: Locator, answer: Locator) -> tuple[dict, list[list[int]]]:
    """Ask ``QUESTION`` in ``box``; the answer the API returned, and the term spans drawn in ``answer``."""
    box.fill(QUESTION)
    with page.expect_response(lambda r: r.url.endswith("/v1/ask")) as response:
        box.press("Enter")
    returned = response.value.json()["answer"]
    expect(answer).to_have_text(returned["text"], timeout=ANSWER_TIMEOUT_MS)
    return returned, answer.evaluate(DRAWN_TERMS)


def spans(answer: dict) -> list[list[int]]:
    assert all(h["kind"] == "term" for h in answer["highlights"])
    return [[h["start"], h["end"]] for h in answer["highlights"]]


def test_page_and_widget_draw_exactly_the_answer_highlights_the_api_returned(page: Page, live_server_url: str):
    base = live_server_url.rstrip("/")
    page.goto(base + "/")
    on_page, drawn_on_page = ask_and_read(page, page.get_by_label("您的问题"), page.locator("#answer .answer-text"))
    open_demo(page, base)
    in_widget, drawn_in_widget = ask_and_read(
        page, page.locator("briefqa-widget input").first, page.locator("briefqa-widget p.answer-box").first
    )

    assert spans(on_page), "the answer to this question holds its terms: the test needs some to compare"
    assert drawn_on_page == spans(on_page)
    assert drawn_in_widget == spans(in_widget)
    assert in_widget == on_page  # one question, one answer, the same marks in both
    text = on_page["text"]
    assert {text[s:e] for s, e in drawn_on_page} >= {"天使母基金", "规模"}
