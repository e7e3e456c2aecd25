"""Each claim's and appearance's embedding (claims.embeddings), as ``real[]`` on every server.

Where the ``vector`` extension is available (pgvector), it is created and each column gets an HNSW
index on its cast to ``vector(256)`` (cosine distance), which matching then asks for the nearest
meanings; on a server without it matching re-ranks its word-based candidates exactly instead.
"""

import django.contrib.postgres.fields
from django.db import DatabaseError, migrations, models, transaction

TABLES = ("claims_claim", "claims_appearance")


def index_where_pgvector(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'vector'")
        if cursor.fetchone() is None:
            return
        try:
            with transaction.atomic(using=schema_editor.connection.alias):
                cursor.execute("CREATE EXTENSION IF NOT EXISTS vector")
        except DatabaseError:  # available but not ours to create: matching re-ranks exactly instead
            return
        # A sparser graph than the default (m 8, ef_construction 32) keeps each insert near a
        # millisecond, for bulk imports; matching asks with ef_search 80 to find as many.
        # Appearances: only those beyond a claim's first (its own words, found through the claim).
        for table, where in (("claims_claim", ""), ("claims_appearance", ' WHERE NOT "primary"')):
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {table}_embedding_hnsw ON {table} "
                f"USING hnsw ((embedding::vector(256)) vector_cosine_ops) WITH (m = 8, ef_construction = 32)"
                f"{where}")


def drop_indexes(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"DROP INDEX IF EXISTS {table}_embedding_hnsw")


class Migration(migrations.Migration):

    dependencies = [
        ("claims", "0015_archived_copies"),
    ]

    operations = [
        migrations.AddField(
            model_name="claim",
            name="embedding",
            field=django.contrib.postgres.fields.ArrayField(base_field=models.FloatField(), blank=True, editable=False,
                                                            null=True, size=256),
        ),
        migrations.AddField(
            model_name="appearance",
            name="embedding",
            field=django.contrib.postgres.fields.ArrayField(base_field=models.FloatField(), blank=True, editable=False,
                                                            null=True, size=256),
        ),
        # Single precision is plenty for a cosine and halves the storage.
        migrations.RunSQL(
            [f"ALTER TABLE {table} ALTER COLUMN embedding TYPE real[]" for table in TABLES],
            [f"ALTER TABLE {table} ALTER COLUMN embedding TYPE double precision[]" for table in TABLES],
        ),
        migrations.RunPython(index_where_pgvector, drop_indexes),
    ]
