"""Cached public pages answered before most of the middleware stack, and the headers a CDN or Varnish
holds them by (issue: a fact-check gone viral).

An anonymous GET or HEAD without a session cookie is answered from the shared cache by
``PublicCacheMiddleware``: after the security, CSP and frame middleware, before sessions, auth,
messages and CSRF. Its answer must be the page the view would have given, header for header.
"""

from __future__ import annotations

import pytest
from django.contrib.sessions.middleware import SessionMiddleware
from django.core.cache import cache
from django.test import Client

from claims import public_cache
from claims.models import Appearance
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    settings.PUBLIC_CACHE_MAX_AGE = 60
    settings.PUBLIC_CACHE_STALE_SECONDS = 30
    cache.clear()


@pytest.fixture
def claim(db):
    speaker = factories.SpeakerFactory(name="Chris Example", slug="chris-example")
    claim = factories.ClaimFactory(quote="Over 50,000 people crossed the Channel.", speaker=speaker, published=True)
    claim.topics.add(factories.TopicFactory(name="Immigration", slug="immigration"))
    return claim


@pytest.fixture
def sessions_run(monkeypatch) -> list[str]:
    """The paths for which the session middleware ran: the full stack."""
    seen: list[str] = []
    original = SessionMiddleware.process_request

    def watched(self, request):
        seen.append(request.path)
        return original(self, request)

    monkeypatch.setattr(SessionMiddleware, "process_request", watched)
    return seen


def headers_of(response) -> dict[str, str]:
    return {name.lower(): value for name, value in response.headers.items()}


def test_it_answers_a_cached_page_before_sessions_with_the_same_headers(claim, sessions_run):
    client = Client()
    url = f"/claims/{claim.slug}/"
    rendered = client.get(url)
    assert sessions_run == [url]
    cached = client.get(url)
    assert sessions_run == [url]  # the second answer never reached the session middleware
    assert cached.status_code == rendered.status_code == 200
    assert cached.content == rendered.content
    assert headers_of(cached) == headers_of(rendered)
    assert "content-security-policy" in headers_of(cached) and "permissions-policy" in headers_of(cached)
    assert cached["X-Frame-Options"] == "DENY" and "Set-Cookie" not in cached


def test_it_keeps_the_security_headers_and_the_https_redirect(claim, settings, sessions_run):
    settings.SECURE_HSTS_SECONDS = 3600
    settings.SECURE_SSL_REDIRECT = True
    client = Client()
    url = f"/claims/{claim.slug}/"
    rendered = client.get(url, secure=True)
    cached = client.get(url, secure=True)
    assert len(sessions_run) == 1
    assert cached["Strict-Transport-Security"] == rendered["Strict-Transport-Security"] == "max-age=3600"
    assert headers_of(cached) == headers_of(rendered)
    plain = client.get(url)
    assert plain.status_code == 301 and plain["Location"] == f"https://testserver{url}"


