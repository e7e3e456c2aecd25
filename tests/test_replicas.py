"""Read replicas (factcheck.replicas): which requests read from a replica, which stay on the primary,
a browser that just wrote reads the primary for a while, an unusable replica is skipped, and a page
read from a replica behind the last change is served but never stored.

These tests decide routes; a real streaming replica (PostgreSQL 15, pg_basebackup) is proven by
``bench/bench_cluster.py --only replicas``."""

from __future__ import annotations

import time

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client, RequestFactory

from claims import public_cache
from factcheck import replicas
from tests import factories

pytestmark = pytest.mark.django_db

requests = RequestFactory()


@pytest.fixture(autouse=True)
def _clean():
    cache.clear()
    replicas.health.forget()
    yield
    replicas.health.forget()


@pytest.mark.parametrize(("method", "path", "cookies", "expected"), [
    ("get", "/", {}, True),
    ("get", "/claims/some-check/", {}, True),
    ("head", "/search/?q=nurses", {}, True),
    ("get", "/api/v1/claims", {}, True),  # the public API reads like the public pages
    ("post", "/suggest/", {}, False),
    ("get", "/desk/", {}, False),
    ("get", "/api/v1/desk/review-queue", {}, False),
    ("get", "/accounts/login/", {}, False),
    ("get", "/admin/", {}, False),
    ("get", "/", {"sessionid": "abc"}, False),  # signed in: the primary
    ("get", "/", {replicas.STICKY_COOKIE: str(time.time() + 10 ** 8)}, False),  # just wrote (read at collection)
    ("get", "/", {replicas.STICKY_COOKIE: str(time.time() - 1)}, True),  # a while ago
    ("get", "/", {replicas.STICKY_COOKIE: "not a time"}, True),
])
def test_it_sends_only_anonymous_public_reads_to_a_replica(method, path, cookies, expected):
    request = getattr(requests, method)(path)
    request.COOKIES.update(cookies)
    assert replicas.may_read_from_replica(request) is expected


def run_through_middleware(request):
    seen = {}

    def view(request):
        from django.http import HttpResponse

        seen["alias"] = replicas.reading_from()
        seen["read"] = replicas.ReplicaRouter().db_for_read(None)
        seen["write"] = replicas.ReplicaRouter().db_for_write(None)
        return HttpResponse("ok")

    return replicas.ReplicaMiddleware(view)(request), seen


def test_it_reads_the_chosen_replica_during_the_request_and_writes_the_primary(monkeypatch):
    monkeypatch.setattr(replicas, "replica_aliases", lambda: ["replica_0"])
    monkeypatch.setattr(replicas, "choose_replica", lambda: "replica_0")
    response, seen = run_through_middleware(requests.get("/"))
    assert seen == {"alias": "replica_0", "read": "replica_0", "write": "default"}
    assert replicas.reading_from() is None  # and back to the primary after it
    assert replicas.STICKY_COOKIE not in response.cookies


def test_it_reads_the_database_cache_from_the_primary_whatever_the_request(monkeypatch):
    from django.core.cache.backends.db import DatabaseCache

    monkeypatch.setattr(replicas, "replica_aliases", lambda: ["replica_0"])
    monkeypatch.setattr(replicas, "choose_replica", lambda: "replica_0")
    model = DatabaseCache("factcheck_cache", {}).cache_model_class
    seen = {}

    def view(request):
        from django.http import HttpResponse

        seen["cache"] = replicas.ReplicaRouter().db_for_read(model)
        return HttpResponse("ok")

    replicas.ReplicaMiddleware(view)(requests.get("/"))
    assert seen["cache"] == "default"


def test_it_keeps_the_desk_on_the_primary(monkeypatch):
    monkeypatch.setattr(replicas, "replica_aliases", lambda: ["replica_0"])
    monkeypatch.setattr(replicas, "choose_replica", lambda: "replica_0")
    _, seen = run_through_middleware(requests.get("/desk/claims/"))
    assert seen["read"] == "default"


