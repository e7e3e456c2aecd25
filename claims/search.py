"""The stored, weighted full-text document of a claim, written in bulk.

Weights: the quote and the claim as checked (A), the speaker (B), the conclusion (C). The text is
normalised in Python (accents, digit groups) exactly as queries are, because core PostgreSQL has
no unaccent and splits "50,000".
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

from claims.textnorm import normalise

_UPDATE = """
UPDATE claims_claim AS c
SET search_vector = setweight(to_tsvector('english', d.a), 'A')
                 || setweight(to_tsvector('english', d.b), 'B')
                 || setweight(to_tsvector('english', d.c), 'C')
FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::text[]) AS d(id, a, b, c)
WHERE c.id = d.id
"""


def documents(rows: Iterable[tuple]) -> tuple[list, list, list, list]:
    """(pk, quote, claim_checked, speaker name, speaker role, conclusion) → the four columns."""
    ids, a, b, c = [], [], [], []
    for pk, quote, checked, speaker, role, conclusion in rows:
        ids.append(pk)
        a.append(normalise(f"{quote} {checked or ''}"))
        b.append(normalise(f"{speaker or ''} {role or ''}"))
        c.append(normalise(conclusion or ""))
    return ids, a, b, c


def write_vectors(rows: Iterable[tuple]) -> int:
    ids, a, b, c = documents(rows)
    if not ids:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(_UPDATE, [ids, a, b, c])
    return len(ids)


def refresh_search_vectors(claim_ids) -> int:
    """Recompute the documents of these claims in one statement per 5,000 claims."""
    from claims.models import Claim

    ids = list(claim_ids)
    done = 0
    for start in range(0, len(ids), 5000):
        rows = Claim.objects.filter(pk__in=ids[start:start + 5000]).values_list(
            "pk", "quote", "claim_checked", "speaker__name", "speaker__role", "verdict__conclusion")
        done += write_vectors(rows)
    return done
