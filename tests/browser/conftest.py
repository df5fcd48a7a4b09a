"""Debian's Chromium driven by Playwright (no browser download), shared by the browser tests.

How Chromium is launched here (path, flags) is defined once, in docs/screenshots.py, which writes
the README's screenshots with the same browser.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from types import ModuleType

import pytest
from playwright.sync_api import sync_playwright

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
