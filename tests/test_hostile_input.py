"""Nothing anyone types breaks a page: each finding of the hostile walk-through, reproduced."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from claims.extraction import extract_claims, rank
from claims.extraction.numbers import MAX_FIGURE, find_numbers
from tests import factories

pytestmark = pytest.mark.django_db

HUGE = "9" * 400  # float() makes 309 or more digits infinite
LONG_QUOTE = f"We have spent {HUGE} pounds on 1 in {'7' * 500} schools, and {'1,' * 200}000 more."


@pytest.mark.parametrize("text", [
    HUGE, f"£{HUGE}bn", f"{HUGE}%", f"1 in {HUGE}", f"{'1,' * 400}000 people", f"{HUGE} million people",
    "1" + "0" * 20 + " votes",
])
def test_it_never_takes_a_run_of_digits_past_a_quadrillion_for_a_figure(text):
    numbers = find_numbers(text)
    assert all(abs(n["value"]) <= MAX_FIGURE for n in numbers)
    rank(text, [(1, text), (2, "We have spent 50 pounds")])  # no OverflowError


def test_it_still_reads_ordinary_figures_beside_a_huge_one():
    values = [n["value"] for n in find_numbers(f"{HUGE} and then 1,900 Iraqis")]
    assert 1900 in values


def test_it_serves_every_page_of_a_claim_with_a_huge_number(client, journalist_client):
    check = factories.ClaimFactory(published=True, quote=LONG_QUOTE)
    factories.EvidenceFactory(claim=check, numeric=True)
    factories.ClaimFactory(published=True, quote="We have spent 5,000 pounds on schools, and more.")
    cache.clear()
    assert client.get(check.get_absolute_url()).status_code == 200
    assert journalist_client.get(check.get_desk_url()).status_code == 200
    assert journalist_client.get("/desk/claims/similar/", {"quote": LONG_QUOTE}).status_code == 200
    assert journalist_client.post("/desk/intake/", {"article_text": f'Jo Bloggs said: "{LONG_QUOTE}"',
                                                    "action": "find"}).status_code == 200
    assert extract_claims(f'Jo Bloggs said: "{LONG_QUOTE}"')
