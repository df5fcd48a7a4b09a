"""Opening the demo portal (docs/demo-portal.html) against the live server, for the widget tests."""

from __future__ import annotations

import re

from playwright.sync_api import Page

# The endpoint written in docs/demo-portal.html.
DEMO_ENDPOINT = "http://127.0.0.1:8000"


def open_demo(page: Page, base: str) -> None:
    """Load /demo, pointing its script tag at the live server's port.

    The service may already rewrite the endpoint; the replace is then a no-op.
    """

    def rewrite(route):
        resp = route.fetch()
        route.fulfill(response=resp, body=resp.text().replace(DEMO_ENDPOINT, base))

    page.route(re.compile(r".*/demo$"), rewrite)
    page.goto(base + "/demo")
