"""Has this been checked before? Full-text candidates from PostgreSQL, re-ranked in Python.

The database side stays fast at a million claims: the query's words are looked up in
``SearchTerm`` (document frequencies refreshed after imports) and the rarest ones are asked for
first, with an AND of rare words before any looser OR, and a cap on candidates. The re-ranking
in ``claims.extraction`` copes with paraphrase: stems, stop words, numbers written differently
and word order.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.db.models import Q

from claims.models import Claim, SearchTerm
from claims.textnorm import normalise

CANDIDATES = 200


@dataclass
class Match:
    claim: Claim
    score: float

    def as_dict(self) -> dict:
        verdict = getattr(self.claim, "verdict", None)
        return {
            "id": self.claim.pk, "slug": self.claim.slug,
            "claim": self.claim.claim_checked or self.claim.quote,
            "rating": verdict.rating.label if verdict and verdict.rating else None,
            "score": round(self.score, 4),
        }


def query_lexemes(text: str) -> list[str]:
    """The text's search words as PostgreSQL stems them (stop words gone)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT lexeme FROM unnest(to_tsvector('english', %s))", [normalise(text)[:2000]])
        return [row[0] for row in cursor.fetchall()]


def rarest_first(lexemes: list[str]) -> list[str]:
    stats = dict(SearchTerm.objects.filter(lexeme__in=lexemes).values_list("lexeme", "ndoc"))
    if stats:
        # A word no claim uses cannot help find one.
        lexemes = [lex for lex in lexemes if lex in stats]
        return sorted(lexemes, key=lambda lex: (stats[lex], -len(lex)))
    return sorted(lexemes, key=lambda lex: (-len(lex), lex))  # no statistics yet: longer words are rarer


def _quote(lexeme: str) -> str:
    return "'" + lexeme.replace("'", "''").replace("\\", "\\\\") + "'"


def _candidate_ids(base, lexemes: list[str]) -> list[int]:
    found: list[int] = []
    seen: set[int] = set()
    attempts = []
    for k in (4, 3, 2):
        if len(lexemes) >= k:
            attempts.append(" & ".join(_quote(lex) for lex in lexemes[:k]))
    attempts.append(" | ".join(_quote(lex) for lex in lexemes[:3]))
    for tsquery in attempts:
        query = SearchQuery(tsquery, search_type="raw", config="english")
        ids = base.filter(search_vector=query).values_list("pk", flat=True)[:CANDIDATES]
        for pk in ids:
            if pk not in seen:
                seen.add(pk)
                found.append(pk)
        if len(found) >= CANDIDATES // 4:
            break
    return found[:CANDIDATES]


def find_similar(text: str, *, limit: int = 5, checked_only: bool = True, exclude_id: int | None = None) -> list[Match]:
    """Already-checked claims (published and imported archive records) most like ``text``."""
    from claims.extraction import rank

    lexemes = rarest_first(query_lexemes(text))
    if not lexemes:
        return []
    base = Claim.objects.all()
    if checked_only:
        base = base.filter(Q(status="published") | Q(imported=True))
    if exclude_id is not None:
        base = base.exclude(pk=exclude_id)
    ids = _candidate_ids(base, lexemes)
    if not ids:
        return []
    claims = {c.pk: c for c in Claim.objects.filter(pk__in=ids).select_related("speaker", "verdict__rating")}
    ranked = rank(text, [(pk, f"{c.quote} {c.claim_checked}") for pk, c in claims.items()])
    return [Match(claims[pk], score) for pk, score in ranked[:limit] if score > 0]


def refresh_term_stats() -> int:
    """Recount how many claims use each search word (run after imports; takes seconds per million)."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM claims_searchterm")
        cursor.execute(
            "INSERT INTO claims_searchterm (lexeme, ndoc) "
            "SELECT word, ndoc FROM ts_stat('SELECT search_vector FROM claims_claim WHERE search_vector IS NOT NULL') "
            "WHERE length(word) <= 200")
        return cursor.rowcount
