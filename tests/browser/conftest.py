"""Debian's Chromium driven by Playwright (no browser download), shared by the browser tests.

How Chromium is launched here (path, flags) is defined once, in docs/screenshots.py, which writes
the README's screenshots with the same browser.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from playwright.sync_api import sync_playwright

from tests.fakes import HashingEmbedder
from tests.helpers import serve_in_thread, settings_for

SCREENSHOTS_SCRIPT = Path(__file__).resolve().parents[2] / "docs" / "screenshots.py"


@pytest.fixture(scope="session")
def screenshots() -> ModuleType:
    """docs/screenshots.py, loaded as a module (it is a script, not part of a package)."""
    spec = importlib.util.spec_from_file_location("briefqa_screenshots", SCREENSHOTS_SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def browser(screenshots: ModuleType):
    if not os.path.exists(screenshots.CHROMIUM):
        pytest.fail(f"Chromium not found at {screenshots.CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=screenshots.CHROMIUM, args=screenshots.CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def library_url(fake_library_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The real app over data/briefings + data/library (fake embedder), in a private copy: feedback is written."""
    data_dir = tmp_path_factory.mktemp("library-served")
    shutil.copytree(fake_library_dir, data_dir, dirs_exist_ok=True)
    yield from serve_in_thread(settings_for(data_dir), HashingEmbedder())


@pytest.fixture
def context(browser, request: pytest.FixtureRequest):
    """A fresh browser context at the test module's ``VIEWPORT`` (default 1280×900), in Chinese."""
    viewport = getattr(request.module, "VIEWPORT", {"width": 1280, "height": 900})
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    yield context
    context.close()


@pytest.fixture
def page(context):
    """A page of ``context`` that fails its test on any uncaught JavaScript error."""
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    # An uncaught exception in app.js or widget.js is a bug even if the assertions passed.
    assert not errors, f"JavaScript errors on the page: {errors}"
