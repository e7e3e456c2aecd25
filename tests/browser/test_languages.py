"""Claims in other languages, as a journalist logs one and a reader filters by it, on a phone and a laptop."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import Page, expect

from claims.models import Claim
from claims.setup import JOURNALISTS
from tests import factories
from tests.browser.conftest import settle, watch_console
from tests.browser.helpers import serious_violations, signed_in

pytestmark = pytest.mark.django_db(transaction=True)

SIZES = {"phone": {"width": 390, "height": 844}, "laptop": {"width": 1366, "height": 800}}
SPANISH = "Los migrantes cruzaron el canal en pequeñas embarcaciones durante el verano pasado."


@pytest.mark.parametrize("size", SIZES)
def test_a_journalist_logs_a_claim_in_spanish(page: Page, live_server, size):
    problems: list[str] = []
    watch_console(page, problems)
    page.set_viewport_size(SIZES[size])
    user = factories.UserFactory(username="amira", first_name="Amira", last_name="Khan",
                                 groups=[Group.objects.get(name=JOURNALISTS)])
    factories.SpeakerFactory(name="Lucía Ferrer")
    signed_in(page, live_server, user)
    page.goto(f"{live_server.url}/desk/claims/new/")
    page.get_by_label("Quote").fill(SPANISH)
    page.get_by_label("Speaker", exact=True).fill("Lucía Ferrer")
    language = page.get_by_label("Language")
    language.fill("Klingon!")
    page.get_by_role("button", name="Save claim").click()
    expect(page.locator("#id_language_error")).to_contain_text("Not a language tag")
    page.screenshot(path=f"/tmp/language-form-{size}.png", full_page=True)
    page.get_by_label("Language").fill("es-mx")
    page.get_by_role("button", name="Save claim").click()
    expect(page).to_have_url(re.compile(r"/desk/claims/\d+/$"))
    expect(page.get_by_test_id("claim-language")).to_have_text("Language: Español (es-MX)")
    expect(page.get_by_test_id("quote")).to_have_attribute("lang", "es-MX")
    assert Claim.objects.get().language == "es-MX"
    assert serious_violations(page) == []
    page.screenshot(path=f"/tmp/language-workspace-{size}.png")
    settle(page)
    assert problems == []


@pytest.mark.parametrize("size", SIZES)
def test_a_reader_filters_the_checks_by_language(page: Page, live_server, size):
    problems: list[str] = []
    watch_console(page, problems)
    page.set_viewport_size(SIZES[size])
    spanish = factories.ClaimFactory(published=True, quote=SPANISH, language="es")
    english = factories.ClaimFactory(published=True, quote="Small boats crossed the Channel in record numbers.")
    page.goto(f"{live_server.url}/")
    cards = page.get_by_test_id("claim-card")
    expect(cards).to_have_count(2)
    page.get_by_label("Language").select_option(label="Español")
    expect(cards).to_have_count(1)
    expect(cards.first.get_by_role("link")).to_have_attribute("href", spanish.get_absolute_url())
    expect(page).to_have_url(re.compile(r"language=es"))
    assert english.get_absolute_url() not in page.content()
    assert serious_violations(page) == []
    page.screenshot(path=f"/tmp/language-filter-{size}.png", full_page=True)
    settle(page)
    assert problems == []
