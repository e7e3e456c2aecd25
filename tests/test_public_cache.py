"""Public pages are cached and revalidated cheaply (DESIGN §7), and every change a reader should see
(correction, retraction, publication, a renamed speaker or rating) shows at once."""

from __future__ import annotations

import datetime as dt
import time
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.http import http_date, parse_http_date

from claims import public_cache, services
from claims.models import Claim, Rating
from tests import factories
from tests.html import parse, post_form

pytestmark = pytest.mark.django_db

SITE_URL = "https://checks.example.org"
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE_URL
    settings.REVIEW_APPROVALS_REQUIRED = 1
    cache.clear()


@pytest.fixture
def claim(db):
    speaker = factories.SpeakerFactory(name="Chris Example", slug="chris-example")
    topic = factories.TopicFactory(name="Immigration", slug="immigration")
    claim = factories.ClaimFactory(quote="Over 50,000 people crossed the Channel.", speaker=speaker,
                                   published=True, with_verdict=False)
    claim.topics.add(topic)
    factories.VerdictFactory(claim=claim, rating=factories.rating("mostly-false"), conclusion="The old conclusion.",
                             published_at=claim.published_at)
    factories.EvidenceFactory(claim=claim)
    return claim


def get(client, url: str, **headers):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, headers=headers)
    return response, len(ctx.captured_queries)


def by_testid(soup, name: str):
    return soup.find(attrs={"data-testid": name})


def urls_for(claim: Claim) -> dict[str, str]:
    return {"home": "/", "claim": f"/claims/{claim.slug}/", "speaker": f"/speakers/{claim.speaker.slug}/",
            "feed": "/feeds/latest/", "sitemap": "/sitemap.xml"}


def prime(client, urls: dict[str, str]) -> dict[str, int]:
    """Fetch each page twice: the second answer comes from the cache (same bytes, fewer queries)."""
    cached = {}
    for name, url in urls.items():
        first, first_queries = get(client, url)
        second, second_queries = get(client, url)
        assert first.status_code == second.status_code == 200, name
        assert second.content == first.content, name
        assert second_queries < first_queries, f"{name}: {second_queries} queries on a cached hit"
        cached[name] = second_queries
    return cached


def refetch(client, urls: dict[str, str], cached: dict[str, int]) -> dict:
    """After a change, every page is rendered again at once (more queries than a cached hit)."""
    answers = {}
    for name, url in urls.items():
        response, queries = get(client, url)
        assert response.status_code == 200, name
        assert queries > cached[name], f"{name} was served from the stale cache"
        answers[name] = response
    return answers


def cards(response) -> list:
    return parse(response).find_all(attrs={"data-testid": "claim-card"})


def card_for(response, claim: Claim):
    for card in cards(response):
        if card.find(["h2", "h3"]).find("a")["href"] == f"/claims/{claim.slug}/":
            return card
    return None


def feed_entries(response) -> dict[str, ET.Element]:
    root = ET.fromstring(response.content)
    entries = {}
    for entry in root.findall(f"{ATOM}entry"):
        href = entry.find(f"{ATOM}link").get("href")
        entries[urlsplit(href).path] = entry
    return entries


def sitemap_urls(response) -> list[str]:
    return [loc.text for loc in ET.fromstring(response.content).iter(f"{SITEMAP}loc")]


# --- headers and conditional requests ------------------------------------------------------------


def public_urls(claim: Claim) -> list[str]:
    return ["/", f"/claims/{claim.slug}/", f"/embed/claims/{claim.slug}/", f"/speakers/{claim.speaker.slug}/",
            "/speakers/", "/topics/immigration/", "/search/?q=channel", "/methodology/", "/corrections/",
            "/feeds/latest/", "/sitemap.xml"]


