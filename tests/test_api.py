"""The public JSON API at /api/v1/: published fact-checks only, cursors, ETags, the rate limit,
problems (RFC 9457), Google Fact Check Tools' claims:search shape, and its OpenAPI 3.1 document."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from openapi_spec_validator import validate

from claims import public_cache
from claims.models import Status
from tests import factories

pytestmark = pytest.mark.django_db

SITE_URL = "https://checks.example.org"
PUBLISHER = "Example Checks"
API = "/api/v1"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE_URL
    settings.PUBLISHER_NAME = PUBLISHER
    settings.PUBLISHER_URL = SITE_URL


def published(**kwargs):
    return factories.ClaimFactory(published=True, **kwargs)


def hidden_claims(speaker=None, topic=None, quote="Iraqi arrivals doubled last year."):
    """One claim in each state readers never see through the API, all saying the same words."""
    speaker = speaker or factories.SpeakerFactory()
    survivor = published(quote="Something else entirely was said here.")
    made = [
        factories.ClaimFactory(speaker=speaker, quote=quote),  # logged
        factories.ClaimFactory(speaker=speaker, quote=quote, researching=True),
        factories.ClaimFactory(speaker=speaker, quote=quote, in_review=True),
        factories.ClaimFactory(speaker=speaker, quote=quote, dismissed=True),
        factories.ClaimFactory(speaker=speaker, quote=quote, status=Status.MERGED, merged_into=survivor,
                               published_at=timezone.now()),
        factories.ClaimFactory(speaker=speaker, quote=quote, published=True, imported=True,
                               original_url="https://archive.example.org/iraqi"),
    ]
    if topic:
        for claim in made:
            claim.topics.add(topic)
    return made


def problem(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert {"type", "title", "status", "detail"} <= body.keys()
    assert body["status"] == status
    return body


# --- Fact-checks -------------------------------------------------------------------------------------


def test_it_lists_published_fact_checks_with_their_claimreview(client):
    topic = factories.TopicFactory(name="Migration", slug="migration")
    claim = published(quote="Barely any small boat arrivals are Iraqi.", claim_checked="Few arrivals are Iraqi.")
    claim.topics.add(topic)
    response = client.get(f"{API}/fact-checks")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["next_cursor"] is None and body["next"] is None
    [item] = body["items"]
    assert item["slug"] == claim.slug
    assert item["url"] == f"{SITE_URL}/claims/{claim.slug}/"
    assert item["api_url"] == f"{SITE_URL}{API}/fact-checks/{claim.slug}"
    assert item["quote"] == "Barely any small boat arrivals are Iraqi."
    assert item["speaker"]["name"] == claim.speaker.name
    assert item["rating"]["slug"] == "mostly-false"
    assert item["topics"] == [{"slug": "migration", "name": "Migration"}]
    review = item["claim_review"]
    assert review["@type"] == "ClaimReview"
    assert review["claimReviewed"] == "Few arrivals are Iraqi."
    assert review["reviewRating"]["alternateName"] == "Mostly false"
    assert review["url"] == item["url"]


def test_it_shows_one_fact_check_in_full(client):
    claim = published()
    factories.EvidenceFactory(claim=claim, title="Official table")
    factories.CorrectionFactory(claim=claim)
    response = client.get(f"{API}/fact-checks/{claim.slug}")
    assert response.status_code == 200
    body = response.json()
    assert body["slug"] == claim.slug
    assert body["analysis"] == claim.verdict.analysis
    assert "<strong>1,900</strong>" in body["analysis_html"]
    assert [e["title"] for e in body["evidence"]] == ["Official table"]
    assert body["corrections"][0]["kind"] == "correction"
    assert body["appearances"][0]["quote"] == claim.quote
    assert body["claim_review"]["itemReviewed"]["author"]["name"] == claim.speaker.name
    assert body["claim_review"]["reviewRating"]["bestRating"] is not None


def test_it_never_shows_unpublished_merged_dismissed_or_archive_claims(client):
    speaker = factories.SpeakerFactory(slug="pat-hidden")
    topic = factories.TopicFactory(name="Hidden", slug="hidden")
    hidden = hidden_claims(speaker=speaker, topic=topic)
    retracted = factories.ClaimFactory(speaker=speaker, quote="Iraqi arrivals doubled last year.", retracted=True)
    slugs = {c.slug for c in [*hidden, retracted]}

    listed = {item["slug"] for item in client.get(f"{API}/fact-checks?limit=100").json()["items"]}
    assert not listed & slugs
    merged = next(c for c in hidden if c.status == Status.MERGED)
    for slug in slugs - {merged.slug, retracted.slug}:
        problem(client.get(f"{API}/fact-checks/{slug}"), 404)
    found = client.get(f"{API}/search", {"q": "Iraqi arrivals doubled"}).json()["items"]
    assert found == []
    google = client.get(f"{API}/claims:search", {"query": "Iraqi arrivals doubled"}).json()
    assert google["claims"] == []
    problem(client.get(f"{API}/speakers/pat-hidden"), 404)
    assert "pat-hidden" not in {s["slug"] for s in client.get(f"{API}/speakers?limit=100").json()["items"]}
    assert "hidden" not in {t["slug"] for t in client.get(f"{API}/topics").json()}
    assert client.get(f"{API}/fact-checks", {"speaker": "pat-hidden"}).json()["items"] == []


def test_a_retracted_check_keeps_its_page_with_the_retraction_and_no_claimreview(client):
    claim = factories.ClaimFactory(retracted=True, quote="Ferry fares doubled.")
    factories.CorrectionFactory(claim=claim, kind="retraction", note="The figures were wrong.")
    response = client.get(f"{API}/fact-checks/{claim.slug}")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "retracted"
    assert body["claim_review"] is None
    assert body["retraction"]["note"] == "The figures were wrong." and body["retraction"]["kind"] == "retraction"
    assert "ETag" in response
    # It leaves the lists, the searches and the counts.
    assert client.get(f"{API}/fact-checks").json()["items"] == []
    assert client.get(f"{API}/search", {"q": "ferry fares"}).json()["items"] == []
    assert client.get(f"{API}/claims:search", {"query": "ferry fares"}).json()["claims"] == []
    # A published check says so, and has no retraction.
    live = published(quote="Bus fares fell.")
    body = client.get(f"{API}/fact-checks/{live.slug}").json()
    assert body["status"] == "published" and body["retraction"] is None and body["claim_review"] is not None


def test_a_merged_check_leads_to_the_one_it_was_merged_into(client):
    survivor = published(quote="Ferry fares doubled since spring.")
    middle = factories.ClaimFactory(status=Status.MERGED, merged_into=survivor, published_at=timezone.now())
    first = factories.ClaimFactory(status=Status.MERGED, merged_into=middle, published_at=timezone.now())
    response = client.get(f"{API}/fact-checks/{first.slug}")
    body = problem(response, 308)
    assert response["Location"] == f"{SITE_URL}{API}/fact-checks/{survivor.slug}"
    assert body["location"] == response["Location"] and survivor.slug in body["detail"]
    assert client.get(response["Location"].removeprefix(SITE_URL)).status_code == 200
    # Merged before it was ever public: nothing to lead to.
    never = factories.ClaimFactory(status=Status.MERGED, merged_into=survivor)
    problem(client.get(f"{API}/fact-checks/{never.slug}"), 404)


def test_the_language_filter_is_accepted_and_bounded(client):
    published(quote="Ferry fares doubled.")
    assert client.get(f"{API}/fact-checks", {"language": "en"}).status_code == 200
    assert client.get(f"{API}/search", {"q": "ferry", "language": "pt-BR"}).status_code == 200
    problem(client.get(f"{API}/fact-checks", {"language": "x" * 36}), 422)


def test_it_filters_fact_checks_like_the_public_listing(client):
    topic = factories.TopicFactory(name="Housing", slug="housing")
    on_topic = published()
    on_topic.topics.add(topic)
    published()
    items = client.get(f"{API}/fact-checks", {"topic": "housing"}).json()["items"]
    assert [item["slug"] for item in items] == [on_topic.slug]
    items = client.get(f"{API}/fact-checks", {"speaker": on_topic.speaker.slug}).json()["items"]
    assert [item["slug"] for item in items] == [on_topic.slug]
    assert client.get(f"{API}/fact-checks", {"rating": "true"}).json()["items"] == []
    problem(client.get(f"{API}/fact-checks", {"from": "not-a-date"}), 422)


# --- Pagination ------------------------------------------------------------------------------------------


def test_it_pages_with_cursors_newest_first(client):
    start = timezone.now()
    claims = [published(published_at=start - dt.timedelta(hours=n)) for n in range(5)]
    # Two published at the same moment: the id breaks the tie, and neither is lost or repeated.
    twin = published(published_at=claims[2].published_at)
    seen, url, pages = [], f"{API}/fact-checks?limit=2", 0
    while url:
        body = client.get(url).json()
        assert len(body["items"]) <= 2
        seen += [item["slug"] for item in body["items"]]
        url = body["next"].removeprefix(SITE_URL) if body["next"] else None
        if url:
            assert f"cursor={body['next_cursor']}" in url and "limit=2" in url
        pages += 1
    assert pages == 3
    expected = [c.slug for c in sorted([*claims, twin], key=lambda c: (c.published_at, c.pk), reverse=True)]
    assert seen == expected


@pytest.mark.parametrize("cursor", ["nonsense", "W10", "WyJ4IiwgMV0", "eyJhIjogMX0", "WzEsMl0", "!!!"])
def test_it_refuses_a_bad_cursor_with_a_problem(client, cursor):
    published()
    body = problem(client.get(f"{API}/fact-checks", {"cursor": cursor}), 422)
    assert "cursor" in body["detail"]
    problem(client.get(f"{API}/search", {"q": "homes", "cursor": cursor}), 422)
    if cursor != "WyJ4IiwgMV0":  # ["x", 1] is a speaker cursor's shape: after "x", by name
        problem(client.get(f"{API}/speakers", {"cursor": cursor}), 422)
    problem(client.get(f"{API}/claims:search", {"query": "homes", "pageToken": cursor}), 422)


def test_it_pages_speakers_with_their_scorecards(client):
    speakers = [factories.SpeakerFactory(name=f"Speaker {letter}", slug=f"speaker-{letter}") for letter in "cab"]
    for speaker in speakers:
        published(speaker=speaker)
    first = client.get(f"{API}/speakers?limit=2").json()
    assert [s["slug"] for s in first["items"]] == ["speaker-a", "speaker-b"]
    second = client.get(f"{API}/speakers", {"limit": 2, "cursor": first["next_cursor"]}).json()
    assert [s["slug"] for s in second["items"]] == ["speaker-c"]
    assert second["next_cursor"] is None
    card = {row["rating"]["slug"]: row["count"] for row in first["items"][0]["scorecard"]}
    assert card["mostly-false"] == 1 and card["true"] == 0


def test_it_shows_a_speaker_and_their_scorecard(client):
    speaker = factories.SpeakerFactory(name="Chris Example", slug="chris-example", role="Shadow Home Secretary")
    published(speaker=speaker)
    published(speaker=speaker)
    hidden_claims(speaker=speaker)
    body = client.get(f"{API}/speakers/chris-example").json()
    assert body["name"] == "Chris Example" and body["role"] == "Shadow Home Secretary"
    assert body["url"] == f"{SITE_URL}/speakers/chris-example/"
    assert body["fact_checks"] == 2
    assert {row["rating"]["slug"]: row["count"] for row in body["scorecard"]}["mostly-false"] == 2
    problem(client.get(f"{API}/speakers/nobody"), 404)


def test_it_lists_ratings_and_topics(client):
    topic = factories.TopicFactory(name="Economy", slug="economy")
    published().topics.add(topic)
    factories.TopicFactory(name="Unused", slug="unused")
    ratings = client.get(f"{API}/ratings").json()
    assert [r["slug"] for r in ratings][:2] == ["true", "mostly-true"]
    assert {"slug", "label", "value", "colour", "definition", "retired"} == ratings[0].keys()
    assert next(r for r in ratings if r["slug"] == "unproven")["value"] is None
    assert client.get(f"{API}/topics").json() == [{"slug": "economy", "name": "Economy", "fact_checks": 1}]


# --- Search -----------------------------------------------------------------------------------------------


def test_it_searches_like_the_public_search(client):
    match = published(quote="Barely any small boat arrivals are Iraqi.")
    published(quote="Our town built 400 new homes last year.")
    body = client.get(f"{API}/search", {"q": "iraqi arrivals"}).json()
    assert [item["slug"] for item in body["items"]] == [match.slug]
    assert body["items"][0]["rank"] > 0
    problem(client.get(f"{API}/search"), 422)
    assert client.get(f"{API}/search", {"q": "!!!"}).json()["items"] == []


def test_claims_search_answers_in_googles_shape(client):
    speaker = factories.SpeakerFactory(name="Chris Philp")
    claim = published(speaker=speaker, quote="Barely any small boat arrivals are Iraqi.",
                      claim_checked="Few small boat arrivals are Iraqi.", date_said=dt.date(2025, 8, 15),
                      published_at=dt.datetime(2025, 8, 18, 9, 30, tzinfo=dt.UTC))
    response = client.get(f"{API}/claims:search", {"query": "Iraqi"})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"claims"}  # no nextPageToken on the last page, as Google
    [found] = body["claims"]
    assert set(found) == {"text", "claimant", "claimDate", "claimReview"}
    assert found["text"] == "Barely any small boat arrivals are Iraqi."
    assert found["claimant"] == "Chris Philp"
    assert found["claimDate"] == "2025-08-15T00:00:00Z"
    [review] = found["claimReview"]
    assert set(review) == {"publisher", "url", "title", "reviewDate", "textualRating", "languageCode"}
    assert review["publisher"] == {"name": PUBLISHER, "site": "checks.example.org"}
    assert review["url"] == f"{SITE_URL}/claims/{claim.slug}/"
    assert review["title"] == "Few small boat arrivals are Iraqi."
    assert review["reviewDate"] == "2025-08-18T09:30:00Z"
    assert review["textualRating"] == "Mostly false"
    assert review["languageCode"] == "en"  # the claim's language


def test_claims_search_parameters(client):
    old = published(quote="Iraqi arrivals fell.", date_said=dt.date(2020, 1, 1),
                    published_at=timezone.now() - dt.timedelta(days=400))
    new = [published(quote=f"Iraqi arrivals rose by {n} per cent.") for n in range(3)]
    search = f"{API}/claims:search"

    def texts(**params):
        return [c["text"] for c in client.get(search, params).json().get("claims", [])]

    assert len(texts(query="Iraqi")) == 4
    assert old.quote not in texts(query="Iraqi", maxAgeDays=30)
    assert texts(query="Iraqi", languageCode="fr") == []
    assert len(texts(query="Iraqi", languageCode="en-US")) == 4  # the language counts, not the region
    assert texts(query="Iraqi", reviewPublisherSiteFilter="other.example") == []
    assert len(texts(query="Iraqi", reviewPublisherSiteFilter="example.org")) == 4
    # Without a query, the publisher filter lists its newest reviews.
    assert texts(reviewPublisherSiteFilter="checks.example.org")[0] == new[-1].quote

    first = client.get(search, {"query": "Iraqi", "pageSize": 3}).json()
    assert len(first["claims"]) == 3 and first["nextPageToken"]
    rest = client.get(search, {"query": "Iraqi", "pageSize": 3, "pageToken": first["nextPageToken"]}).json()
    assert len(rest["claims"]) == 1 and "nextPageToken" not in rest
    assert {c["text"] for c in first["claims"] + rest["claims"]} == {old.quote, *(c.quote for c in new)}

    problem(client.get(search), 422)  # neither a query nor a publisher
    problem(client.get(search, {"query": "Iraqi", "pageSize": 101}), 422)
    problem(client.get(search, {"query": "Iraqi", "pageSize": 0}), 422)
    assert len(texts(query="Iraqi", pageSize=100)) == 4


def test_the_colon_in_claims_search_is_routed_as_written(client):
    published(quote="Iraqi arrivals fell.")
    assert client.get(f"{API}/claims%3Asearch", {"query": "Iraqi"}).status_code == 200
    assert client.get(f"{API}/claims:search", {"query": "Iraqi"}).status_code == 200
    problem(client.get(f"{API}/claims"), 404)


# --- ETags, the rate limit and problems ----------------------------------------------------------------


def test_it_answers_304_while_nothing_changed(client):
    published()
    first = client.get(f"{API}/fact-checks")
    etag = first["ETag"]
    assert etag.startswith('W/"')
    assert "must-revalidate" in first["Cache-Control"]
    again = client.get(f"{API}/fact-checks", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == etag
    assert client.get(f"{API}/fact-checks", headers={"If-None-Match": etag.removeprefix("W/")}).status_code == 304
    assert client.get(f"{API}/ratings", headers={"If-None-Match": f'"other", {etag}'}).status_code == 304
    assert client.get(f"{API}/fact-checks", headers={"If-None-Match": 'W/"stale"'}).status_code == 200

    public_cache.bump_generation()  # what every publish, correction and retraction does
    changed = client.get(f"{API}/fact-checks", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_it_limits_requests_per_address_per_minute(client, settings):
    settings.API_REQUESTS_PER_MINUTE = 3
    for _ in range(3):
        assert client.get(f"{API}/ratings").status_code == 200
    body = problem(client.get(f"{API}/ratings"), 429)
    refused = client.get(f"{API}/topics")
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert "3 requests a minute" in body["detail"]
    # Another address has its own count.
    assert client.get(f"{API}/ratings", REMOTE_ADDR="192.0.2.7").status_code == 200


def test_behind_a_proxy_the_limit_counts_the_forwarded_address(client, settings):
    settings.API_REQUESTS_PER_MINUTE = 1
    settings.CLIENT_IP_FROM_PROXY = True
    assert client.get(f"{API}/ratings", HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 200
    assert client.get(f"{API}/ratings", HTTP_X_FORWARDED_FOR="198.51.100.2").status_code == 200
    assert client.get(f"{API}/ratings", HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 429


def test_errors_are_problem_details(client):
    body = problem(client.get(f"{API}/fact-checks/no-such-check"), 404)
    assert body["type"] == "about:blank" and body["title"] == "Not Found"
    body = problem(client.get(f"{API}/fact-checks", {"limit": "many"}), 422)
    assert body["title"] == "Unprocessable Content"
    assert body["errors"][0]["name"] == "limit" and body["errors"][0]["in"] == "query"
    problem(client.get(f"{API}/fact-checks", {"limit": 101}), 422)
    problem(client.get(f"{API}/no/such/thing"), 404)
    problem(client.post(f"{API}/nothing-here"), 404)
    wrong = client.post(f"{API}/fact-checks")
    assert "GET" in problem(wrong, 405)["detail"] and wrong["Allow"] == "GET"
    assert problem(client.get(f"{API}/desk/claims"), 405)["detail"] == "This address takes POST only."


# --- Query counts --------------------------------------------------------------------------------------


def _many(n: int) -> None:
    topic = factories.TopicFactory(name="Counted", slug="counted")
    for _ in range(n):
        claim = published()
        claim.topics.add(topic)
        factories.EvidenceFactory(claim=claim)
        factories.CorrectionFactory(claim=claim)


# Six of each are the rate limit's count (an add, and an incr locking its row) and the public
# generation (for the ETag); the rest read the data, the same number for 1 row as for 20.
QUERIES = {
    f"{API}/fact-checks": 10,
    f"{API}/search?q=homes": 10,
    f"{API}/claims:search?query=homes": 10,
    f"{API}/speakers": 9,
    f"{API}/ratings": 7,
    f"{API}/topics": 7,
}


@pytest.mark.parametrize("rows", [1, 20])
@pytest.mark.parametrize("url", list(QUERIES))
def test_query_counts_do_not_grow_with_rows(client, django_assert_max_num_queries, url, rows):
    _many(rows)
    client.get(f"{API}/ratings")  # the public generation exists, as it does after the first request
    with django_assert_max_num_queries(QUERIES[url]):
        response = client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("rows", [1, 20])
def test_query_count_of_a_fact_check_does_not_grow_with_its_evidence(client, django_assert_max_num_queries, rows):
    claim = published()
    for _ in range(rows):
        factories.EvidenceFactory(claim=claim)
        factories.CorrectionFactory(claim=claim)
    client.get(f"{API}/ratings")
    with django_assert_max_num_queries(13):
        assert client.get(f"{API}/fact-checks/{claim.slug}").status_code == 200


# --- The OpenAPI document and the docs page ------------------------------------------------------------


def test_the_openapi_document_is_valid_3_1_and_declares_304_and_429(client):
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.1")
    validate(document)
    paths = document["paths"]
    assert f"{API}/claims:search" in paths
    for path, operations in paths.items():
        for operation in operations.values():
            responses = operation["responses"]
            assert "Retry-After" in responses["429"]["headers"]
            assert "application/problem+json" in responses["429"]["content"]
            if path.startswith(f"{API}/desk/"):  # private answers: no ETag, a token instead
                assert "304" not in responses and operation["security"] == [{"bearerAuth": []}], path
                assert {"401", "403", "422", "429"} <= responses.keys(), path
                assert "WWW-Authenticate" in responses["401"]["headers"]
                continue
            assert {"200", "304", "422", "429"} <= responses.keys(), path
            assert "ETag" in responses["304"]["headers"] and "ETag" in responses["200"]["headers"]
    assert document["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http", "scheme": "bearer", "description": document["components"]["securitySchemes"]["bearerAuth"][
            "description"]}
    assert "Location" in paths[f"{API}/fact-checks/{{slug}}"]["get"]["responses"]["308"]["headers"]
    assert {p["name"] for p in paths[f"{API}/fact-checks"]["get"]["parameters"]} >= {"language", "rating", "topic"}
    writes = paths[f"{API}/desk/claims"]["post"]
    assert {"201", "401", "403", "409", "422", "429"} <= writes["responses"].keys()
    assert "Location" in writes["responses"]["201"]["headers"]
    google = paths[f"{API}/claims:search"]["get"]
    assert {p["name"] for p in google["parameters"]} >= {"query", "languageCode", "maxAgeDays", "pageSize",
                                                         "pageToken", "reviewPublisherSiteFilter"}
    assert "404" in paths[f"{API}/fact-checks/{{slug}}"]["get"]["responses"]


def test_the_docs_page_uses_only_our_own_files(client):
    response = client.get(f"{API}/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui-bundle.js" in html
    assert not re.search(r"(?:src|href)=[\"']?(?:https?:)?//", html), "an external file on the docs page"
    assert "cdn" not in html.lower()
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.DOTALL)
    # No inline script runs: the settings are JSON data that the shipped script reads.
    assert all("src=" in attrs or 'type="application/json"' in attrs for attrs, _ in scripts)
    csp = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    assert "'unsafe-inline'" not in str(csp) and "'unsafe-eval'" not in str(csp)
    # Stricter than the site's: nothing but our own scripts, styles, images and fetches to this site.
    assert csp["default-src"] == "'none'" and csp["form-action"] == "'none'"
    assert csp["script-src"] == csp["style-src"] == csp["connect-src"] == "'self'"
    for path in re.findall(r"(?:src|href)=\"(/static/[^\"]+)\"", html):
        assert client.get(path).status_code == 200, path
