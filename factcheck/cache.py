"""The shared database cache, with one statement per write.

Django's DatabaseCache counts the table and runs a transaction of three statements on every
``set``. Public pages write to the cache on every miss, so here ``set`` and ``add`` are one
PostgreSQL upsert each, and expired rows are culled on one write in ``CULL_EVERY`` rather than
on all of them.
"""

from __future__ import annotations

import base64
import pickle
import random
from datetime import UTC, datetime

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router

CULL_EVERY = 200


class UpsertDatabaseCache(DatabaseCache):
    def _write(self, key: str, value, timeout, *, only_if_absent: bool) -> bool:
        self.validate_key(key)
        timeout = self.get_backend_timeout(timeout)
        expires = datetime.max.replace(tzinfo=UTC) if timeout is None else datetime.fromtimestamp(timeout, tz=UTC)
        encoded = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        table = connection.ops.quote_name(self._table)
        # add() replaces only an expired entry; set() replaces any.
        condition = f" WHERE {table}.expires < now()" if only_if_absent else ""
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (cache_key, value, expires) VALUES (%s, %s, %s) "  # noqa: S608 - table name from settings
                "ON CONFLICT (cache_key) DO UPDATE SET value = EXCLUDED.value, expires = EXCLUDED.expires" + condition,
                [key, encoded, expires.replace(microsecond=0)],
            )
            written = cursor.rowcount == 1
            if random.random() < 1 / CULL_EVERY:
                cursor.execute("SELECT COUNT(*) FROM " + table)  # noqa: S608
                count = cursor.fetchone()[0]
                if count > self._max_entries:
                    self._cull(db, cursor, datetime.now(UTC).replace(microsecond=0), count)
        return written

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._write(self.make_key(key, version=version), value, timeout, only_if_absent=False)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._write(self.make_key(key, version=version), value, timeout, only_if_absent=True)
