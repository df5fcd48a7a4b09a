"""Opening the demo portal (service/static/demo-portal.html) as the live server serves it, for the widget tests."""

from __future__ import annotations

from playwright.sync_api import Page


def open_demo(page: Page, base: str) -> None:
    """Load /demo as served: the service points its script tag at the live server's own URL."""
    page.goto(base + "/demo")