def test_it_sends_cache_headers_on_public_pages(client, claim):
    for url in public_urls(claim):
        for _ in range(2):  # rendered, then from the cache
            response = client.get(url)
            assert response.status_code == 200, url
            cache_control = [part.strip() for part in response["Cache-Control"].split(",")]
            assert "public" in cache_control, url
            assert any(part.startswith("max-age=") for part in cache_control), url
            etag = response["ETag"]
            assert etag.startswith('"') and etag.endswith('"') and len(etag) > 2, url
            last_modified = parse_http_date(response["Last-Modified"])
            assert last_modified <= time.time() + 1, url


def test_it_answers_304_to_a_matching_etag(client, claim):
    for url in public_urls(claim):
        first = client.get(url)
        response = client.get(url, headers={"If-None-Match": first["ETag"]})
        assert response.status_code == 304, url
        assert response.content == b""
        assert response["ETag"] == first["ETag"]
        other = client.get(url, headers={"If-None-Match": '"not-the-etag"'})
        assert other.status_code == 200, url
        assert other.content == first.content


def test_it_answers_304_when_modified_since_a_later_date(client, claim):
    future = http_date(time.time() + 3600)
    past = http_date(time.time() - 10 * 24 * 3600)
    for url in public_urls(claim):
        assert client.get(url, headers={"If-Modified-Since": future}).status_code == 304, url
        assert client.get(url, headers={"If-Modified-Since": past}).status_code == 200, url


def test_it_caches_the_htmx_fragment_apart_from_the_page(client, claim):
    fragment = client.get("/", {"rating": "mostly-false"}, headers={"HX-Request": "true"})
    page = client.get("/", {"rating": "mostly-false"})
    assert parse(fragment).find("html") is None
    assert parse(page).find("html") is not None
    assert vary(page) >= {"hx-request"}
    assert parse(client.get("/", {"rating": "mostly-false"}, headers={"HX-Request": "true"})).find("html") is None


# What htmx sends: a swap, a history restore after a cache miss (htmx 2 sends both headers), a boosted link.
HTMX = {"HX-Request": "true"}
RESTORE = {"HX-Request": "true", "HX-History-Restore-Request": "true"}
BOOSTED = {"HX-Request": "true", "HX-Boosted": "true"}
FILTERED = {"rating": "mostly-false"}


def vary(response) -> set[str]:
    return {name.strip().lower() for name in response.get("Vary", "").split(",")}


def cache_control(response) -> set[str]:
    return {part.strip() for part in response["Cache-Control"].split(",")}


def assert_page(response) -> None:
    assert response.status_code == 200
    assert parse(response).find("html") is not None


def assert_fragment(response, claim: Claim) -> None:
    assert response.status_code == 200
    soup = parse(response)
    assert soup.find("html") is None and soup.find("body") is None
    roots = [el for el in soup.contents if getattr(el, "name", None)]
    assert [root["id"] for root in roots] == ["claim-listing"]
    assert card_for(response, claim) is not None


@pytest.mark.parametrize("whole", [RESTORE, BOOSTED], ids=["history-restore", "boosted"])
def test_it_gives_the_whole_page_first_then_the_fragment(client, claim, whole):
    for _ in range(2):  # rendered, then from the cache
        assert_page(client.get("/", FILTERED, headers=whole))
        assert_fragment(client.get("/", FILTERED, headers=HTMX), claim)


@pytest.mark.parametrize("whole", [RESTORE, BOOSTED], ids=["history-restore", "boosted"])
def test_it_gives_the_fragment_first_then_the_whole_page(client, claim, whole):
    for _ in range(2):  # rendered, then from the cache
        assert_fragment(client.get("/", FILTERED, headers=HTMX), claim)
        assert_page(client.get("/", FILTERED, headers=whole))


@pytest.mark.parametrize("headers", [{}, HTMX, RESTORE, BOOSTED], ids=["page", "htmx", "history-restore", "boosted"])
def test_it_varies_on_every_header_that_chooses_the_fragment(client, claim, headers):
    first = client.get("/", FILTERED, headers=headers)
    cached = client.get("/", FILTERED, headers=headers)
    revalidated = client.get("/", FILTERED, headers={**headers, "If-None-Match": first["ETag"]})
    assert revalidated.status_code == 304
    for response in (first, cached, revalidated):
        assert vary(response) >= {"hx-request", "hx-history-restore-request", "hx-boosted"}


