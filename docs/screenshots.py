"""Write screenshots of the briefqa web page and the embedded widget.

    python docs/screenshots.py [BASE_URL] [OUT_DIR]

BASE_URL defaults to http://127.0.0.1:8000 (a running service), OUT_DIR to
docs/. Produces screenshot-page.png (the page after asking a question) and
screenshot-widget.png (the /demo portal with the widget answering; the service
points the portal's script tag at the URL it is served from). Uses
Playwright for Python with Debian's Chromium (/usr/bin/chromium, or
$BRIEFQA_CHROMIUM); Chinese glyphs need a CJK font such as fonts-noto-cjk.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from playwright.sync_api import Browser, expect, sync_playwright

# The one definition of how Chromium is launched here; tests/browser/conftest.py uses it too.
CHROMIUM = os.environ.get("BRIEFQA_CHROMIUM", "/usr/bin/chromium")
# Without the background-networking flags Chromium keeps dialling hosts this closed network refuses.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
QUESTION = "天使母基金有多大？"
TIMEOUT_MS = 60_000
DEMO_ENDPOINT = "http://127.0.0.1:8000"


def _page_shot(browser: Browser, base: str, out: Path) -> Path:
    context = browser.new_context(viewport={"width": 1100, "height": 900}, device_scale_factor=1, locale="zh-CN")
    page = context.new_page()
    page.goto(base + "/")
    page.get_by_label("您的问题").fill(QUESTION)
    page.get_by_label("您的问题").press("Enter")
    expect(page.locator("li.passage").first).to_be_visible(timeout=TIMEOUT_MS)
    page.locator("#question").blur()
    path = out / "screenshot-page.png"
    page.screenshot(path=str(path), full_page=True)
    context.close()
    return path


def _widget_shot(browser: Browser, base: str, out: Path) -> Path:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, device_scale_factor=1, locale="zh-CN")
    page = context.new_page()
    page.goto(base + "/demo")
    box = page.locator("briefqa-widget input")
    box.fill(QUESTION)
    box.press("Enter")
    expect(page.locator("briefqa-widget a.citation").first).to_be_visible(timeout=TIMEOUT_MS)
    box.blur()
    path = out / "screenshot-widget.png"
    page.screenshot(path=str(path), full_page=True)
    context.close()
    return path


def take_screenshots(base_url: str, out_dir: str | Path, browser: Browser | None = None) -> list[Path]:
    """Write both PNGs into out_dir and return their paths."""
    base = base_url.rstrip("/")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if browser is not None:
        return [_page_shot(browser, base, out), _widget_shot(browser, base, out)]
    with sync_playwright() as pw:
        own = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            return [_page_shot(own, base, out), _widget_shot(own, base, out)]
        finally:
            own.close()


if __name__ == "__main__":
    base_url = sys.argv[1] if len(sys.argv) > 1 else DEMO_ENDPOINT
    out_dir = sys.argv[2] if len(sys.argv) > 2 else Path(__file__).resolve().parent
    for p in take_screenshots(base_url, out_dir):
        print(p)
