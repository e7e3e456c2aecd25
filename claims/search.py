"""The stored, weighted full-text document of a claim, written in bulk.

Weights: the quote and the claim as checked (A), the speaker (B), the conclusion (C). The text is
normalised in Python (accents, digit groups) exactly as queries are, because core PostgreSQL has
no unaccent and splits "50,000".
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.postgres.search import SearchQuery
from django.db import connection

from claims.textnorm import normalise, query_text


def vector_sql(a: str, b: str, c: str) -> str:
    """The weighted document from three SQL text expressions (quote and claim, speaker, conclusion)."""
    return (f"setweight(to_tsvector('english', {a}), 'A') || setweight(to_tsvector('english', {b}), 'B') "
            f"|| setweight(to_tsvector('english', {c}), 'C')")


_UPDATE = f"""
UPDATE claims_claim AS c
SET search_vector = {vector_sql("d.a", "d.b", "d.c")}
FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::text[]) AS d(id, a, b, c)
WHERE c.id = d.id
"""  # noqa: S608 - no input in the statement's text


def document_texts(quote: str, checked: str | None, speaker: str | None, role: str | None,
                   conclusion: str | None) -> tuple[str, str, str]:
    """The three weighted parts of a claim's document, normalised like every query."""
    return (normalise(f"{quote} {checked or ''}"), normalise(f"{speaker or ''} {role or ''}"),
            normalise(conclusion or ""))


def documents(rows: Iterable[tuple]) -> tuple[list, list, list, list]:
    """(pk, quote, claim_checked, speaker name, speaker role, conclusion) → the four columns."""
    ids, a, b, c = [], [], [], []
    for pk, *parts in rows:
        ids.append(pk)
        for column, text in zip((a, b, c), document_texts(*parts), strict=True):
            column.append(text)
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
    from claims.models import Appearance, Claim

    ids = list(claim_ids)
    done = 0
    for start in range(0, len(ids), 5000):
        chunk = ids[start:start + 5000]
        rows = list(Claim.objects.filter(pk__in=chunk).values_list(
            "pk", "quote", "claim_checked", "speaker__name", "speaker__role", "verdict__conclusion"))
        # The words of its other appearances belong to the claim too: it is found by any of them.
        said: dict[int, list[str]] = {}
        for claim_id, quote in Appearance.objects.filter(claim_id__in=chunk, primary=False).values_list(
                "claim_id", "quote"):
            said.setdefault(claim_id, []).append(quote)
        rows = [(pk, " ".join([quote, *(q for q in said.get(pk, ()) if q != quote)]), *rest)
                for pk, quote, *rest in rows]
        done += write_vectors(rows)
    return done


def search_query(text: str | None, limit: int = 500) -> SearchQuery | None:
    """A websearch query ("quotes", -word, or) on the stored documents; None when nothing is left."""
    cleaned = query_text(text, limit)
    return SearchQuery(cleaned, config="english", search_type="websearch") if cleaned else None
