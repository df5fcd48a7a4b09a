"""Real-browser tests of the embeddable widget (service/static/widget.js).

Loads the demo portal (service/static/demo-portal.html, served by the live server
at /demo, pointed at itself) in Debian's Chromium via Playwright for Python. The
portal has hostile global CSS; the widget lives in a shadow root and must keep
its own styles.
Also writes the screenshots with docs/screenshots.py into a temp folder.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.portal import open_demo

pytestmark = pytest.mark.browser

ANSWER_TIMEOUT_MS = 60_000
QUESTION = "天使母基金有多大？"
WIDGET_FONT_SIZE = "15px"  # .root font-size in widget.js

VIEWPORT = {"width": 1400, "height": 1000}


def shadow_style(page: Page, selector: str, prop: str) -> str:
    """Computed style of an element inside the widget's shadow root."""
    return page.evaluate(
        """([sel, prop]) => {
            const host = document.querySelector('briefqa-widget');
            const node = host.shadowRoot.querySelector(sel);
            return getComputedStyle(node).getPropertyValue(prop);
        }""",
        [selector, prop],
    )


def test_widget_in_demo_portal_answers_and_is_isolated(page: Page, context, live_server_url: str):
    base = live_server_url.rstrip("/")
    open_demo(page, base)

    hosts = page.locator("briefqa-widget")
    expect(hosts).to_have_count(2)  # the portal shows two widgets, with different scopes
    host = hosts.first
    expect(host).to_be_visible()
    # The UI is inside an (open) shadow root, not in the page's light DOM.
    assert page.evaluate("() => !!document.querySelector('briefqa-widget').shadowRoot")
    assert page.evaluate("() => document.querySelector('briefqa-widget').children.length") == 0
    assert page.evaluate("() => document.querySelectorAll('input').length") == 0
    # Each inserted right after its script tag.
    assert page.evaluate(
        "() => document.querySelector('briefqa-widget').previousElementSibling.src.endsWith('/widget.js')"
    )
    assert page.evaluate(
        """() => [...document.querySelectorAll('briefqa-widget')]
            .every(w => w.previousElementSibling.src.endsWith('/widget.js'))"""
    )

    # The host page's aggressive CSS is really in force outside the widget ...
    assert page.evaluate("() => getComputedStyle(document.querySelector('.portal-news p')).fontSize") == "30px"
    assert page.evaluate("() => getComputedStyle(document.querySelector('.portal-news p')).color") == "rgb(255, 0, 0)"

    # Locators pierce open shadow roots: type and submit like a user.
    box = page.locator("briefqa-widget input").first
    box.fill(QUESTION)
    box.press("Enter")

    citation = page.locator("briefqa-widget a.citation").first
    expect(citation).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
    expect(page.locator("briefqa-widget li.passage").first).to_contain_text(re.compile(r"100\s*亿元"))
    href = citation.get_attribute("href")
    assert re.fullmatch(re.escape(base) + r"/#doc=.+&start=\d+&end=\d+", href), href
    assert citation.get_attribute("target") == "_blank"

    # ... but not inside it: font-size and colour are the widget's own.
    for sel in (".root", "input", "button", ".text", "a.citation"):
        size = shadow_style(page, sel, "font-size")
        assert size != "30px", f"{sel} got the host page's font-size"
        assert shadow_style(page, sel, "color") != "rgb(255, 0, 0)", f"{sel} got the host page's colour"
    assert shadow_style(page, ".root", "font-size") == WIDGET_FONT_SIZE
    assert shadow_style(page, ".text", "font-family").find("Courier") == -1
    assert shadow_style(page, "li", "border-top-style") != "dashed"

    # ... and the widget's CSS does not leak out (it styles `ol` as list-style none).
    assert page.evaluate("() => getComputedStyle(document.querySelector('.portal-news ol')).listStyleType") == "decimal"

    # The citation opens the document view of the service in a new tab.
    with context.expect_page() as new_tab_info:
        citation.click()
    tab = new_tab_info.value
    cited = tab.locator("#cited-span")
    expect(cited).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
    expect(cited).to_be_in_viewport()
    expect(cited).to_contain_text(re.compile(r"100\s*亿元"))


def test_widget_defines_one_global_and_honours_data_target(page: Page, live_server_url: str):
    base = live_server_url.rstrip("/")
    page.goto(base + "/static/index.html")  # any same-origin page will do
    before = set(page.evaluate("() => Object.keys(window)"))
    page.evaluate(
        """(base) => new Promise((resolve, reject) => {
            const slot = document.createElement('div');
            slot.id = 'slot';
            document.body.appendChild(slot);
            const s = document.createElement('script');
            s.src = base + '/widget.js';
            s.dataset.endpoint = base;
            s.dataset.key = 'k-123';
            s.dataset.target = '#slot';
            s.onload = resolve; s.onerror = reject;
            document.body.appendChild(s);
        })""",
        base,
    )
    after = set(page.evaluate("() => Object.keys(window)"))
    assert after - before == {"BriefQA"}
    widget = page.locator("#slot > briefqa-widget")
    expect(widget).to_have_count(1)
    assert widget.get_attribute("api-key") == "k-123"
    assert widget.get_attribute("endpoint") == base

    # The key goes out as X-API-Key.
    with page.expect_request("**/v1/ask") as req_info:
        page.locator("#slot briefqa-widget input").fill(QUESTION)
        page.locator("#slot briefqa-widget button").click()
    assert req_info.value.headers.get("x-api-key") == "k-123"


def test_screenshots(browser, screenshots, live_server_url: str, tmp_path: Path):
    paths = screenshots.take_screenshots(live_server_url, tmp_path, browser=browser)
    assert [p.name for p in paths] == [
        "screenshot-page.png",
        "screenshot-widget.png",
        "screenshot-library.png",
        "screenshot-scoped.png",
        "screenshot-widget-360.png",
    ]
    for p in paths:
        data = p.read_bytes()
        assert data.startswith(b"\x89PNG") and len(data) > 10_000
