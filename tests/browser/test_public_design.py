"""The public site's design in a real browser: nothing scrolls sideways on a phone, and axe-core
finds nothing serious (colour contrast included) in either colour scheme."""

from __future__ import annotations

import pytest

from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
PAGES = ["/speakers/", "/search/?q=Channel", "/methodology/", "/corrections/", "/suggest/", "/accounts/login/"]


@pytest.fixture
def site(db):
    from django.core.cache import cache

    speaker = factories.SpeakerFactory(name="Dana Whitfield", role="Shadow Home Secretary")
    factories.ClaimFactory(published=True, speaker=speaker,
                           quote="More than 48,000 people have crossed the Channel in small boats since the election.")
    cache.clear()
    return speaker


def test_no_public_page_scrolls_sideways_on_a_phone(open_as, live_server, site):
    page = open_as(viewport=PHONE)
    wide = {}
    for path in [*PAGES, f"/speakers/{site.slug}/"]:
        page.goto(live_server.url + path)
        extra = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        if extra > 0:
            wide[path] = extra
    assert wide == {}, f"pages that scroll sideways (px): {wide}"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_nothing_serious_on_the_public_pages(open_as, live_server, site, axe, scheme):
    page = open_as(viewport={"width": 1366, "height": 900})
    found = {}
    for path in [*PAGES, f"/speakers/{site.slug}/"]:
        page.goto(live_server.url + path)
        violations = axe(page, scheme)
        if violations:
            found[path] = violations
    assert found == {}, found
