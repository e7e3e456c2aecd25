"""Listings at a million claims (claims.paging): counts that stop at a cap, page numbers up to it,
keyset pages (after=) beyond it, search ranking the first matches the index finds and saying
"About N results". The cap and the pool are made small here, so a few claims stand for a million."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.utils import timezone

from claims import paging
from claims.views import desk, public
from tests import factories
from tests.html import all_by_testid, parse

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _small(monkeypatch):
    monkeypatch.setattr(paging.CappedPaginator, "cap", 4)
    monkeypatch.setattr(public, "PER_PAGE", 2)
    monkeypatch.setattr(desk, "PER_PAGE", 2)
    cache.clear()


@pytest.fixture
def checks():
    speaker = factories.SpeakerFactory(name="Chris Example")
    start = timezone.now() - dt.timedelta(days=30)
    made = []
    for i in range(9):
        claim = factories.ClaimFactory(published=True, speaker=speaker, quote=f"Nurses left the service, check {i}.")
        claim.published_at = start + dt.timedelta(days=i)
        claim.save(update_fields=["published_at"])
        made.append(claim)
    return list(reversed(made))  # newest first, as listed


def slugs(response) -> list[str]:
    return [card.find("a")["href"].strip("/").split("/")[-1] for card in all_by_testid(parse(response), "claim-card")]


def pagination(response):
    return parse(response).find("nav", attrs={"aria-label": "Pages"})


def test_it_numbers_pages_up_to_the_cap_then_goes_on_by_keyset(client, checks):
    first = client.get("/")
    assert slugs(first) == [c.slug for c in checks[:2]]
    assert "Page 1 of more than 2" in pagination(first).get_text(" ", strip=True)  # 9 tallied, capped at 4
    last = client.get("/?page=2")
    assert slugs(last) == [c.slug for c in checks[2:4]]
    assert "of more than 2" in pagination(last).get_text(" ", strip=True)
    onward = pagination(last).find("a", rel="next")["href"]
    assert onward == f"?after={checks[3].pk}"
    deeper = client.get("/" + onward)
    assert slugs(deeper) == [c.slug for c in checks[4:6]]
    nav = pagination(deeper)
    assert nav.find("a", string="Newest")["href"] == "?"
    assert nav.find("a", rel="next")["href"] == f"?after={checks[5].pk}"
    end = client.get(f"/?after={checks[7].pk}")
    assert slugs(end) == [checks[8].slug]
    assert pagination(end).find("a", rel="next") is None


def test_it_ignores_an_after_that_names_no_listed_check(client, checks):
    draft = factories.ClaimFactory(researching=True)
    for value in (str(draft.pk), "abc", "9" * 30, "-1"):
        response = client.get(f"/?after={value}")
        assert response.status_code == 200
        assert slugs(response) == [c.slug for c in checks[:2]]


def test_it_pages_a_speaker_by_keyset_too(client, checks):
    speaker = checks[0].speaker
    deep = client.get(f"/speakers/{speaker.slug}/?after={checks[4].pk}")
    assert deep.status_code == 200 and slugs(deep) == [c.slug for c in checks[5:7]]


def test_it_counts_a_filtered_listing_without_the_tallies_up_to_the_cap(client, checks):
    today = timezone.localdate().isoformat()
    response = client.get(f"/?from=2000-01-01&to={today}")
    assert "of more than 2" in client.get(f"/?from=2000-01-01&to={today}&page=2").content.decode()
    assert slugs(response) == [c.slug for c in checks[:2]]


def test_it_says_about_how_many_results_when_there_are_more_than_it_ranks(client, checks, monkeypatch):
    monkeypatch.setattr(paging, "RANK_POOL", 5)
    monkeypatch.setattr(public, "RANK_POOL", 5)
    status = parse(client.get("/search/?q=nurses")).find(attrs={"role": "status"}).get_text(" ", strip=True)
    assert status.startswith("About ") and "results for “nurses”" in status
    monkeypatch.setattr(paging, "RANK_POOL", 50)
    monkeypatch.setattr(public, "RANK_POOL", 50)
    cache.clear()
    status = parse(client.get("/search/?q=nurses")).find(attrs={"role": "status"}).get_text(" ", strip=True)
    assert status == "9 results for “nurses”."


def test_it_ranks_the_exact_quote_first(client, checks):
    exact = factories.ClaimFactory(published=True, quote="Nurses left.")
    assert slugs(client.get("/search/?q=nurses+left"))[0] == exact.slug


def test_it_tells_the_desk_there_are_more_than_it_counted(editor_client, checks):
    table = parse(editor_client.get("/desk/claims/")).find(id="claim-table")
    status = table.find(attrs={"role": "status"}).get_text(strip=True)
    assert status == "More than 4 claims"
    page = editor_client.get("/desk/claims/?page=99")
    assert "Page 2 of more than 2" in pagination(page).get_text(" ", strip=True)


def test_it_searches_the_desk_by_rank(editor_client, checks):
    exact = factories.ClaimFactory(researching=True, quote="Nurses left.")
    rows = all_by_testid(parse(editor_client.get("/desk/claims/?q=nurses+left")), "claim-row")
    assert exact.quote in rows[0].get_text()


def test_search_pages_rank_in_the_database_and_keep_paginators_rules(client, checks):
    # Equal ranks (the same words, the same length): the later check first, page after page.
    assert slugs(client.get("/search/?q=nurses")) == [c.slug for c in checks[:2]]
    assert slugs(client.get("/search/?q=nurses&page=2")) == [c.slug for c in checks[2:4]]
    last = [c.slug for c in checks[8:]]
    for number in ("5", "6", "99", "99999999999999999999999", "-1", "0"):  # past the end: the last page
        response = client.get(f"/search/?q=nurses&page={number}")
        assert response.status_code == 200
        assert slugs(response) == last, number
    for number in ("", "two", "1.5"):  # not a number: the first
        assert slugs(client.get(f"/search/?q=nurses&page={number}")) == [c.slug for c in checks[:2]], number
    assert "Nothing matches" in client.get("/search/?q=midwives&page=3").content.decode()


def test_search_puts_the_readers_language_first(client, checks):
    # The exact quote outranks every English check, and it is the newest; but the words are English.
    spanish = factories.ClaimFactory(published=True, quote="Nurses left.", language="es")
    found = [slug for page in range(1, 6) for slug in slugs(client.get(f"/search/?q=nurses+left&page={page}"))]
    assert found[-1] == spanish.slug and len(found) == 10


def test_the_desk_search_pages_past_the_end_to_the_last_page(editor_client, checks):
    rows = all_by_testid(parse(editor_client.get("/desk/claims/?q=nurses&page=12")), "claim-row")
    assert len(rows) == 1 and checks[-1].quote in rows[0].get_text()


def test_search_with_a_filter_no_check_can_pass_finds_nothing(client, editor_client, checks):
    response = client.get("/search/?q=nurses&rating=no-such-rating&page=2")
    assert response.status_code == 200 and "Nothing matches" in response.content.decode()
    assert slugs(response) == []
    response = editor_client.get("/desk/claims/?q=nurses&status=published&speaker=0")
    assert response.status_code == 200 and not all_by_testid(parse(response), "claim-row")
