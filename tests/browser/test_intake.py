"""Article intake as a journalist clicks it: paste, find, tick, log, without a page reload."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import Page, expect

from claims.models import Claim, Source, Speaker, Status
from claims.setup import JOURNALISTS
from tests import factories
from tests.browser.helpers import signed_in

pytestmark = pytest.mark.django_db(transaction=True)

ARTICLE = """Ministers and opposition trade figures on the coast

By our political staff

The row over small boat crossings deepened on Tuesday at rival events on the Kent coast.

Dana Whitfield said: "More than 48,000 people have crossed the Channel in small boats since the election."

The Home Office disputed her account within the hour. Rob Kettering said: "Returns are up 23% this year and \
we have removed 9,400 people with no right to be here."

Earlier, at a community centre in Dover, Dana Whitfield said: "It is lovely to be back in Kent, thank you all \
for coming."
"""


@pytest.fixture
def journalist_user():
    return factories.UserFactory(username="amira", first_name="Amira", last_name="Khan",
                                 groups=[Group.objects.get(name=JOURNALISTS)])


def test_it_logs_claims_picked_from_a_pasted_article(page: Page, live_server, journalist_user):
    dana = factories.SpeakerFactory(name="Dana Whitfield", role="Shadow Home Secretary")
    signed_in(page, live_server, journalist_user)
    page.goto(f"{live_server.url}/desk/intake/")
    page.evaluate("window.__noReload = 'still here'")

    page.get_by_label("Article text").fill(ARTICLE)
    page.get_by_role("button", name="Find claims").click()

    results = page.get_by_test_id("candidates")
    crossings = page.get_by_role("checkbox", name=re.compile("48,000 people have crossed the Channel"))
    returns = page.get_by_role("checkbox", name=re.compile("removed 9,400 people"))
    expect(crossings).to_be_visible()
    expect(returns).to_be_visible()
    expect(results.locator("mark.number", has_text="48,000")).to_be_visible()
    expect(results.get_by_test_id("speaker-match").first).to_contain_text("Dana Whitfield")
    expect(results.get_by_test_id("speaker-new").first).to_be_visible()
    assert page.evaluate("window.__noReload") == "still here"  # swapped in, not reloaded

    crossings.check()
    returns.check()
    page.get_by_role("button", name="Log selected claims").click()

    expect(page).to_have_url(re.compile(r"/desk/claims/\?status=logged$"))
    table = page.get_by_test_id("claims-table")
    expect(table).to_contain_text("48,000 people have crossed the Channel")
    expect(table).to_contain_text("removed 9,400 people")
    logged = Claim.objects.filter(status=Status.LOGGED).select_related("speaker", "source")
    assert logged.count() == 2
    assert {claim.speaker.name for claim in logged} == {"Dana Whitfield", "Rob Kettering"}
    assert Speaker.objects.filter(name="Dana Whitfield").get() == dana
    source = Source.objects.get()
    assert {claim.source for claim in logged} == {source}
    assert "Rob Kettering said" in source.full_text
    assert all(claim.checkworthiness is not None for claim in logged)
