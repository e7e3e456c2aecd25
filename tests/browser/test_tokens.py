"""API tokens in a real browser: a journalist creates one from the user menu, copies the secret shown
once, reads the review queue with it, and revokes it through the confirmation dialog; on a phone
nothing scrolls sideways, and axe-core finds nothing serious."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 900}


def overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def queue_status(live_server, secret: str) -> int:
    request = urllib.request.Request(live_server.url + "/api/v1/desk/review-queue",  # noqa: S310 - our server
                                     headers={"Authorization": f"Bearer {secret}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - the test's own server
            json.load(response)
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_a_journalist_creates_a_token_sees_it_once_and_revokes_it(open_as, live_server, people, axe, viewport):
    page = open_as(people["journalist"], viewport=viewport)
    page.goto(live_server.url + "/desk/")
    page.locator("summary", has_text="Amira Khan").click()
    page.get_by_role("link", name="API tokens").click()
    expect(page.get_by_role("heading", name="API tokens", level=1)).to_be_visible()

    page.get_by_role("button", name="Create token").click()  # nothing filled in: told what is missing
    expect(page.get_by_text("Choose at least one scope.")).to_be_visible()
    page.get_by_label("Name").fill("Monitoring pipeline")
    page.get_by_label("read: the review queue and the desk's claims").check()
    page.get_by_role("button", name="Create token").click()

    shown = page.get_by_label("Copy it now: it is shown only this once.")
    expect(shown).to_be_visible()
    secret = shown.input_value()
    assert secret.startswith("fcd_")
    assert overflow(page) <= 0
    assert axe(page) == []
    assert queue_status(live_server, secret) == 200

    page.goto(live_server.url + "/desk/tokens/")
    expect(page.get_by_label("Copy it now: it is shown only this once.")).to_have_count(0)
    row = page.get_by_test_id("token-row").filter(has_text="Monitoring pipeline")
    expect(row.get_by_text("Active")).to_be_visible()
    row.get_by_role("button", name="Revoke token").click()
    dialog = page.locator("#confirm-dialog")
    expect(dialog.get_by_text("Revoke the token “Monitoring pipeline”?")).to_be_visible()
    dialog.get_by_role("button", name="Revoke token").click()
    expect(page.get_by_text("Revoked the token “Monitoring pipeline”.")).to_be_visible()
    expect(page.get_by_test_id("token-row").get_by_text("Revoked")).to_be_visible()
    assert queue_status(live_server, secret) == 401
    assert overflow(page) <= 0
    assert axe(page) == []
    page.screenshot(path=f"/tmp/tokens-{'phone' if viewport is PHONE else 'laptop'}.png", full_page=True)
