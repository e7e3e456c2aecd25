"""A reader on the public site: search, a fact-check, the speaker's scorecard; on a phone; with axe-core."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from playwright.sync_api import Page, expect

from claims.models import Claim
from tests import factories
from tests.browser.helpers import serious_violations

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 375, "height": 812}


@pytest.fixture
def site():
    """Published checks by one speaker, and one by someone else; the public cache starts empty."""
    cache.clear()  # transactional tests flush the models' tables, not the cache table
    speaker = factories.SpeakerFactory(name="Jo Mayor", slug="jo-mayor", role="Mayor of Exampleton")
    topic = factories.TopicFactory(name="Food prices", slug="food-prices")
    claim = factories.ClaimFactory(
        quote="Turnips cost half what they did when I took office, and bread is cheaper than ever before.",
        claim_checked="Turnip prices have halved since the mayor took office.",
        speaker=speaker, published=True, with_verdict=False)
    claim.topics.add(topic)
    factories.VerdictFactory(claim=claim, rating=factories.rating("false"), published_at=claim.published_at,
                             conclusion="Market data show turnip prices rose by a fifth over the period.",
                             analysis="The council's market survey gives **£1.20** a kilo, up from £1.00.")
    factories.EvidenceFactory(claim=claim, title="Market price survey", passage="Turnips: £1.20/kg (was £1.00).")
    factories.ReplyAttemptFactory(claim=claim, response="The mayor meant organic turnips.")
    second = factories.ClaimFactory(quote="Every bus in Exampleton now runs on time.", speaker=speaker,
                                    published=True)
    factories.EvidenceFactory(claim=second)
    factories.ClaimFactory(quote="Turnip exports tripled this year.", published=True)
    factories.ClaimFactory(quote="Turnip farms will double, in a draft not yet checked.", speaker=speaker,
                           in_review=True)
    from claims.services import refresh_search_vectors

    refresh_search_vectors(Claim.objects.values_list("pk", flat=True))
    return claim


def test_it_takes_a_reader_from_search_to_a_verdict_and_the_speakers_scorecard(page: Page, live_server, site):
    csp_errors = []
    page.on("console", lambda message: csp_errors.append(message.text)
            if "Content Security Policy" in message.text else None)

    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="Latest fact-checks", level=1)).to_be_visible()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Search", exact=True).click()
    page.get_by_role("searchbox", name="Search").fill("turnips")
    page.get_by_role("button", name="Search", exact=True).click()

    results = page.locator("#search-results")
    expect(results.get_by_role("status")).to_contain_text("2 results")
    found = results.get_by_role("link", name=re.compile("Jo Mayor: “Turnips cost half"))
    expect(found).to_be_visible()
    expect(results.locator("mark").first).to_have_text(re.compile("turnips", re.IGNORECASE))
    expect(results).not_to_contain_text("draft not yet checked")
    expect(page).to_have_url(re.compile(r"/search/\?.*q=turnips"))

    found.click()
    expect(page).to_have_url(f"{live_server.url}/claims/{site.slug}/")
    expect(page.get_by_test_id("quote")).to_contain_text("Turnips cost half what they did")
    expect(page.get_by_test_id("rating")).to_have_text("False")
    expect(page.get_by_test_id("conclusion")).to_have_text(
        "Market data show turnip prices rose by a fifth over the period.")
    expect(page.get_by_test_id("evidence").get_by_role("link", name="Market price survey")).to_be_visible()

    page.get_by_test_id("factcheck").get_by_role("link", name="Jo Mayor", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/speakers/jo-mayor/")
    expect(page.get_by_role("heading", name="Jo Mayor", level=1)).to_be_visible()
    chart = page.get_by_role("img", name="Jo Mayor: published fact-checks by rating")
    expect(chart).to_be_visible()
    scorecard = page.get_by_test_id("scorecard").get_by_role("table")
    expect(scorecard.get_by_role("row", name="False 1", exact=True)).to_be_visible()
    expect(scorecard.get_by_role("row", name="Mostly false 1", exact=True)).to_be_visible()
    expect(page.get_by_test_id("claim-card")).to_have_count(2)
    assert csp_errors == []


def test_it_reads_well_on_a_phone_without_sideways_scrolling(page: Page, live_server, site):
    page.set_viewport_size(PHONE)
    for path in ("/", f"/claims/{site.slug}/", "/speakers/jo-mayor/", "/search/?q=turnips", "/speakers/",
                 "/topics/food-prices/", "/methodology/", "/corrections/", "/suggest/"):
        page.goto(f"{live_server.url}{path}")
        expect(page.locator("main")).to_be_visible()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{path} is {width}px wide on a {PHONE['width']}px screen"


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_it_has_no_serious_accessibility_violations_on_public_pages(page: Page, live_server, site, viewport):
    if viewport:
        page.set_viewport_size(viewport)
    for path, ready in (
        ("/", lambda: page.get_by_test_id("claim-card").first),
        (f"/claims/{site.slug}/", lambda: page.get_by_test_id("rating")),
        ("/speakers/jo-mayor/", lambda: page.get_by_test_id("scorecard")),
        ("/search/?q=turnips", lambda: page.locator("#search-results mark").first),
    ):
        page.goto(f"{live_server.url}{path}")
        expect(ready()).to_be_visible()
        assert serious_violations(page) == [], path


def test_it_has_no_serious_accessibility_violations_on_the_suggest_form(page: Page, live_server, site):
    page.goto(f"{live_server.url}/suggest/")
    assert serious_violations(page) == []
    page.get_by_label("Email").fill("not an address")
    page.get_by_role("button", name="Send suggestion").click()
    expect(page.locator(".field-error").first).to_be_visible()
    assert serious_violations(page) == []
    page.get_by_label("Claim").fill("The mayor said turnips cost half as much.")
    page.get_by_label("Email").fill("reader@example.org")
    page.get_by_role("button", name="Send suggestion").click()
    expect(page.get_by_test_id("thanks")).to_be_visible()
