"""What keeps the record trustworthy, as people click it: a quote said again joins its claim, a merge,
the consistency gate, the four-eyes rule across rounds, the public record editors guard, what the
reviewer sees changed, and the status line after each action. Each person has their own browser
context (their own cookies), on a laptop-size screen; one check runs on a phone."""

from __future__ import annotations

import json
import re

import pytest
from django.core.cache import cache
from playwright.sync_api import Page, expect

from claims import services
from claims.models import Claim, ConsistencyNote, ReviewVote, Speaker, Status
from tests import factories
from tests.factories import rating

pytestmark = pytest.mark.django_db(transaction=True)

LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}

BUS_FARES = "Exampleton has cut bus fares by half for every pensioner since the spring budget."


@pytest.fixture
def public_cache():
    cache.clear()  # transactional tests flush the models' tables, not the cache table


def researched(*, journalist, quote: str, speaker: Speaker, conclusion: str, verdict_by=None,
               different_reason: str | None = None) -> Claim:
    """A claim in research with evidence and a "Mostly false" verdict, assigned to the journalist."""
    claim = services.claim_create(actor=journalist, speaker=speaker, quote=quote,
                                  claim_checked="Bus fares for pensioners have halved since the spring.",
                                  different_reason=different_reason)
    services.claim_assign(claim_id=claim.pk, actor=journalist)
    services.evidence_add(claim_id=claim.pk, actor=journalist, data={
        "url": "https://transport.example.org/fares-2025", "title": "Concessionary fares, 2025",
        "stance": "contradicts", "passage": "Pensioner fares fell from £2.00 to £1.50."})
    services.verdict_save(claim_id=claim.pk, actor=verdict_by or journalist, version=None, data={
        "rating": rating("mostly-false"), "conclusion": conclusion,
        "analysis": "The council's fare table shows a **25%** cut."})
    return claim


def fill_new_claim(page: Page, live_server, *, quote: str, speaker: str) -> None:
    page.goto(f"{live_server.url}/desk/claims/new/")
    page.get_by_label("Quote").fill(quote)
    page.get_by_label("Speaker", exact=True).fill(speaker)
    page.get_by_label("Source URL").fill("https://video.example.org/hustings-debate")
    page.get_by_label("Date said").fill("2025-09-01")


def posted(page: Page, path: str):
    """Wait for the answer to the form the next click posts to ``path``."""
    return page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith(path))


def action_message(page: Page):
    """The status line after a workflow action, swapped into the workspace by htmx."""
    return page.locator("#workspace").get_by_test_id("action-message")


@pytest.fixture
def existing() -> Claim:
    """A claim already being researched, said by one speaker."""
    return factories.ClaimFactory(researching=True, quote=BUS_FARES,
                                  speaker=factories.SpeakerFactory(name="Dana Exampleton", role="Council leader"))


# ---------------------------------------------------------------- the same quote said again