def test_it_keeps_fragments_out_of_shared_caches(client, claim):
    first = client.get("/", FILTERED, headers=HTMX)
    cached = client.get("/", FILTERED, headers=HTMX)
    revalidated = client.get("/", FILTERED, headers={**HTMX, "If-None-Match": first["ETag"]})
    assert revalidated.status_code == 304
    for response in (first, cached, revalidated):
        assert "private" in cache_control(response)
        assert "public" not in cache_control(response)
    for headers in ({}, RESTORE, BOOSTED):  # every whole page stays shareable
        for response in (client.get("/", FILTERED, headers=headers), client.get("/", FILTERED, headers=headers)):
            assert "public" in cache_control(response)
            assert "private" not in cache_control(response)


def test_it_gives_the_page_and_the_fragment_their_own_etags(client, claim):
    page = client.get("/", FILTERED)
    fragment = client.get("/", FILTERED, headers=HTMX)
    assert page["ETag"] != fragment["ETag"]
    # A browser holding the page must not be told its copy is a good fragment, nor the reverse.
    assert_fragment(client.get("/", FILTERED, headers={**HTMX, "If-None-Match": page["ETag"]}), claim)
    assert_page(client.get("/", FILTERED, headers={**RESTORE, "If-None-Match": fragment["ETag"]}))
    assert client.get("/", FILTERED, headers={**RESTORE, "If-None-Match": page["ETag"]}).status_code == 304
    assert client.get("/", FILTERED, headers={**HTMX, "If-None-Match": fragment["ETag"]}).status_code == 304


def _cache_rows() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {settings.CACHES['default']['LOCATION']}")  # noqa: S608
        return cursor.fetchone()[0]


def test_it_never_caches_the_suggest_page(client):
    assert settings.CACHES["default"]["BACKEND"].endswith("DatabaseCache")
    cache.clear()
    for _ in range(2):
        response = client.get("/suggest/")
        assert response.status_code == 200
        assert response["Cache-Control"] == "no-store"
        assert "ETag" not in response
        assert "Last-Modified" not in response
    assert client.get("/suggest/", headers={"If-None-Match": "*"}).status_code == 200
    assert client.get("/suggest/", headers={"If-Modified-Since": http_date(time.time() + 3600)}).status_code == 200
    assert _cache_rows() == 0  # nothing was stored for the suggest page

    thanked = post_form(client, "/suggest/", {"text": "The mayor said crime fell by half."})
    assert by_testid(parse(thanked), "thanks") is not None
    assert thanked["Cache-Control"] == "no-store"
    after = client.get("/suggest/")
    assert by_testid(parse(after), "thanks") is None


# --- changes show at once -----------------------------------------------------------------------


def test_it_shows_a_correction_at_once(client, claim, editor, django_capture_on_commit_callbacks):
    urls = urls_for(claim)
    cached = prime(client, urls)
    old_etag = client.get(urls["claim"])["ETag"]

    with django_capture_on_commit_callbacks(execute=True):
        services.verdict_correct(claim_id=claim.pk, actor=editor, kind="correction",
                                 note="We misread the table.", data={"conclusion": "The new conclusion."})

    pages = refetch(client, urls, cached)
    assert "The new conclusion." in card_for(pages["home"], claim).get_text()
    soup = parse(pages["claim"])
    assert by_testid(soup, "conclusion").get_text(strip=True) == "The new conclusion."
    assert "We misread the table." in by_testid(soup, "corrections-log").get_text()
    assert "The new conclusion." in card_for(pages["speaker"], claim).get_text()
    entry = feed_entries(pages["feed"])[f"/claims/{claim.slug}/"]
    assert "The new conclusion." in entry.find(f"{ATOM}summary").text
    assert f"{SITE_URL}/claims/{claim.slug}/" in sitemap_urls(pages["sitemap"])
    # A browser revalidating with the old ETag gets the new page.
    revalidated = client.get(urls["claim"], headers={"If-None-Match": old_etag})
    assert revalidated.status_code == 200
    assert by_testid(parse(revalidated), "conclusion").get_text(strip=True) == "The new conclusion."


