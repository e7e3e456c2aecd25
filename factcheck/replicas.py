"""Read replicas for the public site (``DATABASE_REPLICA_URLS``).

Anonymous readers' GET and HEAD requests for public pages read from a streaming replica; the desk,
the API's desk endpoints, sign-in, the admin and every write use the primary (``default``). So that
nobody misses their own change, a request that wrote something (a reader's suggestion, any POST)
gets a short-lived cookie that sends that browser's reads to the primary for
``REPLICA_STICKY_SECONDS``. A replica that does not answer, or whose replay lags the primary by
more than ``REPLICA_MAX_LAG_SECONDS``, is skipped (checked at most once a second per process);
with none left, the primary serves.

A page rendered from a replica that has not yet replayed the last change readers should see is
served, but not stored in the public cache: stored, it would outlive the invalidation under the
new generation. The public cache records the primary's WAL position when it moves its generation
(``claims.public_cache``), and ``replica_is_current`` compares it with the replica's replay position.
"""

from __future__ import annotations

import contextvars
import random
import threading
import time

from django.conf import settings
from django.db import DatabaseError, connections

PRIMARY = "default"
STICKY_COOKIE = "primary_reads"
# Paths whose reads always go to the primary, whoever asks.
PRIMARY_PATHS = ("/desk/", "/accounts/", "/admin/", "/api/v1/desk/")

# The replica this request reads from, or None: set by ReplicaMiddleware, read by the router.
_reading_from: contextvars.ContextVar[str | None] = contextvars.ContextVar("reading_from", default=None)


def replica_aliases() -> list[str]:
    return [alias for alias in settings.DATABASES if alias.startswith("replica_")]


class _Health:
    """Each replica's last check (up, lag in seconds), at most once a second per process."""

    INTERVAL = 1.0

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.checked: dict[str, tuple[float, bool]] = {}

    def usable(self, alias: str) -> bool:
        now = time.monotonic()
        with self.lock:
            last = self.checked.get(alias)
            if last is not None and now - last[0] < self.INTERVAL:
                return last[1]
        ok = self._check(alias)
        with self.lock:
            self.checked[alias] = (now, ok)
        return ok

    def _check(self, alias: str) -> bool:
        try:
            with connections[alias].cursor() as cursor:
                # Caught up (everything received is replayed): no lag, however long since the last write.
                cursor.execute(
                    "SELECT CASE WHEN NOT pg_is_in_recovery() THEN 0 "
                    "WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 "
                    "ELSE coalesce(extract(epoch FROM now() - pg_last_xact_replay_timestamp()), 0) END")
                lag = float(cursor.fetchone()[0])
        except DatabaseError:
            if not connections[alias].in_atomic_block:
                connections[alias].close()  # reconnect on the next check
            return False
        return lag <= settings.REPLICA_MAX_LAG_SECONDS

    def forget(self) -> None:
        with self.lock:
            self.checked.clear()


health = _Health()


def choose_replica() -> str | None:
    """A usable replica, picked at random among them, or None."""
    aliases = replica_aliases()
    random.shuffle(aliases)
    return next((alias for alias in aliases if health.usable(alias)), None)


def may_read_from_replica(request) -> bool:
    """An anonymous GET or HEAD for a public page, from a browser that has not just written."""
    if request.method not in ("GET", "HEAD") or request.path.startswith(PRIMARY_PATHS):
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return False
    try:
        until = float(request.COOKIES.get(STICKY_COOKIE, 0))
    except ValueError:
        until = 0
    return until <= time.time()


def reading_from() -> str | None:
    return _reading_from.get()


def replica_is_current(alias: str, primary_lsn: str | None) -> bool:
    """Whether the replica has replayed the primary's WAL up to ``primary_lsn`` (no position: yes)."""
    if not primary_lsn:
        return True
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT pg_last_wal_replay_lsn() IS NULL OR pg_last_wal_replay_lsn() >= %s::pg_lsn",
                           [primary_lsn])
            return bool(cursor.fetchone()[0])
    except DatabaseError:
        return False


class ReplicaRouter:
    """Reads go where ReplicaMiddleware sent this request (the primary unless it chose a replica);
    writes, migrations and everything outside a request use the primary."""

    def db_for_read(self, model, **hints):
        if model is not None and model._meta.app_label == "django_cache":
            return PRIMARY  # the database cache's generation must be the primary's, never a replay of it
        return _reading_from.get() or PRIMARY

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # replicas hold the primary's rows

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY


class ReplicaMiddleware:
    """Chooses where this request reads from, and marks a browser that wrote so it reads the
    primary for a while."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        alias = choose_replica() if replica_aliases() and may_read_from_replica(request) else None
        token = _reading_from.set(alias)
        try:
            response = self.get_response(request)
        finally:
            _reading_from.reset(token)
        if request.method not in ("GET", "HEAD", "OPTIONS") and replica_aliases():
            seconds = settings.REPLICA_STICKY_SECONDS
            response.set_cookie(STICKY_COOKIE, f"{time.time() + seconds:.0f}", max_age=seconds,
                                secure=request.is_secure(), httponly=True, samesite="Lax")
        return response
