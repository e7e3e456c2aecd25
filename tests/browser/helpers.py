"""What the browser tests share: signing a person in, and asking axe-core about a page."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.test import Client
from playwright.sync_api import BrowserContext, Page


def sign_in_context(context: BrowserContext, live_server, user) -> BrowserContext:
    """Give the browser a real session instead of typing the password in every test."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}])
    return context


def signed_in(page: Page, live_server, user) -> Page:
    sign_in_context(page.context, live_server, user)
    return page


def serious_violations(page: Page) -> list[str]:
    results = Axe().run(page)
    assert results.response["url"] == page.url  # axe really ran, on this page
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[node['target'] for node in v['nodes']]}"
        for v in results.response["violations"]
        if v.get("impact") in ("serious", "critical")
    ]
