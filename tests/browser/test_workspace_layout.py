"""The workspace built around the claim, as a person uses it: the quote as the heading, the action
bar under it, notes anchored by keyboard, panels that fold and stay folded, and a phone."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from playwright.sync_api import Page, expect

from claims.models import Annotation, Claim
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
QUOTE = "Crossings rose by 20% in Dover this summer."


def active_inside(page: Page, selector: str) -> bool:
    return page.evaluate("(sel) => { const a = document.activeElement;"
                         " return !!a && a !== document.body && !!a.closest(sel); }", selector)


def open_workspace(open_as, live_server, user, claim, viewport=DESKTOP) -> Page:
    page = open_as(user, viewport=viewport)
    page.goto(f"{live_server.url}/desk/claims/{claim.pk}/")
    return page


def test_it_heads_the_workspace_with_the_quote_and_its_status(open_as, live_server, people):
    claim = factories.ClaimFactory(quote=QUOTE)
    page = open_workspace(open_as, live_server, people["journalist"], claim)
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text(QUOTE)
    expect(heading.locator(".status")).to_have_text("Logged")
    expect(page.locator("#workflow").get_by_role("button", name="Assign to me")).to_be_visible()


def test_it_keeps_the_focus_in_the_changed_region(open_as, live_server, people):
    claim = factories.ClaimFactory(quote=QUOTE)
    page = open_workspace(open_as, live_server, people["journalist"], claim)
    page.get_by_role("button", name="Assign to me").click()
    expect(page.get_by_test_id("claim-status")).to_have_text("Researching")
    expect(page.locator("#workspace :focus")).to_have_count(1)
    assert active_inside(page, "#workspace")

    page.get_by_role("textbox", name="Note").fill("Which summer?")
    page.get_by_role("button", name="Add note").click()
    expect(page.get_by_test_id("note")).to_contain_text("Which summer?")
    expect(page.locator("#notes-panel :focus")).to_have_count(1)
    assert active_inside(page, "#notes-panel")


def test_it_anchors_a_note_to_words_chosen_by_keyboard(open_as, live_server, people):
    # The emoji is one code point on the server and two UTF-16 units in the browser.
    claim = factories.ClaimFactory(researching=True, quote="🚤 Crossings rose by 20% this summer.")
    page = open_workspace(open_as, live_server, people["journalist"], claim)
    page.evaluate("window.__noReload = 'still here'")
    words = page.locator("#quote-text .word")
    words.first.focus()  # the words' one tab stop
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Shift+ArrowRight")
    expect(page.locator("#quote-text .word.is-selected")).to_have_count(2)
    expect(page.get_by_test_id("quote-selection")).to_have_text("Selected for the note: Crossings rose")
    page.get_by_role("textbox", name="Note").fill("Rose from what?")
    page.get_by_role("button", name="Add note").click()

    expect(page.get_by_test_id("note").locator("mark")).to_have_text("Crossings rose")
    # The quote shows the new note's highlight without a reload.
    expect(page.locator("#quote-text mark")).to_have_text(["Crossings ", "rose"])
    assert page.evaluate("window.__noReload") == "still here"
    note = Annotation.objects.get()
    assert claim.quote[note.start:note.end] == "Crossings rose"


def test_it_folds_panels_and_remembers_them(open_as, live_server, people):
    claim = factories.ClaimFactory(researching=True, quote=QUOTE)
    page = open_workspace(open_as, live_server, people["journalist"], claim)
    toggle = page.locator("#history-heading").get_by_role("button", name="History")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(page.get_by_test_id("history")).to_be_hidden()

    page.reload()
    toggle = page.locator("#history-heading").get_by_role("button", name="History")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(page.get_by_test_id("history")).to_be_hidden()
    # A refresh of the panel (a new note) keeps it folded.
    page.get_by_role("textbox", name="Note").fill("Check the Dover figure.")
    page.get_by_role("button", name="Add note").click()
    expect(page.get_by_test_id("note")).to_have_count(1)
    page.wait_for_load_state("networkidle")
    expect(page.locator("#history-heading").get_by_role("button")).to_have_attribute("aria-expanded", "false")
    expect(page.get_by_test_id("history")).to_be_hidden()
    toggle = page.locator("#history-heading").get_by_role("button", name="History")
    toggle.click()
    expect(page.get_by_test_id("history")).to_be_visible()


@pytest.fixture
def demo(monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "demo-password-for-browser-tests-5512")
    call_command("load_demo", stdout=StringIO())
    return get_user_model().objects.get(username="editor")


@pytest.mark.parametrize("quote", ["barely any small boat arrivals are Iraqi",
                                   "It's a sham designed to look tough while crossings keep soaring."])
def test_it_fits_the_demo_workspaces_in_two_screens(open_as, live_server, demo, quote):
    claim = Claim.objects.get(quote=quote)
    page = open_workspace(open_as, live_server, demo, claim)
    page.locator("#history-heading").get_by_role("button", name="History").click()
    expect(page.get_by_test_id("history")).to_be_hidden()
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height <= 2 * DESKTOP["height"], f"{quote!r}: {height}px"


@pytest.mark.parametrize("state", ["logged", "researching", "published"])
def test_it_fits_a_phone(open_as, live_server, people, state):
    claim = factories.ClaimFactory(quote=QUOTE + " Over 50,000 people crossed.", **(
        {} if state == "logged" else {state: True}))
    if state == "published":
        factories.EvidenceFactory(claim=claim, title="Small boat arrivals, year to March 2025", figure_value=45000,
                                  figure_unit="people", figure_period="year to March 2025")
    page = open_workspace(open_as, live_server, people["editor"], claim, viewport=PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    bar = page.locator("#workflow")
    bar.scroll_into_view_if_needed()
    expect(bar).to_be_in_viewport()
    first = bar.locator("button, summary").first
    expect(first).to_be_visible()
    box = first.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]


def test_it_breaks_no_figure_inside_a_word(open_as, live_server, people):
    claim = factories.ClaimFactory(researching=True, quote="Over 50,000 people have crossed the Channel.",
                                   claim_checked="")
    factories.EvidenceFactory(claim=claim, title="Small boat arrivals table", figure_value=45000,
                              figure_unit="people", figure_period="")
    for viewport in (DESKTOP, PHONE):
        page = open_workspace(open_as, live_server, people["journalist"], claim, viewport=viewport)
        panel = page.get_by_test_id("comparisons")
        expect(panel).to_be_visible()
        # Each term and each figure sits on one line: its height is one line's.
        broken = page.evaluate("""() => [...document.querySelectorAll('[data-testid=comparisons] dt,'
            + ' [data-testid=comparisons] .number')].filter(el => {
                const lh = parseFloat(getComputedStyle(el).lineHeight) || 24;
                return el.getClientRects().length > 1 || el.getBoundingClientRect().height > lh * 1.5;
            }).map(el => el.textContent)""")
        assert broken == [], viewport


@pytest.mark.parametrize("state", ["researching", "in_review", "published"])
def test_it_passes_axe_in_both_schemes(open_as, live_server, people, axe, state):
    claim = factories.ClaimFactory(quote=QUOTE, **{state: True})
    factories.AnnotationFactory(claim=claim, start=0, end=9)
    page = open_workspace(open_as, live_server, people["editor"], claim)
    assert axe(page, "light") == []
    assert axe(page, "dark") == []
