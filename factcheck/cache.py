"""The shared caches: the database's, with one statement per write, and Redis with one client.

Django's DatabaseCache counts the table and runs a transaction of three statements on every
``set``. Public pages write to the cache on every miss, so here ``set`` and ``add`` are one
PostgreSQL statement each, which also deletes a few expired rows: the table stays small without
being counted, and a page's query count never depends on housekeeping.
"""

from __future__ import annotations

import base64
import pickle
from datetime import UTC, datetime

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.db import connections, router, transaction

CLEAR_PER_WRITE = 20


class UpsertDatabaseCache(DatabaseCache):
    def _expires(self, timeout) -> datetime:
        timeout = self.get_backend_timeout(timeout)
        expires = datetime.max.replace(tzinfo=UTC) if timeout is None else datetime.fromtimestamp(timeout, tz=UTC)
        return expires.replace(microsecond=0)

    def _encode(self, value) -> str:
        return base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")

    def _write(self, key: str, value, timeout, *, only_if_absent: bool) -> bool:
        self.validate_key(key)
        expires = self._expires(timeout)
        encoded = self._encode(value)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        table = connection.ops.quote_name(self._table)
        # add() replaces only an expired entry; set() replaces any. The same statement clears a few
        # expired rows, so the table stays small without counting it (and every write is one query).
        condition = f" WHERE {table}.expires < now()" if only_if_absent else ""
        with connection.cursor() as cursor:
            cursor.execute(
                f"WITH written AS (INSERT INTO {table} (cache_key, value, expires) VALUES (%s, %s, %s) "  # noqa: S608
                "ON CONFLICT (cache_key) DO UPDATE SET value = EXCLUDED.value, expires = EXCLUDED.expires"
                f"{condition} RETURNING 1), "
                f"cleared AS (DELETE FROM {table} WHERE cache_key IN (SELECT cache_key FROM {table} "
                f"WHERE expires < now() AND cache_key <> %s ORDER BY expires LIMIT {CLEAR_PER_WRITE})) "
                "SELECT count(*) FROM written",
                [key, encoded, expires, key],
            )
            written = cursor.fetchone()[0] == 1
        return written

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._write(self.make_key(key, version=version), value, timeout, only_if_absent=False)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        """Every entry in one statement (the public cache writes the generation and its keys' versions
        together)."""
        if not data:
            return []
        expires = self._expires(timeout)
        rows, params = [], []
        for key, value in data.items():
            key = self.make_key(key, version=version)
            self.validate_key(key)
            rows.append("(%s, %s, %s)")
            params += [key, self._encode(value), expires]
        connection = connections[router.db_for_write(self.cache_model_class)]
        table = connection.ops.quote_name(self._table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (cache_key, value, expires) VALUES {', '.join(rows)} "  # noqa: S608
                "ON CONFLICT (cache_key) DO UPDATE SET value = EXCLUDED.value, expires = EXCLUDED.expires", params)
        return []

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._write(self.make_key(key, version=version), value, timeout, only_if_absent=True)

    def incr(self, key, delta=1, version=None):
        """Atomic: the row is locked while it is read and written, so concurrent counts never
        lose an increment (Django's own incr reads, then writes)."""
        key = self.make_key(key, version=version)
        self.validate_key(key)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        table = connection.ops.quote_name(self._table)
        with transaction.atomic(using=db), connection.cursor() as cursor:
            cursor.execute(f"SELECT value FROM {table} WHERE cache_key = %s AND expires >= now() FOR UPDATE",  # noqa: S608
                           [key])
            row = cursor.fetchone()
            if row is None:
                raise ValueError(f"Key '{key}' not found")
            value = pickle.loads(base64.b64decode(row[0].encode("latin1"))) + delta  # noqa: S301 - our own rows
            encoded = self._encode(value)
            cursor.execute(f"UPDATE {table} SET value = %s WHERE cache_key = %s", [encoded, key])  # noqa: S608
        return value



class _ReusedRedisClient(RedisCacheClient):
    """Django makes a new ``redis.Redis`` for every cache call, and redis-py builds its table of
    response callbacks (about 170 entries) in each: a tenth of a millisecond, the largest cost of
    a cached page. The client is thread-safe (its connections come from the pool), so one per pool
    is kept and reused."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return client


class SharedRedisCache(RedisCache):
    """Django's Redis cache with one client per connection pool (``_ReusedRedisClient``)."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _ReusedRedisClient
