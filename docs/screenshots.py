"""Write screenshots of the briefqa web page and the embedded widget.

    python docs/screenshots.py [BASE_URL] [OUT_DIR]

BASE_URL defaults to http://127.0.0.1:8000 (a running service), OUT_DIR to
docs/. Produces
  screenshot-page.png        the page after asking a question;
  screenshot-widget.png      the /demo portal (two widgets) with the first one answering;
  screenshot-library.png     the library view (#library);
  screenshot-scoped.png      a question scoped from the library view to 《领导学刊》 of 2025;
  screenshot-widget-360.png  the scoped widget answering on a 360 px wide screen.
The service points the portal's script tags at the URL it is served from. The README's shots
are taken over data/briefings + data/library. Uses Playwright for Python with Debian's Chromium
(/usr/bin/chromium, or $BRIEFQA_CHROMIUM); Chinese glyphs need a CJK font such as fonts-noto-cjk.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from playwright.sync_api import Browser, Page, expect, sync_playwright

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
QUESTION = "广州的天使母基金规模多大？"
SCOPED_QUESTION = "天使母基金规模多大？"  # several issues name one: the scope picks 领导学刊's
TIMEOUT_MS = 60_000
DEMO_ENDPOINT = "http://127.0.0.1:8000"


SCOPED_PUBLICATION = "领导学刊"  # in the bundled briefing too, so every shot works on a bare install
SCOPED_FROM = "2025-01-01"


def _open(browser: Browser, url: str, width: int, height: int = 900) -> Page:
    context = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=1, locale="zh-CN")
    page = context.new_page()
    page.goto(url)
    return page


def _save(page: Page, path: Path, full_page: bool = True) -> Path:
    page.screenshot(path=str(path), full_page=full_page)
    page.context.close()
    return path


def _ask(page: Page, question: str = QUESTION) -> None:
    page.get_by_label("您的问题").fill(question)
    page.get_by_label("您的问题").press("Enter")
    expect(page.locator("li.passage").first).to_be_visible(timeout=TIMEOUT_MS)
    page.locator("#question").blur()


def _page_shot(browser: Browser, base: str, out: Path) -> Path:
    page = _open(browser, base + "/", 1100)
    _ask(page)
    return _save(page, out / "screenshot-page.png")


def _widget_ask(page: Page, which: int, question: str = QUESTION) -> None:
    box = page.locator("briefqa-widget input").nth(which)
    box.fill(question)
    box.press("Enter")
    expect(page.locator("briefqa-widget").nth(which).locator("a.citation").first).to_be_visible(timeout=TIMEOUT_MS)
    box.blur()


def _widget_shot(browser: Browser, base: str, out: Path) -> Path:
    page = _open(browser, base + "/demo", 1400, 1000)
    _widget_ask(page, 0)
    return _save(page, out / "screenshot-widget.png")


def _library_shot(browser: Browser, base: str, out: Path) -> Path:
    page = _open(browser, base + "/#library", 1100)
    expect(page.locator("li.doc-item").first).to_be_visible(timeout=TIMEOUT_MS)
    return _save(page, out / "screenshot-library.png")


def _scoped_shot(browser: Browser, base: str, out: Path) -> Path:
    page = _open(browser, base + "/#library", 1100)
    expect(page.locator("li.doc-item").first).to_be_visible(timeout=TIMEOUT_MS)
    page.get_by_label("刊物").select_option(SCOPED_PUBLICATION)
    page.get_by_label("起").fill(SCOPED_FROM)
    page.get_by_role("button", name="只问所选范围").click()
    _ask(page, SCOPED_QUESTION)
    return _save(page, out / "screenshot-scoped.png")


def _widget_360_shot(browser: Browser, base: str, out: Path) -> Path:
    page = _open(browser, base + "/demo", 360, 740)
    _widget_ask(page, 1, SCOPED_QUESTION)  # the second widget: one publication, one year
    path = out / "screenshot-widget-360.png"
    page.locator("briefqa-widget").nth(1).screenshot(path=str(path))
    page.context.close()
    return path


SHOTS = (_page_shot, _widget_shot, _library_shot, _scoped_shot, _widget_360_shot)


def take_screenshots(base_url: str, out_dir: str | Path, browser: Browser | None = None) -> list[Path]:
    """Write every PNG into out_dir and return their paths."""
    base = base_url.rstrip("/")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if browser is not None:
        return [shot(browser, base, out) for shot in SHOTS]
    with sync_playwright() as pw:
        own = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            return [shot(own, base, out) for shot in SHOTS]
        finally:
            own.close()


if __name__ == "__main__":
    base_url = sys.argv[1] if len(sys.argv) > 1 else DEMO_ENDPOINT
    out_dir = sys.argv[2] if len(sys.argv) > 2 else Path(__file__).resolve().parent
    for p in take_screenshots(base_url, out_dir):
        print(p)