def test_it_shows_a_retraction_at_once(client, claim, editor, django_capture_on_commit_callbacks):
    urls = urls_for(claim)
    cached = prime(client, urls)

    with django_capture_on_commit_callbacks(execute=True):
        services.claim_retract(claim_id=claim.pk, actor=editor, note="The figures were from the wrong year.")

    pages = refetch(client, urls, cached)
    assert "Retracted" in card_for(pages["home"], claim).get_text()
    soup = parse(pages["claim"])
    assert "The figures were from the wrong year." in by_testid(soup, "retraction").get_text()
    assert soup.find("script", attrs={"type": "application/ld+json"}) is None
    assert "Retracted" in card_for(pages["speaker"], claim).get_text()
    entry = feed_entries(pages["feed"])[f"/claims/{claim.slug}/"]
    assert entry.find(f"{ATOM}title").text.startswith("Retracted:")
    assert f"{SITE_URL}/claims/{claim.slug}/" in sitemap_urls(pages["sitemap"])


def test_it_shows_a_new_publication_at_once(client, claim, editor, django_capture_on_commit_callbacks):
    urls = urls_for(claim)
    cached = prime(client, urls)
    fresh = factories.ClaimFactory(quote="Barely any small boat arrivals are Iraqi.", speaker=claim.speaker,
                                   in_review=True)
    factories.EvidenceFactory(claim=fresh)
    assert client.get(f"/claims/{fresh.slug}/").status_code == 404
    for name, url in urls.items():  # a claim in review changes nothing readers see
        response, queries = get(client, url)
        assert queries == cached[name], name
        if name in ("home", "speaker"):
            assert card_for(response, fresh) is None

    with django_capture_on_commit_callbacks(execute=True):
        services.review_approve(claim_id=fresh.pk, actor=editor)

    urls["claim"] = f"/claims/{fresh.slug}/"
    cached["claim"] = -1  # was a 404, never cached
    pages = refetch(client, urls, cached)
    assert card_for(pages["home"], fresh) is not None
    assert parse(pages["claim"]).find(attrs={"data-testid": "quote"}).get_text(strip=True) == f"“{fresh.quote}”"
    assert card_for(pages["speaker"], fresh) is not None
    assert f"/claims/{fresh.slug}/" in feed_entries(pages["feed"])
    assert f"{SITE_URL}/claims/{fresh.slug}/" in sitemap_urls(pages["sitemap"])


def test_it_shows_a_renamed_speaker_at_once(client, claim, editor, django_capture_on_commit_callbacks):
    urls = urls_for(claim)
    cached = prime(client, urls)

    with django_capture_on_commit_callbacks(execute=True):
        services.speaker_update(speaker_id=claim.speaker_id, actor=editor, data={"name": "Christine Example"})

    pages = refetch(client, urls, cached)
    assert card_for(pages["home"], claim).find(["h2", "h3"]).get_text().startswith("Christine Example:")
    soup = parse(pages["claim"])
    assert soup.find("a", href="/speakers/chris-example/").get_text() == "Christine Example"
    assert parse(pages["speaker"]).find("h1").get_text() == "Christine Example"
    entry = feed_entries(pages["feed"])[f"/claims/{claim.slug}/"]
    assert "Christine Example" in entry.find(f"{ATOM}title").text
    assert f"{SITE_URL}/speakers/chris-example/" in sitemap_urls(pages["sitemap"])


