"""The desk's shared design in a real browser: on a phone nothing scrolls sideways, destructive
actions ask in a dialog, refusals read as sentences, and axe-core finds nothing serious in either
colour scheme."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from claims.models import Tip
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 900}
DESK_PAGES = ["/desk/", "/desk/claims/", "/desk/claims/new/", "/desk/intake/", "/desk/tips/", "/desk/speakers/",
              "/desk/sources/", "/desk/topics/", "/desk/ratings/", "/desk/speakers/new/", "/desk/sources/new/",
              "/desk/topics/new/"]


@pytest.fixture
def newsroom(people):
    speaker = factories.SpeakerFactory(name="Dana Whitfield", role="Shadow Home Secretary and Member of Parliament "
                                                                   "for Folkestone and the Kent Coast")
    for n in range(3):
        factories.ClaimFactory(researching=True, speaker=speaker, assignee=people["journalist"],
                               quote=f"More than 48,000 people have crossed the Channel in small boats since the "
                                     f"election, and the figure rises every single week ({n}).")
    factories.ClaimFactory(published=True, speaker=speaker)
    factories.TipFactory(text="The council said it built 4,000 homes last year in Dover and Folkestone combined.",
                         url="https://example.org/a-very-long-address/that-goes-on/and-on/and-on/for-ever.html")
    factories.SourceFactory(title="Small boat arrivals: quarterly statistics to June", outlet="Home Office")
    factories.TopicFactory(name="Immigration and asylum")
    return people


def overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def test_no_desk_page_scrolls_sideways_on_a_phone(open_as, live_server, newsroom):
    page = open_as(newsroom["editor"], viewport=PHONE)
    wide = {}
    for path in DESK_PAGES:
        page.goto(live_server.url + path)
        if overflow(page) > 0:
            wide[path] = overflow(page)
    assert wide == {}, f"pages that scroll sideways (px): {wide}"


def test_the_claims_list_becomes_cards_on_a_phone(open_as, live_server, newsroom):
    page = open_as(newsroom["journalist"], viewport=PHONE)
    page.goto(live_server.url + "/desk/claims/")
    row = page.get_by_test_id("claim-row").first
    assert row.evaluate("r => getComputedStyle(r).display") == "block"
    link = row.get_by_role("link")
    # The quote keeps whole words on each line: its box is nearly the card's full width.
    assert link.bounding_box()["width"] > 250


def test_dismissing_a_tip_asks_first_in_a_dialog(open_as, live_server, newsroom):
    tip = Tip.objects.get()
    page = open_as(newsroom["journalist"], viewport=LAPTOP)
    page.goto(live_server.url + "/desk/tips/")
    page.get_by_role("button", name="Dismiss tip").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Dismiss this tip?")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    assert Tip.objects.get(pk=tip.pk).status == "new"

    page.get_by_role("button", name="Dismiss tip").click()
    dialog.get_by_role("button", name="Dismiss tip").click()
    expect(page.get_by_test_id("tip-row").first).to_contain_text("Dismissed")
    assert Tip.objects.get(pk=tip.pk).status == "dismissed"


def test_sign_out_waits_in_the_user_menu(open_as, live_server, newsroom):
    page = open_as(newsroom["journalist"], viewport=LAPTOP)
    page.goto(live_server.url + "/desk/")
    sign_out = page.get_by_role("button", name="Sign out")
    expect(sign_out).to_be_hidden()
    page.locator(".user-menu summary").click()
    expect(sign_out).to_be_visible()


def test_a_refusal_reads_as_a_sentence_inside_the_desk(open_as, live_server, newsroom):
    page = open_as(newsroom["journalist"], viewport=LAPTOP)
    page.goto(live_server.url + "/desk/ratings/")
    expect(page.get_by_test_id("refusal")).to_have_text("Only editors can manage the rating scale.")
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Claims")).to_be_visible()
    expect(page.get_by_role("link", name="Back to the desk")).to_be_visible()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_nothing_serious_on_the_desk(open_as, live_server, newsroom, axe, scheme):
    page = open_as(newsroom["editor"], viewport=LAPTOP)
    for path in ["/desk/", "/desk/claims/", "/desk/tips/", "/desk/claims/new/", "/desk/intake/", "/desk/speakers/",
                 "/desk/ratings/"]:
        page.goto(live_server.url + path)
        assert axe(page, scheme) == [], path


def test_on_a_phone_the_desk_links_wait_behind_menu(open_as, live_server, newsroom):
    page = open_as(newsroom["journalist"], viewport=PHONE)
    page.goto(live_server.url + "/desk/")
    nav = page.get_by_role("navigation", name="Main")
    claims = nav.get_by_role("link", name="Claims", exact=True)
    expect(claims).to_be_hidden()
    menu = nav.get_by_role("button", name="Menu")
    expect(menu).to_have_attribute("aria-expanded", "false")
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    claims.click()
    expect(page).to_have_url(live_server.url + "/desk/claims/")


def test_at_desk_width_the_links_show_and_menu_does_not(open_as, live_server, newsroom):
    page = open_as(newsroom["journalist"], viewport=LAPTOP)
    page.goto(live_server.url + "/desk/")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Claims", exact=True)).to_be_visible()
    expect(nav.get_by_role("button", name="Menu")).to_be_hidden()
