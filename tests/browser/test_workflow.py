"""The editorial workflow as people click it: submit, send back, resubmit, two approvals, publish,
correct. Each person has their own browser context (their own cookies)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from claims import services
from claims.models import Claim, Correction, Verdict
from tests import factories
from tests.factories import rating

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def prepared(people) -> Claim:
    """A claim in research with evidence and a verdict, written by the journalist."""
    journalist = people["journalist"]
    claim = services.claim_create(
        actor=journalist, speaker=factories.SpeakerFactory(name="Chris Example", role="Shadow Home Secretary"),
        quote="Over 50,000 illegal immigrants have crossed the Channel in Labour's short time in power.",
        claim_checked="More than 50,000 people crossed the Channel by small boat since the election.")
    services.claim_assign(claim_id=claim.pk, actor=journalist)
    services.evidence_add(claim_id=claim.pk, actor=journalist, data={
        "url": "https://stats.example.org/small-boats", "title": "Small boat arrivals, year to March",
        "stance": "contradicts", "passage": "1,900 Iraqis arrived by small boat, down from 2,600."})
    services.verdict_save(claim_id=claim.pk, actor=journalist, version=None, data={
        "rating": rating("mostly-false"), "conclusion": "The total counts arrivals under both governments.",
        "analysis": "The **Home Office** table counts from January."})
    return claim


def test_it_takes_a_verdict_from_submission_to_a_public_correction(open_as, live_server, people, prepared,
                                                                    settings):
    settings.REVIEW_APPROVALS_REQUIRED = 2
    desk_url = f"{live_server.url}/desk/claims/{prepared.pk}/"
    public_url = f"{live_server.url}/claims/{prepared.slug}/"
    status = "claim-status"

    # The journalist submits the prepared check.
    journalist = open_as(people["journalist"])
    journalist.goto(desk_url)
    journalist.get_by_role("button", name="Submit for review").click()
    expect(journalist.get_by_test_id(status)).to_have_text("In review")
    expect(journalist.get_by_role("button", name="Submit for review")).to_have_count(0)

    # An editor sends it back with a comment.
    editor = open_as(people["editor"])
    editor.goto(desk_url)
    expect(editor.get_by_test_id("approvals")).to_have_text("0 of 2 approvals")
    comment = "Say which twelve months the 1,900 figure covers."
    editor.locator("#workflow summary", has_text="Request changes").click()  # the comment opens in place
    editor.get_by_label("What needs to change").fill(comment)
    editor.get_by_role("button", name="Request changes").click()
    expect(editor.get_by_test_id(status)).to_have_text("Researching")

    # The journalist reads the comment, rewords the conclusion and resubmits.
    journalist.reload()
    expect(journalist.get_by_test_id("changes-requested")).to_contain_text(comment)
    expect(journalist.get_by_test_id("changes-requested")).to_contain_text("Tom Hughes")
    new_conclusion = "In the year to March, fewer people crossed than the claim says."
    journalist.get_by_label("Conclusion").fill(new_conclusion)
    journalist.get_by_role("button", name="Save verdict").click()
    expect(journalist.locator("#verdict-panel").get_by_role("status")).to_have_text("Verdict saved.")
    journalist.get_by_role("button", name="Submit for review").click()
    expect(journalist.get_by_test_id(status)).to_have_text("In review")

    # Two editors approve; the first approval alone does not publish.
    editor.reload()
    expect(editor.get_by_test_id("approvals")).to_have_text("0 of 2 approvals")
    editor.get_by_role("button", name="Approve").click()
    expect(editor.get_by_test_id("approvals")).to_have_text("1 of 2 approvals")
    expect(editor.get_by_test_id(status)).to_have_text("In review")

    editor2 = open_as(people["editor2"])
    editor2.goto(desk_url)
    expect(editor2.get_by_test_id("approvals")).to_have_text("1 of 2 approvals")
    editor2.get_by_role("button", name="Approve").click()
    expect(editor2.get_by_test_id(status)).to_have_text("Published")

    # Readers see the verdict.
    reader = open_as()
    reader.goto(public_url)
    expect(reader.get_by_test_id("rating")).to_have_text(re.compile(r"Mostly false"))
    expect(reader.get_by_test_id("conclusion")).to_have_text(new_conclusion)

    # An editor corrects it; the correction note is public.
    corrected = "In the year to March, 44,000 people crossed: fewer than claimed."
    note = "We corrected the figure for the year to March."
    editor.reload()
    editor.locator("summary", has_text="Correct this fact-check").click()
    form = editor.locator("details.correct")
    form.get_by_label("Conclusion").fill(corrected)
    form.get_by_label("Kind").select_option(label="Correction")
    form.get_by_label("Public note").fill(note)
    form.get_by_role("button", name="Correct", exact=True).click()
    expect(editor.locator("details.correct")).to_have_count(1)
    expect(editor.get_by_test_id("history")).to_contain_text(note)

    reader.goto(public_url)
    expect(reader.get_by_test_id("conclusion")).to_have_text(corrected)
    expect(reader.get_by_test_id("corrections-log")).to_contain_text(note)
    expect(reader.get_by_test_id("corrections-log")).to_contain_text("Correction")

    claim = Claim.objects.get(pk=prepared.pk)
    assert claim.status == "published" and claim.review_round == 2
    assert Verdict.objects.get(claim=claim).conclusion == corrected
    assert Correction.objects.get(claim=claim).previous["conclusion"] == new_conclusion