def test_it_shows_a_renamed_rating_at_once(client, claim, editor, django_capture_on_commit_callbacks):
    urls = {**urls_for(claim), "methodology": "/methodology/"}
    cached = prime(client, urls)
    rating = Rating.objects.get(slug="mostly-false")

    with django_capture_on_commit_callbacks(execute=True):
        services.rating_save(actor=editor, rating_id=rating.pk, data={"label": "Largely false"})

    pages = refetch(client, urls, cached)
    badge = card_for(pages["home"], claim).find(attrs={"data-testid": "rating"})
    assert badge.get_text(strip=True) == "Largely false"
    assert by_testid(parse(pages["claim"]), "rating").get_text(strip=True) == "Largely false"
    table = by_testid(parse(pages["speaker"]), "scorecard").find("table")
    assert "Largely false" in [th.get_text() for th in table.find("tbody").find_all("th")]
    entry = feed_entries(pages["feed"])[f"/claims/{claim.slug}/"]
    assert entry.find(f"{ATOM}title").text.startswith("Largely false:")
    labels = [dt_.get_text(strip=True) for dt_ in by_testid(parse(pages["methodology"]), "ratings").find_all("dt")]
    assert "Largely false" in labels and "Mostly false" not in labels
    assert f"{SITE_URL}/claims/{claim.slug}/" in sitemap_urls(pages["sitemap"])


def test_it_keeps_serving_the_cache_when_nothing_public_changed(client, claim, journalist,
                                                              django_capture_on_commit_callbacks):
    urls = urls_for(claim)
    cached = prime(client, urls)
    draft = factories.ClaimFactory(researching=True, assignee=journalist)
    with django_capture_on_commit_callbacks(execute=True):
        services.claim_update(claim_id=draft.pk, actor=journalist, version=draft.version,
                              data={"claim_checked": "A private working note."})
    for name, url in urls.items():
        _, queries = get(client, url)
        assert queries == cached[name], f"{name} was rendered again after a private change"


def test_it_moves_last_modified_forward_after_a_change(client, claim, editor, django_capture_on_commit_callbacks):
    before = parse_http_date(client.get("/")["Last-Modified"])
    cache.set(public_cache.GENERATION_KEY, public_cache.generation() - 5_000_000, timeout=None)  # 5 s ago
    stale = parse_http_date(client.get("/")["Last-Modified"])
    assert stale < before + 1
    with django_capture_on_commit_callbacks(execute=True):
        services.claim_retract(claim_id=claim.pk, actor=editor, note="Wrong.")
    response = client.get("/", headers={"If-Modified-Since": http_date(stale)})
    assert response.status_code == 200
    assert parse_http_date(response["Last-Modified"]) > stale
    assert dt.datetime.fromtimestamp(parse_http_date(response["Last-Modified"]), dt.UTC) <= dt.datetime.now(dt.UTC)


def test_the_filters_choices_are_read_once_a_generation(client, claim, editor, django_capture_on_commit_callbacks):
    def speaker_options(response) -> list[str]:
        return [o["value"] for o in parse(response).find("select", id="filter-speaker").find_all("option")]

    from claims.views import public

    client.get("/?warm=up")  # the generation and the rating scale's first reads
    public._choices_read = None
    first, first_queries = get(client, "/?page=1")
    again, again_queries = get(client, "/?another=address")  # a page miss in the same generation
    assert speaker_options(again) == speaker_options(first) == ["", "chris-example"]
    assert again_queries == first_queries - 4  # languages, ratings, speakers and topics not read again

    newcomer = factories.SpeakerFactory(name="Alex Newcomer", slug="alex-newcomer")
    fresh = factories.ClaimFactory(quote="Barely any small boat arrivals are Iraqi.", speaker=newcomer, in_review=True)
    factories.EvidenceFactory(claim=fresh)
    with django_capture_on_commit_callbacks(execute=True):
        services.review_approve(claim_id=fresh.pk, actor=editor)
    assert speaker_options(client.get("/?after=publish")) == ["", "alex-newcomer", "chris-example"]
