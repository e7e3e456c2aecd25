"""Webhooks in a real browser: an editor adds an endpoint on a local server, copies the signing
secret shown once, sends a test event and reads it in the delivery log; on a phone nothing scrolls
sideways, and axe-core finds nothing serious."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from claims.models import WebhookEndpoint
from tests.test_webhooks import receiver, verified  # noqa: F401 - the local receiver fixture

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 900}


def overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_an_editor_adds_an_endpoint_and_sends_a_test_event(open_as, live_server, people, axe, receiver,  # noqa: F811
                                                           run_jobs, viewport):
    page = open_as(people["editor"], viewport=viewport)
    page.goto(live_server.url + "/desk/")
    page.locator("summary", has_text="Tom Hughes").click()
    page.get_by_role("link", name="Webhooks").click()
    expect(page.get_by_role("heading", name="Webhooks", level=1)).to_be_visible()
    assert overflow(page) <= 0

    page.get_by_label("Endpoint URL").fill(receiver.url)
    page.get_by_label("claim.published: a fact-check is published").check()
    page.get_by_label("claim.retracted: a fact-check is retracted").check()
    page.get_by_label("Description").fill("Partner wire")
    page.get_by_role("button", name="Add endpoint").click()

    expect(page.get_by_role("heading", name="Signing secret")).to_be_visible()
    secret = page.locator("#signing-secret").inner_text()
    endpoint = WebhookEndpoint.objects.get()
    assert secret == endpoint.secret and secret.startswith("whsec_")
    expect(page.get_by_text("it will not be shown again")).to_be_visible()
    assert overflow(page) <= 0
    assert axe(page) == []

    page.get_by_role("button", name="Send test event").click()
    expect(page.get_by_text("Test event queued")).to_be_visible()
    expect(page.get_by_role("heading", name="Signing secret")).to_have_count(0)  # shown once only
    assert run_jobs(["webhooks"]) == 1
    page.reload()
    log = page.get_by_test_id("delivery-log")
    expect(log.get_by_text("Delivered")).to_be_visible()
    expect(log.get_by_text("webhook.test")).to_be_visible()
    assert verified(endpoint, receiver.received[0])["type"] == "webhook.test"
    assert overflow(page) <= 0
    assert axe(page) == []
    if viewport is PHONE:
        page.screenshot(path="/tmp/webhook-phone.png", full_page=True)
    else:
        page.goto(live_server.url + "/desk/webhooks/")
        page.screenshot(path="/tmp/webhooks-laptop.png", full_page=True)