def test_it_answers_a_conditional_request_early_with_304(claim, sessions_run):
    client = Client()
    url = f"/claims/{claim.slug}/"
    etag = client.get(url)["ETag"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again["ETag"] == etag and again.content == b""
    assert len(sessions_run) == 1


def test_it_answers_head_early(claim, sessions_run):
    client = Client()
    url = f"/claims/{claim.slug}/"
    page = client.get(url)
    head = client.head(url)
    assert head.status_code == 200 and head["ETag"] == page["ETag"] and head["Content-Length"] == page["Content-Length"]
    assert len(sessions_run) == 1


def test_it_sends_signed_in_readers_through_the_whole_stack(claim, sessions_run, django_user_model):
    client = Client()
    url = f"/claims/{claim.slug}/"
    client.get(url)
    client.force_login(django_user_model.objects.create_user("reader", password="x"))
    assert client.get(url).status_code == 200
    assert sessions_run == [url, url]


def test_it_never_answers_the_desk_or_the_api_early(claim, sessions_run, journalist_client):
    anonymous = Client()
    for url in ("/desk/", "/api/v1/claims"):
        anonymous.get(url)
        anonymous.get(url)
    assert sessions_run.count("/desk/") == 2 and sessions_run.count("/api/v1/claims") == 2


def test_it_answers_fragments_apart_and_keeps_them_private(claim, sessions_run):
    client = Client()
    page = client.get("/")
    fragment = client.get("/", headers={"HX-Request": "true"})
    again = client.get("/", headers={"HX-Request": "true"})
    assert sessions_run == ["/", "/"]  # the fragment was rendered once, then answered early
    assert again.content == fragment.content != page.content
    assert b"<html" not in again.content
    assert again["Cache-Control"] == "private, max-age=0, must-revalidate"
    assert "Surrogate-Key" not in again and "Cache-Tag" not in again
    restore = client.get("/", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert restore.content == page.content


def test_it_lets_a_cdn_hold_public_pages_for_the_configured_time(claim):
    response = Client().get(f"/claims/{claim.slug}/")
    assert response["Cache-Control"] == "public, max-age=60, stale-while-revalidate=30"
    assert response["Vary"] == public_cache.VARY


def test_it_names_what_each_page_shows_in_its_surrogate_keys(claim):
    other = factories.SpeakerFactory(name="Second Speaker")
    Appearance.objects.create(claim=claim, speaker=other, quote=claim.quote, accepted=True)
    topic = claim.topics.get()
    client = Client()
    keys = client.get(f"/claims/{claim.slug}/")["Surrogate-Key"].split()
    assert keys == [f"claim-{claim.pk}", *(f"speaker-{pk}" for pk in sorted([claim.speaker_id, other.pk])),
                    f"topic-{topic.pk}", "site"]
    assert client.get(f"/claims/{claim.slug}/")["Cache-Tag"] == " ".join(keys)  # and again from the cache
    assert client.get("/")["Surrogate-Key"] == "listings site"
    assert client.get("/search/?q=channel")["Surrogate-Key"] == "listings site"
    speaker_keys = client.get(f"/speakers/{claim.speaker.slug}/")["Surrogate-Key"]
    assert speaker_keys == f"speaker-{claim.speaker_id} listings site"
    assert client.get(f"/topics/{topic.slug}/")["Surrogate-Key"] == f"topic-{topic.pk} listings site"
    assert client.get(f"/embed/claims/{claim.slug}/")["Surrogate-Key"] == (
        f"claim-{claim.pk} speaker-{claim.speaker_id} site")


def test_it_caches_nothing_when_the_cache_is_down_and_still_answers(claim, monkeypatch, sessions_run):
    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "get_many", down)
    client = Client()
    url = f"/claims/{claim.slug}/"
    assert client.get(url).status_code == 200 and client.get(url).status_code == 200
    assert sessions_run == [url, url]


def test_it_answers_health_checks_by_address_over_plain_http(settings):
    settings.ALLOWED_HOSTS = ["checks.example.org"]
    settings.SECURE_SSL_REDIRECT = True
    response = Client().get("/healthz", HTTP_HOST="10.0.0.7:8101")
    assert response.status_code == 200 and response.content == b"ok\n"
    assert response["Cache-Control"] == "no-store"
    assert Client().get("/", HTTP_HOST="10.0.0.7:8101").status_code == 400  # every other page checks the host


def test_it_says_when_the_database_does_not_answer(monkeypatch):
    from django.db import OperationalError
    from django.db.backends.utils import CursorWrapper

    def refuse(self, sql, params=None):
        raise OperationalError("the server closed the connection")

    monkeypatch.setattr(CursorWrapper, "execute", refuse)
    response = Client().get("/healthz")
    assert response.status_code == 503 and b"database" in response.content


def test_it_keeps_one_redis_client_per_pool_and_still_caches():
    import socket

    from factcheck.cache import SharedRedisCache

    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    redis_cache = SharedRedisCache("redis://127.0.0.1:6379/12", {"KEY_PREFIX": "test-early-cache"})
    redis_cache.set("page", (1, b"<html>", "text/html"))
    assert redis_cache.get_many(["page", "missing"]) == {"page": (1, b"<html>", "text/html")}
    client = redis_cache._cache.get_client()
    assert redis_cache._cache.get_client() is client and redis_cache._cache.get_client(write=True) is client
    redis_cache.delete("page")
    assert redis_cache.get("page") is None


def test_it_sends_a_cached_page_the_policy_as_configured(claim, settings):
    import copy

    url = f"/claims/{claim.slug}/"
    client = Client()
    client.get(url)
    assert client.get(url)["Content-Security-Policy"] == client.get(url + "?other")["Content-Security-Policy"]
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["img-src"] = ["'self'", "https://images.example.org"]
    settings.CONTENT_SECURITY_POLICY = policy
    cache.clear()
    rendered, cached = client.get(url), client.get(url)
    assert "https://images.example.org" in rendered["Content-Security-Policy"]
    assert cached["Content-Security-Policy"] == rendered["Content-Security-Policy"]


def test_it_keeps_a_pages_own_policy_when_cached(claim):
    client = Client()
    url = f"/embed/claims/{claim.slug}/"
    rendered, cached = client.get(url), client.get(url)
    assert "frame-ancestors *" in cached["Content-Security-Policy"]
    assert headers_of(cached) == headers_of(rendered)
