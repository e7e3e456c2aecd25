"""The database cache's table is UNLOGGED: its writes skip the write-ahead log.

Every public page that is not in the cache is stored there when it is rendered. Logged, each store
waited for its WAL to reach the disk and wrote the whole page to the log (a new 16 MB segment every
few hundred pages): 2 ms at the median and up to 235 ms at the tail, measured at a million claims
(bench/README.md). After a crash PostgreSQL empties an unlogged table, which the cache is built to
survive, as it survives a Redis restart: a lost generation or version makes the pages it covers
stale, and they are rendered again; rate-limit counts start again. Replicas hold no copy, and the
database cache always reads the primary (factcheck.replicas).
"""

from django.conf import settings
from django.db import migrations


def _tables() -> list[str]:
    return [cache["LOCATION"] for cache in settings.CACHES.values()
            if cache["BACKEND"].endswith("DatabaseCache")]


def _set(logged: bool):
    def run(apps, schema_editor):
        quote = schema_editor.connection.ops.quote_name
        for table in _tables():
            schema_editor.execute(f"ALTER TABLE IF EXISTS {quote(table)} SET {'LOGGED' if logged else 'UNLOGGED'}")
    return run


class Migration(migrations.Migration):
    dependencies = [("claims", "0019_public_search")]

    operations = [migrations.RunPython(_set(logged=False), _set(logged=True))]
