"""The desk as a journalist uses it: nothing reloads the page when one piece changes."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import Browser, Page, expect

from claims.models import Annotation, Claim, Evidence, Speaker, Status, Tip, Verdict
from claims.setup import JOURNALISTS
from tests import factories
from tests.browser.helpers import serious_violations, signed_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def journalist_user():
    return factories.UserFactory(username="amira", first_name="Amira", last_name="Khan",
                                 groups=[Group.objects.get(name=JOURNALISTS)])


def mark_window(page: Page) -> None:
    page.evaluate("window.__noReload = 'still here'")


def assert_not_reloaded(page: Page) -> None:
    assert page.evaluate("window.__noReload") == "still here"


def test_it_creates_a_claim_with_a_new_speaker(page: Page, live_server, journalist_user):
    signed_in(page, live_server, journalist_user)
    page.goto(f"{live_server.url}/desk/claims/new/")
    mark_window(page)
    page.get_by_label("Quote").fill("Over 40,000 people crossed the Channel last year.")
    page.get_by_role("link", name="Add speaker").click()
    page.get_by_label("Name").fill("Robin Example")
    page.get_by_label("Role or title").fill("Shadow Minister")
    page.get_by_role("button", name="Save speaker").click()
    expect(page.get_by_label("Speaker", exact=True)).to_have_value("Robin Example")
    assert_not_reloaded(page)
    page.get_by_label("Claim as checked").fill("40,000 people crossed the Channel last year.")
    page.get_by_role("button", name="Save claim").click()
    expect(page).to_have_url(re.compile(r"/desk/claims/\d+/$"))
    claim = Claim.objects.get()
    assert claim.speaker == Speaker.objects.get(name="Robin Example")
    assert claim.status == Status.LOGGED


def test_it_shows_similar_claims_while_the_quote_is_typed(page: Page, live_server, journalist_user):
    factories.ClaimFactory(quote="Barely any small boat arrivals are from that country.", published=True)
    signed_in(page, live_server, journalist_user)
    page.goto(f"{live_server.url}/desk/claims/new/")
    mark_window(page)
    page.get_by_label("Quote").press_sequentially("small boat arrivals", delay=10)
    panel = page.get_by_test_id("similar-claims")
    expect(panel.get_by_role("link", name=re.compile("Barely any small boat"))).to_be_visible()
    expect(panel.get_by_text(re.compile("Already checked"))).to_be_visible()
    assert_not_reloaded(page)


def add_evidence(page: Page, title: str) -> None:
    page.get_by_role("button", name="Add evidence").click()
    form = page.locator("#evidence-add-form")
    form.get_by_label("URL").fill(f"https://stats.example.org/{title.lower().replace(' ', '-')}")
    form.get_by_label("Title").fill(title)
    form.get_by_label("Stance").select_option("supports")
    form.get_by_role("button", name="Save evidence").click()
    expect(page.get_by_test_id("evidence-list").get_by_role("link", name=title)).to_be_visible()


def test_it_edits_evidence_inline_without_reloading(page: Page, live_server, journalist_user):
    claim = factories.ClaimFactory(researching=True, assignee=journalist_user)
    signed_in(page, live_server, journalist_user)
    page.goto(f"{live_server.url}/desk/claims/{claim.pk}/")
    mark_window(page)

    for title in ("First table", "Second table", "Third table"):
        add_evidence(page, title)
    rows = page.get_by_test_id("evidence-row")
    expect(rows).to_have_count(3)

    page.get_by_role("button", name="Edit Second table").click()
    page.locator("#evidence-panel").get_by_label("Title").fill("Second table, revised")
    page.locator("#evidence-panel").get_by_role("button", name="Save evidence").click()
    expect(page.get_by_role("link", name="Second table, revised")).to_be_visible()

    page.get_by_role("button", name="Remove First table").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("Remove this evidence: First table?")
    dialog.get_by_role("button", name="Remove evidence", exact=True).click()
    expect(rows).to_have_count(2)

    page.get_by_role("button", name="Move up Third table").click()
    expect(rows.first).to_contain_text("Third table")

    assert_not_reloaded(page)
    assert list(Evidence.objects.filter(claim=claim).order_by("position").values_list("title", flat=True)) == [
        "Third table", "Second table, revised"]
    expect(page.get_by_test_id("history")).to_contain_text("reordered evidence")


def test_it_annotates_a_selected_span(page: Page, live_server, journalist_user):
    # The emoji takes two UTF-16 units in the browser and one code point on the server.
    claim = factories.ClaimFactory(researching=True, quote="🚤 Crossings rose by 20% this summer.")
    signed_in(page, live_server, journalist_user)
    page.goto(f"{live_server.url}/desk/claims/{claim.pk}/")
    mark_window(page)
    page.evaluate("""() => {
        // The quote is a list of words: find the text that holds "20%".
        const walker = document.createTreeWalker(document.getElementById('quote-text'), NodeFilter.SHOW_TEXT);
        let text = walker.nextNode();
        while (text && !text.data.includes('20%')) text = walker.nextNode();
        const start = text.data.indexOf('20%');
        const range = document.createRange();
        range.setStart(text, start);
        range.setEnd(text, start + 3);
        const selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
        document.dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
    }""")
    page.get_by_role("textbox", name="Note").fill("Compared with which summer?")
    page.get_by_role("button", name="Add note").click()
    note = page.get_by_test_id("note")
    expect(note).to_contain_text("Compared with which summer?")
    expect(note.locator("mark")).to_have_text("20%")
    assert_not_reloaded(page)
    saved = Annotation.objects.get()
    assert claim.quote[saved.start:saved.end] == "20%"


def test_it_previews_and_saves_a_verdict(page: Page, live_server, journalist_user):
    claim = factories.ClaimFactory(researching=True)
    signed_in(page, live_server, journalist_user)
    page.goto(f"{live_server.url}/desk/claims/{claim.pk}/")
    mark_window(page)
    page.get_by_label("Rating").select_option(label="Mostly false")
    page.get_by_label("Conclusion").fill("The figure counts plans, not homes built.")
    page.get_by_label("Analysis").fill("The table shows **1,900** completions.\n\n<script>alert(1)</script>")
    page.get_by_role("button", name="Preview").click()
    preview = page.get_by_test_id("analysis-preview")
    expect(preview.locator("strong")).to_have_text("1,900")
    assert preview.locator("script").count() == 0
    page.get_by_role("button", name="Save verdict").click()
    expect(page.locator("#verdict-panel").get_by_role("status")).to_have_text("Verdict saved.")
    assert_not_reloaded(page)
    verdict = Verdict.objects.get(claim=claim)
    assert verdict.rating.label == "Mostly false"
    assert verdict.conclusion == "The figure counts plans, not homes built."


def test_it_shows_a_conflict_when_two_people_edit_the_same_claim(browser: Browser, live_server, journalist_user):
    other = factories.UserFactory(username="second", groups=[Group.objects.get(name=JOURNALISTS)])
    claim = factories.ClaimFactory(researching=True, claim_checked="Original wording.")
    pages = []
    for user in (journalist_user, other):
        page = browser.new_context().new_page()
        signed_in(page, live_server, user)
        page.goto(f"{live_server.url}/desk/claims/{claim.pk}/")
        pages.append(page)
    first, second = pages

    first.get_by_label("Claim as checked").fill("First person's wording.")
    first.get_by_role("button", name="Save claim").click()
    expect(first.locator("#claim-form").get_by_role("status")).to_have_text("Claim saved.")

    second.get_by_label("Claim as checked").fill("Second person's wording.")
    second.get_by_role("button", name="Save claim").click()
    conflict = second.get_by_test_id("conflict")
    expect(conflict).to_contain_text("Someone else changed this claim")
    expect(conflict).to_contain_text("First person's wording.")
    expect(second.get_by_label("Claim as checked")).to_have_value("Second person's wording.")
    claim.refresh_from_db()
    assert claim.claim_checked == "First person's wording."


def test_it_converts_a_tip_into_a_claim(page: Page, live_server, journalist_user):
    speaker = factories.SpeakerFactory(name="Jo Mayor")
    tip = factories.TipFactory(text="The mayor said crime fell by half.")
    signed_in(page, live_server, journalist_user)
    page.goto(f"{live_server.url}/desk/tips/")
    page.get_by_role("link", name="Create claim from tip").click()
    expect(page.get_by_label("Quote")).to_have_value("The mayor said crime fell by half.")
    page.get_by_label("Speaker", exact=True).fill(speaker.name)
    page.get_by_role("button", name="Save claim").click()
    expect(page).to_have_url(re.compile(r"/desk/claims/\d+/$"))
    tip.refresh_from_db()
    assert tip.status == Tip.TipStatus.CONVERTED
    assert tip.claim.speaker == speaker


def test_it_has_no_serious_accessibility_violations_in_the_workspace(page: Page, live_server, journalist_user):
    claim = factories.ClaimFactory(researching=True, assignee=journalist_user, quote="Crossings rose by 20% this year.")
    factories.EvidenceFactory(claim=claim, numeric=True)
    factories.AnnotationFactory(claim=claim, author=journalist_user, start=0, end=9)
    factories.VerdictFactory(claim=claim, author=journalist_user)
    factories.ReplyAttemptFactory(claim=claim)
    signed_in(page, live_server, journalist_user)
    for path in (f"/desk/claims/{claim.pk}/", "/desk/claims/new/", "/desk/intake/", "/desk/tips/",
                 "/desk/speakers/"):
        page.goto(f"{live_server.url}{path}")
        assert serious_violations(page) == [], path
    page.goto(f"{live_server.url}/desk/claims/{claim.pk}/")
    page.get_by_role("button", name="Add evidence").click()
    expect(page.locator("#evidence-add-form")).to_be_visible()
    assert serious_violations(page) == []
