"""The desk's part of the API, for personal tokens: who gets in (401, 403), the scopes, the rate limit
per token, reading the review queue and a claim, and logging claims and appearances through the
desk's forms, permissions and services, with refusals (403, 404, 409, 422) that change nothing."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from claims.models import ApiToken, Appearance, Claim, Event, Status
from claims.services.tokens import token_create, token_revoke
from claims.setup import JOURNALISTS
from tests import factories
from tests.test_desk_matrix import db_state

pytestmark = pytest.mark.django_db

SITE_URL = "https://checks.example.org"
API = "/api/v1"
QUEUE = f"{API}/desk/review-queue"
CLAIMS = f"{API}/desk/claims"
PHILP = "Small boat arrivals have fallen by a third since we took office in the spring."


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE_URL


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def write_token(journalist) -> str:
    return token_create(actor=journalist, name="Pipeline", scopes=["read", "claims:write"])[1]


@pytest.fixture
def read_token(journalist) -> str:
    return token_create(actor=journalist, name="Reader", scopes=["read"])[1]


@pytest.fixture
def speaker():
    return factories.SpeakerFactory(name="Jo Minister")


def post(client, url: str, body: dict, secret: str | None = None, **extra):
    headers = bearer(secret) if secret else {}
    return client.post(url, json.dumps(body), content_type="application/json", headers=headers, **extra)


def problem(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status and body["detail"]
    return body


def private(response) -> None:
    assert response["Cache-Control"] == "private, no-store"
    assert "Authorization" in response["Vary"]
    assert "ETag" not in response


def new_claim(who, **changes) -> dict:
    return {"quote": PHILP, "claim_checked": "Small boat arrivals fell by a third.", "speaker": who.name,
            "source_url": "https://news.example.org/interview", "date_said": "2025-03-02", **changes}


# --- Who gets in ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("url", [QUEUE, f"{CLAIMS}/1"])
def test_it_needs_a_token_to_read(client, url):
    body = problem(client.get(url), 401)
    response = client.get(url)
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert "Authorization: Bearer" in body["detail"]
    private(response)


@pytest.mark.parametrize("header", ["Bearer fcd_nothing", "Bearer nothing-like-ours", "Basic dXNlcjpwYXNz",
                                    "Bearer ", "fcd_without_scheme"])
def test_it_refuses_an_unknown_token(client, speaker, header):
    before = db_state()
    response = client.post(CLAIMS, json.dumps(new_claim(speaker)), content_type="application/json",
                           headers={"Authorization": header})
    problem(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert db_state() == before


def test_it_refuses_a_revoked_token_and_changes_nothing(client, journalist, speaker):
    token, secret = token_create(actor=journalist, name="Old", scopes=["read", "claims:write"])
    token_revoke(actor=journalist, token_id=token.pk)
    before = db_state()
    response = post(client, CLAIMS, new_claim(speaker), secret)
    assert "revoked" in problem(response, 401)["detail"]
    assert response["WWW-Authenticate"] == 'Bearer realm="api", error="invalid_token"'
    assert db_state() == before
    token.refresh_from_db()
    assert token.last_used_at is None


@pytest.mark.parametrize("change", ["left the desk", "inactive"])
def test_it_refuses_a_token_whose_owner_left_the_desk(client, journalist, write_token, speaker, change):
    if change == "inactive":
        journalist.is_active = False
        journalist.save()
    else:
        journalist.groups.remove(Group.objects.get(name=JOURNALISTS))
    before = db_state()
    problem(post(client, CLAIMS, new_claim(speaker), write_token), 403)
    problem(client.get(QUEUE, headers=bearer(write_token)), 403)
    assert db_state() == before


def test_a_token_of_someone_outside_the_desk_gets_nothing(client, outsider, speaker):
    secret = ApiToken.objects.create(user=outsider, name="x", prefix="fcd_x", digest=_digest("fcd_outsider"),
                                     scopes=["read", "claims:write"]) and "fcd_outsider"
    before = db_state()
    problem(post(client, CLAIMS, new_claim(speaker), secret), 403)
    problem(client.get(QUEUE, headers=bearer(secret)), 403)
    assert db_state() == before


def _digest(secret: str) -> str:
    from claims.services.tokens import token_digest

    return token_digest(secret)


def test_each_operation_needs_its_scope(client, read_token, journalist, speaker):
    claim = factories.ClaimFactory()
    before = db_state()
    response = post(client, CLAIMS, new_claim(speaker), read_token)
    assert "claims:write" in problem(response, 403)["detail"]
    assert 'error="insufficient_scope"' in response["WWW-Authenticate"]
    problem(post(client, f"{CLAIMS}/{claim.pk}/appearances", {"quote": PHILP, "speaker": speaker.name},
                 read_token), 403)
    assert db_state() == before
    writer = token_create(actor=journalist, name="Writer", scopes=["claims:write"])[1]
    problem(client.get(QUEUE, headers=bearer(writer)), 403)


def test_a_signed_in_browser_cannot_write_through_the_api(journalist_client, speaker):
    """Session cookies are never read: no token, no write (so no cross-site request can make one)."""
    before = db_state()
    problem(post(journalist_client, CLAIMS, new_claim(speaker)), 401)
    problem(journalist_client.get(QUEUE), 401)
    assert db_state() == before


def test_it_notes_when_a_token_was_last_used_at_most_once_a_minute(client, journalist, read_token):
    token = ApiToken.objects.get(user=journalist)
    assert client.get(QUEUE, headers=bearer(read_token)).status_code == 200
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    client.get(QUEUE, headers=bearer(read_token))
    token.refresh_from_db()
    assert token.last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - dt.timedelta(minutes=2))
    client.get(QUEUE, headers=bearer(read_token))
    token.refresh_from_db()
    assert token.last_used_at > first - dt.timedelta(minutes=1)


# --- The rate limit --------------------------------------------------------------------------------------

def test_a_token_has_its_own_limit_instead_of_its_address(client, settings, journalist, read_token):
    settings.API_REQUESTS_PER_MINUTE = 1
    settings.API_TOKEN_REQUESTS_PER_MINUTE = 3
    for _ in range(3):
        assert client.get(QUEUE, headers=bearer(read_token)).status_code == 200
    response = client.get(QUEUE, headers=bearer(read_token))
    body = problem(response, 429)
    assert 1 <= int(response["Retry-After"]) <= 60 and "3 requests a minute from this token" in body["detail"]
    private(response)
    # Another token, from the same address, has its own count.
    other = token_create(actor=journalist, name="Other", scopes=["read"])[1]
    assert client.get(QUEUE, headers=bearer(other)).status_code == 200


def test_requests_without_a_valid_token_count_against_the_address(client, settings):
    settings.API_REQUESTS_PER_MINUTE = 2
    for _ in range(2):
        problem(client.get(QUEUE, headers=bearer("fcd_guess")), 401)
    problem(client.get(QUEUE, headers=bearer("fcd_guess")), 429)


# --- Reading ---------------------------------------------------------------------------------------------

def test_the_review_queue_lists_claims_awaiting_review_oldest_first(client, read_token):
    waiting = [factories.ClaimFactory(in_review=True) for _ in range(3)]
    factories.ClaimFactory()  # logged
    factories.ClaimFactory(published=True)
    response = client.get(QUEUE, {"limit": 2}, headers=bearer(read_token))
    assert response.status_code == 200
    private(response)
    page = response.json()
    assert [item["id"] for item in page["items"]] == [c.pk for c in waiting[:2]]
    assert page["items"][0]["status"] == "in_review"
    assert page["items"][0]["desk_url"] == f"{SITE_URL}/desk/claims/{waiting[0].pk}/"
    assert page["next"].startswith(f"{SITE_URL}{QUEUE}?")
    rest = client.get(QUEUE, {"limit": 2, "cursor": page["next_cursor"]}, headers=bearer(read_token)).json()
    assert [item["id"] for item in rest["items"]] == [waiting[2].pk] and rest["next_cursor"] is None
    problem(client.get(QUEUE, {"cursor": "nonsense"}, headers=bearer(read_token)), 422)


@pytest.mark.parametrize("rows", [1, 30])
def test_the_review_queue_query_count_does_not_grow(client, read_token, django_assert_max_num_queries, rows):
    topic = factories.TopicFactory()
    for _ in range(rows):
        factories.ClaimFactory(in_review=True, assignee=factories.UserFactory()).topics.add(topic)
    client.get(QUEUE, headers=bearer(read_token))
    # The token with its owner, the owner's groups, the rate limit's count, then the page and its
    # topics: the same for 1 row as for 30.
    with django_assert_max_num_queries(9):
        response = client.get(QUEUE, {"limit": 100}, headers=bearer(read_token))
    assert len(response.json()["items"]) == rows


@pytest.mark.parametrize("state", ["logged", "researching", "in_review", "published", "retracted", "dismissed"])
def test_it_reads_a_claim_in_any_state(client, read_token, state):
    claim = factories.ClaimFactory(**({"status": Status.LOGGED} if state == "logged" else {state: True}))
    response = client.get(f"{CLAIMS}/{claim.pk}", headers=bearer(read_token))
    assert response.status_code == 200
    private(response)
    body = response.json()
    assert body["status"] == state and body["quote"] == claim.quote
    assert body["appearances"][0]["primary"] is True


def test_a_merged_claim_points_to_the_claim_it_joined(client, read_token):
    survivor = factories.ClaimFactory()
    merged = factories.ClaimFactory(status=Status.MERGED, merged_into=survivor)
    body = client.get(f"{CLAIMS}/{merged.pk}", headers=bearer(read_token)).json()
    assert body["status"] == "merged" and body["merged_into"] == survivor.pk


@pytest.mark.parametrize("claim_id", ["999999", str(2**63 - 1)])
def test_a_missing_claim_is_not_found(client, read_token, claim_id):
    problem(client.get(f"{CLAIMS}/{claim_id}", headers=bearer(read_token)), 404)


@pytest.mark.parametrize("claim_id", ["abc", "0", str(2**63), "-1"])
def test_a_claim_id_that_cannot_be_one_is_a_422(client, read_token, claim_id):
    problem(client.get(f"{CLAIMS}/{claim_id}", headers=bearer(read_token)), 422)


# --- Logging a claim -------------------------------------------------------------------------------------

def test_it_logs_a_claim_as_the_desk_does(client, journalist, write_token, speaker):
    topic = factories.TopicFactory(name="Migration", slug="migration")
    response = post(client, CLAIMS, new_claim(speaker, topics=["migration"], language="EN-gb"), write_token)
    assert response.status_code == 201, response.content
    private(response)
    claim = Claim.objects.get()
    assert response["Location"] == f"{SITE_URL}{CLAIMS}/{claim.pk}"
    body = response.json()
    assert body["id"] == claim.pk and body["status"] == "logged" and body["topics"][0]["slug"] == "migration"
    assert (claim.quote, claim.speaker, claim.created_by, claim.language) == (PHILP, speaker, journalist, "en-GB")
    assert claim.source.url == "https://news.example.org/interview" and claim.date_said == dt.date(2025, 3, 2)
    assert list(claim.topics.all()) == [topic]
    event = Event.objects.get(claim=claim)
    assert (event.action, event.actor) == ("claim_created", journalist)
    assert client.get(response["Location"].removeprefix(SITE_URL), headers=bearer(write_token)).status_code == 200


def test_a_quote_already_logged_is_a_409_naming_the_match(client, write_token, speaker):
    existing = factories.ClaimFactory(quote=PHILP)
    before = db_state()
    body = problem(post(client, CLAIMS, new_claim(speaker), write_token), 409)
    assert [m["id"] for m in body["matches"]] == [existing.pk]
    match = body["matches"][0]
    assert match["score"] > 0.5 and match["api_url"] == f"{SITE_URL}{CLAIMS}/{existing.pk}"
    assert match["appearances_url"] == f"{SITE_URL}{CLAIMS}/{existing.pk}/appearances"
    assert match["lexical"] > 0.5 and match["semantic"] > 0.5 and "boat" in match["shared_words"]
    assert db_state() == before

    # The pipeline adds it as an appearance instead …
    added = post(client, match["appearances_url"].removeprefix(SITE_URL), {"quote": PHILP, "speaker": speaker.name},
                 write_token)
    assert added.status_code == 201
    # … or logs it anyway, saying why; an empty reason is a 422.
    problem(post(client, CLAIMS, new_claim(speaker, different_reason="  "), write_token), 422)
    again = post(client, CLAIMS, new_claim(speaker, different_reason="Said of another year."), write_token)
    assert again.status_code == 201
    assert Event.objects.filter(action="logged_as_new", comment="Said of another year.").exists()


@pytest.mark.parametrize(("changes", "field"), [
    ({"speaker": "Nobody We Know"}, "speaker"),
    ({"source_url": "javascript:alert(1)"}, "source_url"),
    ({"source_url": "not a url"}, "source_url"),
    ({"date_said": (timezone.localdate() + dt.timedelta(days=2)).isoformat()}, "date_said"),
    ({"quote": "bad\x00quote"}, "quote"),
    ({"quote": "bad\x07quote"}, "quote"),
    ({"quote": "half a \ud800 character"}, "quote"),
    ({"topics": ["no-such-topic"]}, "topics"),
    ({"topics": ["bad\x00slug"]}, "topics"),  # PostgreSQL refuses NUL: a 422, never a 500
    ({"topics": ["half \udb42"]}, "topics"),
    ({"different_reason": "Said \x00 elsewhere."}, "different_reason"),
    ({"language": "English"}, "language"),
    ({"quote": ""}, "quote"),
    ({"quote": "x" * 5001}, "quote"),
    ({"date_said": "yesterday"}, "date_said"),
    ({"topics": "migration"}, "topics"),
])
def test_it_refuses_bad_input_with_a_422_naming_the_field(client, write_token, speaker, changes, field):
    before = db_state()
    body = problem(post(client, CLAIMS, new_claim(speaker, **changes), write_token), 422)
    assert field in {error["name"] for error in body["errors"]}, body
    assert db_state() == before


def test_it_refuses_a_body_that_is_not_json(client, write_token):
    before = db_state()
    response = client.post(CLAIMS, "quote=hello", content_type="application/x-www-form-urlencoded",
                           headers=bearer(write_token))
    assert response.status_code in (400, 415, 422)
    assert response["Content-Type"].startswith("application/problem+json")
    assert db_state() == before


# --- Adding an appearance ------------------------------------------------------------------------------

def appearance(who, **changes) -> dict:
    return {"quote": "Arrivals are down a third.", "speaker": who.name,
            "source_url": "https://news.example.org/rally", "date_said": "2025-04-01", **changes}


def test_it_adds_an_appearance_that_joins_at_once_while_the_claim_is_open(client, journalist, write_token, speaker):
    claim = factories.ClaimFactory(researching=True)
    response = post(client, f"{CLAIMS}/{claim.pk}/appearances", appearance(speaker), write_token)
    assert response.status_code == 201, response.content
    private(response)
    body = response.json()
    assert body["accepted"] is True and body["claim_id"] == claim.pk and body["primary"] is False
    assert response["Location"] == f"{SITE_URL}{CLAIMS}/{claim.pk}"
    added = Appearance.objects.get(pk=body["id"])
    assert (added.added_by, added.speaker, added.source.url) == (journalist, speaker, "https://news.example.org/rally")
    assert Event.objects.filter(claim=claim, action="appearance_added", actor=journalist).exists()


def test_on_a_published_check_a_journalists_appearance_waits_for_an_editor(client, editor, write_token, speaker):
    check = factories.ClaimFactory(published=True)
    assert post(client, f"{CLAIMS}/{check.pk}/appearances", appearance(speaker), write_token).json()["accepted"] \
        is False
    editors = token_create(actor=editor, name="Desk", scopes=["claims:write"])[1]
    assert post(client, f"{CLAIMS}/{check.pk}/appearances", appearance(speaker), editors).json()["accepted"] is True


@pytest.mark.parametrize("state", ["in_review", "dismissed", "merged", "retracted"])
def test_an_appearance_on_a_claim_that_takes_none_is_a_409(client, write_token, speaker, state):
    kwargs = {"status": Status.MERGED, "merged_into": factories.ClaimFactory()} if state == "merged" else {state: True}
    claim = factories.ClaimFactory(**kwargs)
    before = db_state()
    problem(post(client, f"{CLAIMS}/{claim.pk}/appearances", appearance(speaker), write_token), 409)
    assert db_state() == before


def test_an_appearance_on_a_missing_claim_is_a_404(client, write_token, speaker):
    before = db_state()
    problem(post(client, f"{CLAIMS}/999999/appearances", appearance(speaker), write_token), 404)
    assert db_state() == before


@pytest.mark.parametrize(("changes", "field"), [
    ({"speaker": "Nobody We Know"}, "speaker"),
    ({"source_url": "ftp://example.org/x"}, "source_url"),
    ({"quote": "bad\x00quote"}, "quote"),
    ({"language": "not a tag"}, "language"),
    ({"quote": ""}, "quote"),
])
def test_a_bad_appearance_is_a_422_and_saves_nothing(client, write_token, speaker, changes, field):
    claim = factories.ClaimFactory()
    before = db_state()
    body = problem(post(client, f"{CLAIMS}/{claim.pk}/appearances", appearance(speaker, **changes), write_token), 422)
    assert field in {error["name"] for error in body["errors"]}, body
    assert db_state() == before


def test_a_pipeline_needs_no_csrf_token_only_its_bearer_token(write_token, speaker):
    from django.test import Client

    response = post(Client(enforce_csrf_checks=True), CLAIMS, new_claim(speaker), write_token)
    assert response.status_code == 201, response.content