def test_it_sends_a_browser_that_wrote_to_the_primary_for_the_sticky_seconds(monkeypatch, settings):
    settings.REPLICA_STICKY_SECONDS = 5
    monkeypatch.setattr(replicas, "replica_aliases", lambda: ["replica_0"])
    monkeypatch.setattr(replicas, "choose_replica", lambda: "replica_0")
    response, seen = run_through_middleware(requests.post("/suggest/"))
    assert seen["read"] == "default"
    cookie = response.cookies[replicas.STICKY_COOKIE]
    assert cookie["max-age"] == 5 and cookie["httponly"]
    assert time.time() < float(cookie.value) <= time.time() + 6  # whole seconds
    follow = requests.get("/")
    follow.COOKIES[replicas.STICKY_COOKIE] = cookie.value
    assert not replicas.may_read_from_replica(follow)


def test_it_sets_no_cookie_without_replicas():
    response, _ = run_through_middleware(requests.post("/suggest/"))
    assert replicas.STICKY_COOKIE not in response.cookies


def test_it_uses_a_server_that_answers_and_is_caught_up():
    assert replicas.health.usable("default")  # a primary: no lag


def test_it_skips_a_replica_that_lags_too_far(settings, monkeypatch):
    settings.REPLICA_MAX_LAG_SECONDS = 5
    real = connection.cursor

    class Lagging:
        def __init__(self):
            self.cursor = real()

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.cursor.close()

        def execute(self, sql, params=None):
            self.cursor.execute("SELECT 30.0")  # thirty seconds behind

        def fetchone(self):
            return self.cursor.fetchone()

    monkeypatch.setattr(connection, "cursor", Lagging)
    assert not replicas.health.usable("default")


def test_it_skips_a_replica_that_does_not_answer(monkeypatch):
    from django.db import OperationalError

    def refuse():
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)
    assert not replicas.health.usable("default")
    monkeypatch.undo()
    assert not replicas.health.usable("default")  # remembered for a second, not asked again at once
    replicas.health.forget()
    assert replicas.health.usable("default")


def test_it_chooses_none_when_no_replica_is_usable(monkeypatch):
    monkeypatch.setattr(replicas, "replica_aliases", lambda: ["replica_0", "replica_1"])
    monkeypatch.setattr(replicas.health, "usable", lambda alias: False)
    assert replicas.choose_replica() is None
    monkeypatch.setattr(replicas.health, "usable", lambda alias: alias == "replica_1")
    assert replicas.choose_replica() == "replica_1"


def test_it_serves_but_never_stores_a_page_read_from_a_replica_behind_the_last_change(monkeypatch):
    claim = factories.ClaimFactory(published=True)
    url = f"/claims/{claim.slug}/"
    monkeypatch.setattr(public_cache, "reading_from", lambda: "default")  # as if read from a replica
    monkeypatch.setattr(public_cache, "replica_is_current", lambda alias, lsn: False)
    client = Client()
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200
    assert public_cache.cached_answer(requests.get(url)) is None  # nothing was stored
    monkeypatch.setattr(public_cache, "replica_is_current", lambda alias, lsn: True)
    client.get(url)
    assert public_cache.cached_answer(requests.get(url)) is not None


def test_it_takes_a_server_that_replays_nothing_for_current():
    """A primary is not in recovery (its replay position is NULL): always current. The comparison
    itself, on a real replica paused behind, is bench/bench_cluster.py's."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        now = cursor.fetchone()[0]
    assert replicas.replica_is_current("default", now)
    assert replicas.replica_is_current("default", None)


def test_it_records_the_primarys_position_when_pages_go_stale(monkeypatch):
    monkeypatch.setattr(public_cache, "replica_aliases", lambda: ["replica_0"])
    public_cache.bump_generation()
    assert cache.get(public_cache.PRIMARY_LSN_KEY)
