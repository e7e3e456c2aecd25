"""Browser tests: pytest-playwright (sync API) driving Debian's Chromium against `live_server`."""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError

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


def watch_console(page, problems: list[str]) -> None:
    """Collect console errors and uncaught exceptions. (A refusal the test asked for, such as a 422
    with the errors next to the fields, is logged by Chromium as a failed load: that one is the
    app answering as designed.)"""

    def on_console(message) -> None:
        refusal = re.match(r"Failed to load resource: the server responded with a status of (403|409|422)",
                           message.text)
        if message.type == "error" and not refusal:
            problems.append(f"console {message.type}: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))


def settle(page) -> None:
    """Wait until the page has no request in flight, so that no request the live server is still
    answering holds a lock when the test database is flushed."""
    # A page that never settles is the test's own failure, which its assertions report.
    with contextlib.suppress(PlaywrightError):
        page.wait_for_load_state("networkidle", timeout=5_000)


@pytest.fixture(autouse=True)
def _no_console_errors(page):
    """Any console error or CSP violation on a page a test opened fails the test."""
    problems: list[str] = []
    watch_console(page, problems)
    yield page
    settle(page)
    assert problems == [], "\n".join(problems)


@pytest.fixture
def open_as(browser, live_server):
    """A new browser context per person, signed in with a real session; closed at the end, and
    failing the test if any of its pages logged a console error."""
    from tests.browser.helpers import sign_in_context

    contexts = []
    problems: list[str] = []

    def open_page(user=None, viewport=None):
        context = browser.new_context(viewport=viewport or {"width": 1366, "height": 768})
        contexts.append(context)
        if user is not None:
            sign_in_context(context, live_server, user)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.set_default_navigation_timeout(15_000)
        watch_console(page, problems)
        return page

    yield open_page
    for context in contexts:
        for page in context.pages:
            settle(page)
        context.close()
    assert problems == [], "\n".join(problems)


@pytest.fixture
def people():
    """A journalist and two editors, each to be signed in with ``open_as``."""
    from django.contrib.auth.models import Group

    from claims.setup import EDITORS, JOURNALISTS
    from tests import factories

    journalists, editors = Group.objects.get(name=JOURNALISTS), Group.objects.get(name=EDITORS)
    return {
        "journalist": factories.UserFactory(username="amira", first_name="Amira", last_name="Khan",
                                            groups=[journalists]),
        "editor": factories.UserFactory(username="tom", first_name="Tom", last_name="Hughes", groups=[editors]),
        "editor2": factories.UserFactory(username="grace", first_name="Grace", last_name="Okafor",
                                         groups=[editors]),
    }



@pytest.fixture
def axe():
    """``axe(page, scheme)`` runs axe-core (bundled by axe-playwright-python) on the page in the
    given colour scheme ("light" or "dark") and returns its serious and critical violations,
    colour contrast included."""
    from tests.browser.helpers import serious_violations

    def run(page, scheme: str = "light") -> list[str]:
        page.emulate_media(color_scheme=scheme)
        return serious_violations(page)

    return run


@pytest.fixture(autouse=True)
def _no_jobs_of_earlier_tests(request):
    """Transactional tests leave the job tables as they were (Django flushes only its own models'):
    each browser test starts with no background job an earlier test deferred."""
    if request.node.get_closest_marker("django_db") is None:
        return
    request.getfixturevalue("transactional_db")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE procrastinate_jobs, procrastinate_events, procrastinate_periodic_defers, "
                       "procrastinate_workers RESTART IDENTITY CASCADE")