def test_it_stops_a_duplicate_quote_and_adds_it_as_an_appearance(open_as, live_server, people, existing):
    factories.SpeakerFactory(name="Lee Sampleford", role="Deputy leader")
    page = open_as(people["journalist"])
    fill_new_claim(page, live_server, quote=BUS_FARES, speaker="Lee Sampleford")
    with posted(page, "/desk/claims/new/") as answer:
        page.get_by_role("button", name="Save claim", exact=True).click()
    assert answer.value.status == 409

    choice = page.get_by_test_id("duplicate-choice")
    expect(choice.get_by_role("heading", name="Already logged?")).to_be_visible()
    expect(choice.get_by_role("radio", name=re.compile(f"Claim {existing.pk}:"))).to_be_checked()
    assert Claim.objects.count() == 1  # nothing saved until the journalist answers

    choice.get_by_role("button", name="Add as an appearance", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/desk/claims/{existing.pk}/#appearances-panel")
    expect(page.locator("#desk-messages").get_by_role("status")).to_have_text(
        f"Added as an appearance of claim {existing.pk}.")
    appearances = page.get_by_test_id("appearances").get_by_test_id("appearance")
    expect(appearances).to_have_count(2)
    expect(appearances.nth(1)).to_contain_text("Lee Sampleford")
    expect(page.get_by_test_id("history")).to_contain_text("added an appearance")
    assert Claim.objects.count() == 1


def test_it_logs_a_matching_quote_as_a_new_claim_only_with_a_reason(open_as, live_server, people, existing):
    page = open_as(people["journalist"])
    fill_new_claim(page, live_server, quote=BUS_FARES, speaker="Dana Exampleton")
    page.get_by_role("button", name="Save claim", exact=True).click()
    reason = page.get_by_label("Why this is a different claim")
    expect(reason).to_be_visible()

    with posted(page, "/desk/claims/new/") as answer:
        page.get_by_role("button", name="Log as a new claim", exact=True).click()
    assert answer.value.status == 422
    expect(reason).to_have_attribute("aria-invalid", "true")
    expect(reason).to_have_accessible_description("Say why this is a different claim.")
    expect(page.get_by_text("Say why this is a different claim.")).to_be_visible()
    assert Claim.objects.count() == 1

    why = "Said again in the autumn, about the new tram fares rather than buses."
    page.get_by_label("Why this is a different claim").fill(why)
    page.get_by_role("button", name="Log as a new claim", exact=True).click()
    new = Claim.objects.exclude(pk=existing.pk).get()
    expect(page).to_have_url(f"{live_server.url}/desk/claims/{new.pk}/")
    expect(page.locator("#desk-messages").get_by_role("status")).to_have_text(
        "Logged as a new claim; the reason is in its history.")
    history = page.get_by_test_id("history")
    expect(history).to_contain_text("logged this as a new claim")
    expect(history).to_contain_text(why)


def test_it_keeps_the_duplicate_choice_usable_on_a_phone(open_as, live_server, people, existing):
    page = open_as(people["journalist"], viewport=PHONE)
    fill_new_claim(page, live_server, quote=BUS_FARES, speaker="Dana Exampleton")
    page.get_by_role("button", name="Save claim", exact=True).click()
    choice = page.get_by_test_id("duplicate-choice")
    for name in ("Add as an appearance", "Log as a new claim"):
        button = choice.get_by_role("button", name=name, exact=True)
        button.scroll_into_view_if_needed()
        expect(button).to_be_visible()
        expect(button).to_be_in_viewport()
        box = button.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (name, box)
        button.click(trial=True)  # nothing covers it: a tap would reach it
    choice.get_by_role("button", name="Add as an appearance", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/desk/claims/{existing.pk}/#appearances-panel")
    expect(page.get_by_test_id("appearances").get_by_test_id("appearance")).to_have_count(2)


def test_it_merges_a_claim_into_the_one_that_stays(open_as, live_server, people, existing):
    merged = factories.ClaimFactory(quote="Pensioners in Exampleton now pay half the bus fare they paid in spring.",
                                    speaker=factories.SpeakerFactory(name="Lee Sampleford"))
    page = open_as(people["editor"])
    page.goto(f"{live_server.url}/desk/claims/{merged.pk}/")
    workflow = page.locator("#workflow")
    workflow.locator("summary", has_text="Merge").click()  # the claim's number opens in place
    workflow.get_by_label("Merge into claim").fill(str(existing.pk))
    workflow.get_by_role("button", name="Merge", exact=True).click()
    dialog = page.get_by_role("dialog")  # it cannot be undone: the desk asks first
    expect(dialog).to_contain_text("Merge this claim into the one you named?")
    dialog.get_by_role("button", name="Merge", exact=True).click()

    expect(page).to_have_url(f"{live_server.url}/desk/claims/{existing.pk}/")
    expect(page.locator("#desk-messages").get_by_role("status")).to_have_text(
        f"Merged claim {merged.pk} into this one.")
    appearances = page.get_by_test_id("appearances").get_by_test_id("appearance")
    expect(appearances).to_have_count(2)
    expect(appearances.nth(1)).to_contain_text("Lee Sampleford")

    page.goto(f"{live_server.url}/desk/claims/{merged.pk}/")
    expect(page.get_by_test_id("claim-status")).to_have_text("Merged")
    expect(page.get_by_test_id("merged-into")).to_contain_text(f"Merged into claim {existing.pk}")
    expect(page.get_by_role("button", name="Merge", exact=True)).to_have_count(0)
    assert Claim.objects.get(pk=merged.pk).merged_into_id == existing.pk


# ---------------------------------------------------------------- the consistency gate

def test_it_asks_how_the_verdict_relates_to_an_earlier_ruling(open_as, live_server, people, public_cache,
                                                              settings):
    settings.REVIEW_APPROVALS_REQUIRED = 1
    speaker = factories.SpeakerFactory(name="Dana Exampleton", role="Council leader")
    earlier = factories.ClaimFactory(published=True, quote=BUS_FARES, speaker=speaker, with_verdict=False,
                                     claim_checked="Pensioner bus fares halved this spring.")
    factories.VerdictFactory(claim=earlier, rating=rating("false"), published_at=earlier.published_at)
    claim = researched(journalist=people["journalist"], quote=BUS_FARES, speaker=speaker,
                       conclusion="Fares fell by a quarter, not a half.",
                       different_reason="Said again at the autumn conference.")
    desk_url = f"{live_server.url}/desk/claims/{claim.pk}/"

    journalist = open_as(people["journalist"])
    journalist.goto(desk_url)
    gate = journalist.get_by_role("group", name="Earlier rulings with another rating")
    expect(gate).to_be_visible()
    ruling = gate.get_by_role("group", name=re.compile("rated False"))

    # No choice: refused, the error next to the choice, still in research.
    with posted(journalist, f"/desk/claims/{claim.pk}/submit/") as answer:
        journalist.get_by_role("button", name="Submit for review", exact=True).click()
    assert answer.value.status == 422
    expect(journalist.get_by_test_id("gate-message")).to_contain_text("Earlier checks of a matching claim")
    expect(ruling).to_have_attribute("aria-invalid", "true")
    expect(ruling).to_have_accessible_description("Say how this verdict relates to the earlier “False” ruling.")
    expect(journalist.get_by_test_id("claim-status")).to_have_text("Researching")

    # "Differs because…" needs the reason.
    ruling.get_by_role("radio", name="Differs because…").check()
    journalist.get_by_role("button", name="Submit for review", exact=True).click()
    why = journalist.get_by_label("Why the rating differs")
    expect(why).to_have_accessible_description("Say why the rating differs.")
    expect(journalist.get_by_test_id("claim-status")).to_have_text("Researching")
    assert Claim.objects.get(pk=claim.pk).status == Status.RESEARCHING
    assert not ConsistencyNote.objects.exists()

    reason = "The spring figure was a trial; the scheme since covers only off-peak journeys."
    journalist.get_by_label("Why the rating differs").fill(reason)
    journalist.get_by_role("button", name="Submit for review", exact=True).click()
    expect(journalist.get_by_test_id("claim-status")).to_have_text("In review")

    # The editor says the same on approving, and shows the note to readers.
    editor = open_as(people["editor"])
    editor.goto(desk_url)
    expect(editor.get_by_test_id("review-rulings")).to_contain_text(reason)
    gate = editor.get_by_test_id("consistency-approve")
    gate.get_by_role("radio", name="Differs because…").check()
    gate.get_by_label("Why the rating differs").fill(reason)
    gate.get_by_label("Show this note on the public page").check()
    editor.get_by_role("button", name="Approve", exact=True).click()
    expect(editor.get_by_test_id("claim-status")).to_have_text("Published")

    reader = open_as()
    reader.goto(f"{live_server.url}/claims/{Claim.objects.get(pk=claim.pk).slug}/")
    differs = reader.get_by_role("region", name="Why this differs from our earlier check")
    expect(differs).to_be_visible()
    expect(differs).to_contain_text(reason)
    expect(differs).to_contain_text("False")


# ---------------------------------------------------------------- four eyes across rounds

def test_it_refuses_an_approval_from_the_editor_who_wrote_the_verdict(open_as, live_server, people, settings):
    settings.REVIEW_APPROVALS_REQUIRED = 1
    journalist, editor, editor2 = people["journalist"], people["editor"], people["editor2"]
    claim = researched(journalist=journalist, quote=BUS_FARES, verdict_by=editor,
                       speaker=factories.SpeakerFactory(name="Dana Exampleton"),
                       conclusion="Fares fell by a quarter, not a half.")
    services.claim_submit(claim_id=claim.pk, actor=journalist)
    services.review_request_changes(claim_id=claim.pk, actor=editor2, comment="Name the fare table's year.")
    services.claim_submit(claim_id=claim.pk, actor=journalist)  # resubmitted unchanged, round 2

    page = open_as(editor)
    page.goto(f"{live_server.url}/desk/claims/{claim.pk}/")
    expect(page.get_by_test_id("claim-status")).to_have_text("In review")
    workflow = page.locator("#workflow")
    expect(workflow.get_by_role("button", name="Approve", exact=True)).to_have_count(0)
    expect(workflow.get_by_role("button", name="Request changes", exact=True)).to_have_count(0)

    token = json.loads(page.locator("body").get_attribute("data-hx-headers"))["X-CSRFToken"]
    response = page.request.post(f"{live_server.url}/desk/claims/{claim.pk}/approve/",
                                 form={"comment": "Fine by me."}, headers={"X-CSRFToken": token},
                                 max_redirects=0)
    assert response.status == 403

    page.reload()
    expect(page.get_by_test_id("claim-status")).to_have_text("In review")
    expect(page.get_by_test_id("approvals")).to_have_text("0 of 1 approval")
    assert Claim.objects.get(pk=claim.pk).status == Status.IN_REVIEW
    assert not ReviewVote.objects.filter(editor=editor).exists()


# ---------------------------------------------------------------- the public record

def test_it_refuses_a_journalist_renaming_a_speaker_a_published_check_shows(open_as, live_server, people):
    speaker = factories.SpeakerFactory(name="Dana Exampleton", role="Council leader")
    factories.ClaimFactory(published=True, quote=BUS_FARES, speaker=speaker)
    page = open_as(people["journalist"])
    page.goto(f"{live_server.url}/desk/speakers/{speaker.pk}/")
    page.get_by_label("Name", exact=True).fill("Dana Exampleton-Smith")
    with posted(page, f"/desk/speakers/{speaker.pk}/") as answer:
        page.get_by_role("button", name="Save speaker", exact=True).click()
    assert answer.value.status == 403
    expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()
    expect(page.get_by_text("Only editors can change what a published fact-check shows.")).to_be_visible()
    assert Speaker.objects.get(pk=speaker.pk).name == "Dana Exampleton"

    page.goto(f"{live_server.url}/desk/speakers/{speaker.pk}/")
    expect(page.get_by_label("Name", exact=True)).to_have_value("Dana Exampleton")


# ---------------------------------------------------------------- what the reviewer sees

def test_it_shows_the_reviewer_what_changed_since_the_last_round(open_as, live_server, people):
    journalist, editor2 = people["journalist"], people["editor2"]
    claim = researched(journalist=journalist, quote=BUS_FARES, speaker=factories.SpeakerFactory(name="Dana Exampleton"),
                       conclusion="Official tables show fares fell by a quarter in the spring.")
    services.claim_submit(claim_id=claim.pk, actor=journalist)
    services.review_request_changes(claim_id=claim.pk, actor=editor2, comment="Which period does the table cover?")
    verdict = claim.verdict
    services.verdict_save(claim_id=claim.pk, actor=journalist, version=verdict.version, data={
        "rating": verdict.rating, "conclusion": "Official tables show fares fell by a quarter in the year.",
        "analysis": verdict.analysis})
    services.claim_submit(claim_id=claim.pk, actor=journalist)

    page = open_as(people["editor"])
    page.goto(f"{live_server.url}/desk/claims/{claim.pk}/")
    changes = page.get_by_test_id("round-changes")
    expect(changes.get_by_role("heading", name="Changes since round 1")).to_be_visible()
    diff = changes.get_by_test_id("conclusion-diff")
    expect(diff.locator("ins")).to_have_text("year")
    expect(diff.locator("del")).to_have_text("spring")
    expect(changes.get_by_test_id("rating-change")).to_have_text("Mostly false (unchanged)")
    expect(page.get_by_role("button", name="Approve", exact=True)).to_be_visible()


# ---------------------------------------------------------------- the status line

def test_it_says_what_each_action_did_and_links_to_the_live_check(open_as, live_server, people, public_cache,
                                                                 settings):
    settings.REVIEW_APPROVALS_REQUIRED = 1
    claim = researched(journalist=people["journalist"], quote=BUS_FARES,
                       speaker=factories.SpeakerFactory(name="Dana Exampleton"),
                       conclusion="Fares fell by a quarter, not a half.")
    desk_url = f"{live_server.url}/desk/claims/{claim.pk}/"

    journalist = open_as(people["journalist"])
    journalist.goto(desk_url)
    journalist.get_by_role("button", name="Submit for review", exact=True).click()
    message = action_message(journalist)
    expect(message).to_have_text("Submitted for review. Editors have been told.")
    expect(message).to_have_attribute("role", "status")

    editor = open_as(people["editor"])
    editor.goto(desk_url)
    editor.get_by_role("button", name="Approve", exact=True).click()
    message = action_message(editor)
    expect(message).to_have_text("Published. View the fact-check")
    message.get_by_role("link", name="View the fact-check").click()

    claim.refresh_from_db()
    expect(editor).to_have_url(f"{live_server.url}/claims/{claim.slug}/")
    expect(editor.get_by_test_id("factcheck").get_by_test_id("quote")).to_contain_text(BUS_FARES)
    expect(editor.get_by_test_id("rating")).to_contain_text("Mostly false")
