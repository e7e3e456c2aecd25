"""Browser tests: pytest-playwright (sync API) driving Debian's Chromium against `live_server`."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
HERE = Path(__file__).resolve().parent

# Playwright's sync API runs an event loop in this thread; Django would otherwise refuse the ORM
# calls the tests make to set up their data. Only browser tests need this.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


def pytest_collection_modifyitems(config, items):
    skip = pytest.mark.skip(reason=f"Chromium is not installed at {CHROMIUM}")
    for item in items:
        if HERE not in Path(item.path).resolve().parents:
            continue
        item.add_marker(pytest.mark.browser)
        # Noise from a plugin's fixture definition (pytest 9 deprecation), not from our code.
        item.add_marker(pytest.mark.filterwarnings(
            "ignore:Session-scoped fixtures defined as instance methods:pytest.PytestRemovedIn10Warning"))
        if not CHROMIUM.exists():
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [
            "--no-sandbox",
            "--headless",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(autouse=True)
def _short_timeouts(page):
    # A missing element should fail in seconds, not after Playwright's default 30.
    page.set_default_timeout(10_000)
    page.set_default_navigation_timeout(15_000)
    return page
