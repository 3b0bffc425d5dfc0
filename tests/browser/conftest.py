"""Headless Chromium for map tests: offline, instrumented, one browser per session.

The ``browser`` fixture drives Debian's chromium with its chromedriver through Selenium,
with both paths given explicitly so Selenium Manager never downloads anything. Under
CI=true a missing browser, driver or selenium is a test failure, never a skip; on a
developer machine the tests are skipped with a message saying what to install.

Helpers that load a page and inspect it live in mapbrowser.py (importable from the
tests in this folder).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("GRAPHTWIN_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("GRAPHTWIN_CHROMEDRIVER", "/usr/bin/chromedriver")
WINDOW = (1400, 900)
CHROME_ARGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-default-apps",
    "--disable-extensions",
    "--hide-scrollbars",
    "--force-device-scale-factor=1",
)


def _missing() -> str | None:
    """None when the browser tests can run, else what is missing and how to install it."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed: pip install -e '.[dev]'"
    for path, what in ((CHROMIUM, "chromium"), (CHROMEDRIVER, "chromedriver")):
        if not (Path(path).is_file() and os.access(path, os.X_OK)):
            return (
                f"{what} not found at {path}: apt-get install -y chromium chromium-driver "
                "(or set GRAPHTWIN_CHROMIUM / GRAPHTWIN_CHROMEDRIVER)"
            )
    return None


@pytest.fixture(scope="session")
def browser():
    """A headless Chromium WebDriver with the performance log enabled."""
    problem = _missing()
    if problem is not None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(problem)
        pytest.skip(problem)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    os.environ.setdefault("SE_OFFLINE", "true")  # never let Selenium Manager fetch anything
    profile = tempfile.mkdtemp(prefix="graphtwin-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in CHROME_ARGS:
        options.add_argument(arg)
    options.add_argument(f"--user-data-dir={profile}")
    options.add_argument(f"--window-size={WINDOW[0]},{WINDOW[1]}")
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    options.unhandled_prompt_behavior = "ignore"
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_window_size(*WINDOW)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
