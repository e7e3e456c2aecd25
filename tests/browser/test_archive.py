"""Archived copies in a real browser: a journalist adds evidence, and "Passage found in the archived
copy" appears in its row once the job has fetched the source, without a reload; a reader opens the
archived copy of a published check's evidence. On a phone nothing scrolls sideways; axe finds
nothing serious."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.test_archive_text import STATS_PAGE

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 900}
PASSAGE = "1,900 Iraqis arrived in the UK by small boat, down from 2,600 in the previous year."


def overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_the_passage_is_found_in_the_archived_copy_without_a_reload(open_as, live_server, people, axe, site,
                                                                    run_jobs, viewport):
    url = site.serve("/stats/boats", STATS_PAGE)
    claim = factories.ClaimFactory(researching=True, assignee=people["journalist"], source=None)
    page = open_as(people["journalist"], viewport=viewport)
    page.goto(f"{live_server.url}/desk/claims/{claim.pk}/")
    page.evaluate("window.__noReload = 'still here'")

    page.get_by_role("button", name="Add evidence").click()
    form = page.locator("#evidence-add-form")
    form.get_by_label("URL").fill(url)
    form.get_by_label("Title").fill("Small boat arrivals")
    form.get_by_label("Quoted passage").fill(PASSAGE)
    form.get_by_label("Stance").select_option("contradicts")
    form.get_by_role("button", name="Save evidence").click()
    row = page.get_by_test_id("evidence-row").filter(has_text="Small boat arrivals")
    expect(row.get_by_text("Archiving the source…")).to_be_visible()

    assert run_jobs() == 1  # the worker fetches the source
    expect(row.get_by_text("Passage found in the archived copy")).to_be_visible(timeout=8_000)
    assert page.evaluate("window.__noReload") == "still here"
    assert overflow(page) <= 0
    assert axe(page) == []


def test_a_reader_opens_the_archived_copy_of_a_published_check(open_as, live_server, site, run_jobs, axe):
    from claims.archiving.store import archive_request
    from claims.models import Evidence

    url = site.serve("/stats/boats", STATS_PAGE)
    claim = factories.ClaimFactory(published=True, source=None)
    evidence = factories.EvidenceFactory(claim=claim, url=url, title="Small boat arrivals", passage=PASSAGE)
    copy = archive_request(url)
    run_jobs()
    Evidence.objects.filter(pk=evidence.pk).update(archive=copy)
    page = open_as(None, viewport=PHONE)
    page.goto(f"{live_server.url}{claim.get_absolute_url()}")
    page.get_by_role("link", name="Archived copy").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Small boat arrivals & returns: year to March 2025")
    expect(page.get_by_test_id("archive-banner")).to_contain_text(url)
    expect(page.locator(".archive-text")).to_contain_text("1,900 Iraqis arrived in the UK by small boat")
    assert overflow(page) <= 0
    assert axe(page) == []
