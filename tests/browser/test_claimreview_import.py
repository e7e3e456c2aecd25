"""Import ClaimReview in a real browser: an editor uploads a hand-written file, reads the preview,
says what one of the publisher's ratings means, imports, and reads the report; on a phone nothing
scrolls sideways, and axe-core finds nothing serious on either step."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from claims.models import Claim, RatingMapping

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 900}
SITE = "harbour-checks.example.org"


def write_source(folder) -> str:
    """Three reviews written for this test: one rated in our words, one in the publisher's own, one
    without a claim (skipped)."""
    reviews = [
        {"@context": "https://schema.org", "@type": "ClaimReview",
         "url": f"https://{SITE}/2024/03/the-ferry-timetable-claim-and-what-the-operator-actually-published",
         "datePublished": "2024-03-04",
         "claimReviewed": "The island ferry now runs half as often in winter as it did five years ago.",
         "publisher": {"@type": "Organization", "name": "Harbour Checks", "url": f"https://{SITE}"},
         "reviewRating": {"@type": "Rating", "alternateName": "Cherry-picked"},
         "itemReviewed": {"@type": "Claim", "author": {"@type": "Person", "name": "Morag Lindsay"}}},
        {"@context": "https://schema.org", "@type": "ClaimReview",
         "url": f"https://{SITE}/2024/03/pier-repairs",
         "datePublished": "2024-03-11",
         "claimReviewed": "The pier repairs cost twice what the council budgeted.",
         "publisher": {"@type": "Organization", "name": "Harbour Checks", "url": f"https://{SITE}"},
         "reviewRating": {"@type": "Rating", "alternateName": "True"},
         "itemReviewed": {"@type": "Claim", "author": {"@type": "Organization", "name": "Harbour Council"}}},
        {"@context": "https://schema.org", "@type": "ClaimReview", "url": f"https://{SITE}/2024/03/untitled",
         "reviewRating": {"@type": "Rating", "alternateName": "False"}},
    ]
    path = folder / "harbour-checks.json"
    path.write_text(json.dumps(reviews), encoding="utf-8")
    return str(path)


def overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_an_editor_previews_maps_and_imports(open_as, live_server, people, axe, tmp_path, viewport):
    page = open_as(people["editor"], viewport=viewport)
    page.goto(live_server.url + "/desk/")
    if viewport is LAPTOP:  # on a phone the navigation may be folded away
        page.get_by_role("link", name="Import ClaimReview").click()
    else:
        page.goto(live_server.url + "/desk/import/claimreview/")
    expect(page.get_by_role("heading", name="Import ClaimReview", level=1)).to_be_visible()
    assert overflow(page) <= 0
    assert axe(page, "light") == []

    page.get_by_label("ClaimReview file").set_input_files(write_source(tmp_path))
    page.get_by_role("button", name="Preview import").click()

    rows = page.get_by_test_id("preview-row")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("Morag Lindsay")
    expect(rows.nth(0)).to_contain_text("new")
    expect(rows.nth(1)).to_contain_text("(ours: True)")
    expect(rows.nth(2)).to_contain_text("no claimReviewed")
    select = page.get_by_label("Our rating for “Cherry-picked”")
    expect(select).to_be_visible()
    assert overflow(page) <= 0, "the preview scrolls sideways"
    if viewport is PHONE:
        assert rows.nth(0).evaluate("r => getComputedStyle(r).display") == "block"
    assert axe(page, "light") == []
    assert Claim.objects.count() == 0

    select.select_option(label="Mostly false")
    page.get_by_role("button", name="Import").click()

    expect(page.get_by_role("status").filter(has_text="2 imported, 0 updated, 1 skipped")).to_be_visible()
    report = page.get_by_test_id("report-row")
    expect(report).to_have_count(3)
    expect(report.nth(0)).to_contain_text("Mostly false")
    expect(report.nth(2)).to_contain_text("skipped")
    expect(page.get_by_test_id("report-mapped")).to_contain_text("“Cherry-picked” means Mostly false")
    assert overflow(page) <= 0, "the report scrolls sideways"
    assert axe(page, "light") == []
    assert Claim.objects.filter(imported=True).count() == 2
    assert RatingMapping.objects.get().textual_rating == "Cherry-picked"


def test_a_journalist_sees_the_refusal_in_the_desk_layout(open_as, live_server, people):
    page = open_as(people["journalist"])
    page.goto(live_server.url + "/desk/")
    expect(page.get_by_role("link", name="Import ClaimReview")).to_have_count(0)
    response = page.goto(live_server.url + "/desk/import/claimreview/")
    assert response.status == 403
    expect(page.get_by_text("Only editors can import ClaimReview.")).to_be_visible()
