"""Has this been checked before? Full-text candidates from PostgreSQL, re-ranked in Python.

The database side stays fast at a million claims: the query's words are looked up in
``SearchTerm`` (document frequencies refreshed after imports) and the rarest ones are asked for
first, with an AND of rare words before any looser OR, and a cap on candidates. The re-ranking
in ``claims.extraction`` copes with paraphrase: stems, stop words, numbers written differently
and word order.

Languages: the text's words are stemmed in its language's configuration, as the claims in that
language were, and candidates in that language rank ahead of the others (a claim checked in
another language is still a past ruling, only a less likely one).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.db.models import Q

from claims.languages import language_for, primary_subtag, search_config
from claims.models import Claim, SearchTerm
from claims.textnorm import query_text

CANDIDATES = 100
# A word used by more claims than this is too common to search for on its own.
OR_LIMIT = 20_000


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


def query_lexemes(text: str, config: str = "english") -> list[str]:
    """The text's search words as PostgreSQL stems them in ``config`` (stop words gone)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT lexeme FROM unnest(to_tsvector(%s::regconfig, %s))", [config, query_text(text, 2000)])
        return [row[0] for row in cursor.fetchall()]


def rarest_first(lexemes: list[str]) -> list[tuple[str, int | None]]:
    """The words with how many claims use each, rarest first (None: no statistics yet)."""
    stats = dict(SearchTerm.objects.filter(lexeme__in=lexemes).values_list("lexeme", "ndoc"))
    if stats:
        # A word no claim uses cannot help find one.
        return sorted(((lex, stats[lex]) for lex in lexemes if lex in stats), key=lambda p: (p[1], -len(p[0])))
    return [(lex, None) for lex in sorted(lexemes, key=lambda lex: (-len(lex), lex))]  # longer words are rarer


def _quote(lexeme: str) -> str:
    return "'" + lexeme.replace("'", "''").replace("\\", "\\\\") + "'"


def _candidate_ids(base, terms: list[tuple[str, int | None]], config: str) -> list[int]:
    """Ask for the rarest words together first, then fewer of them; an OR only of uncommon words.

    Every query includes a rare word or several words at once, so PostgreSQL never has to
    gather the hundreds of thousands of claims that share one common word."""
    lexemes = [lex for lex, _ in terms]
    found: list[int] = []
    seen: set[int] = set()
    attempts = [" & ".join(_quote(lex) for lex in lexemes[:k]) for k in (4, 3, 2) if len(lexemes) >= k]
    uncommon = [lex for lex, ndoc in terms[:3] if ndoc is None or ndoc <= OR_LIMIT]
    if uncommon:
        attempts.append(" | ".join(_quote(lex) for lex in uncommon))
    elif len(lexemes) == 1:
        attempts.append(_quote(lexemes[0]))
    for tsquery in attempts:
        query = SearchQuery(tsquery, search_type="raw", config=config)
        for pk in base.filter(search_vector=query).values_list("pk", flat=True)[:CANDIDATES]:
            if pk not in seen:
                seen.add(pk)
                found.append(pk)
        if len(found) >= CANDIDATES // 4:
            break
    return found[:CANDIDATES]


def find_similar(text: str, *, limit: int = 5, checked_only: bool = True, exclude_id: int | None = None,
                 exclude_statuses: tuple[str, ...] = ("merged",), language: str | None = None) -> list[Match]:
    """Already-checked claims (published and imported archive records) most like ``text``; with
    ``checked_only=False``, claims in any state but those excluded. ``language`` is the text's
    (guessed from its words when not given): claims in it come first.

    A claim's stored document holds the words of all its appearances, so a claim is found by
    any of the ways it was said."""
    from claims.extraction import rank

    language = language_for(text, language)
    config = search_config(language)
    terms = rarest_first(query_lexemes(text, config))
    if not terms:
        return []
    base = Claim.objects.all()
    if checked_only:
        base = base.filter(Q(status="published") | Q(imported=True))
    if exclude_statuses:
        base = base.exclude(status__in=exclude_statuses)
    if exclude_id is not None:
        base = base.exclude(pk=exclude_id)
    ids = _candidate_ids(base, terms, config)
    if not ids:
        return []
    claims = {c.pk: c for c in Claim.objects.filter(pk__in=ids).select_related("speaker", "verdict__rating")
              .only("pk", "slug", "quote", "claim_checked", "status", "imported", "original_url", "published_at",
                    "language",
                    "speaker__name", "speaker__slug", "verdict__rating__label", "verdict__rating__slug",
                    "verdict__rating__colour", "verdict__conclusion")}
    said = _other_appearances(claims)
    ranked = rank(text, [(pk, f"{c.quote} {c.claim_checked} {said.get(pk, '')}") for pk, c in claims.items()])
    matches = [Match(claims[pk], score) for pk, score in ranked if score > 0]
    # A stable sort: within each group the ranker's order stays.
    matches.sort(key=lambda m: not same_language(m.claim, language))
    return matches[:limit]


def same_language(claim: Claim, language: str) -> bool:
    return primary_subtag(claim.language or "") == primary_subtag(language)


def _other_appearances(claims: dict[int, Claim]) -> dict[int, str]:
    """The words of each claim's other appearances, where they differ from its quote (one query)."""
    from claims.models import Appearance

    words: dict[int, list[str]] = {}
    for claim_id, quote in (Appearance.objects.filter(claim_id__in=list(claims), primary=False)
                            .values_list("claim_id", "quote")):
        if quote != claims[claim_id].quote:
            words.setdefault(claim_id, []).append(quote)
    return {pk: " ".join(texts) for pk, texts in words.items()}


def similarity(a: str, b: str) -> float:
    """How closely two texts say the same thing, 0..1, the same whichever comes first.

    The re-ranker scores a query against a candidate; a short quote inside a longer sentence
    scores higher one way than the other, so both ways are averaged."""
    from claims.extraction import rank

    return (rank(a, [(0, b)])[0][1] + rank(b, [(0, a)])[0][1]) / 2


# Claims that cannot gather another appearance: set aside, folded into another, or withdrawn.
NOT_JOINABLE = ("dismissed", "merged", "retracted")


def find_duplicates(text: str, *, threshold: float | None = None, exclude_id: int | None = None,
                    language: str | None = None) -> list[Match]:
    """Claims (in progress, published or archive) saying what ``text`` says, best first (those in
    the text's language, given or guessed, ahead): each scored by ``similarity`` against its quote
    and every appearance's words."""
    from django.conf import settings

    from claims.models import Appearance

    if threshold is None:
        threshold = settings.DUPLICATE_MATCH_THRESHOLD
    language = language_for(text, language)
    candidates = find_similar(text, limit=10, checked_only=False, exclude_id=exclude_id,
                              exclude_statuses=NOT_JOINABLE, language=language)
    if not candidates:
        return []
    texts: dict[int, set[str]] = {m.claim.pk: {m.claim.quote} for m in candidates}
    for claim_id, quote in Appearance.objects.filter(claim_id__in=list(texts)).values_list("claim_id", "quote"):
        texts[claim_id].add(quote)
    scored = [Match(m.claim, max(similarity(text, other) for other in texts[m.claim.pk])) for m in candidates]
    scored = [m for m in scored if m.score >= threshold]
    scored.sort(key=lambda m: (not same_language(m.claim, language), -m.score, m.claim.pk))
    return scored


def refresh_term_stats() -> int:
    """Recount how many claims use each search word (run after imports; takes seconds per million)."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM claims_searchterm")
        cursor.execute(
            "INSERT INTO claims_searchterm (lexeme, ndoc) "
            "SELECT word, ndoc FROM ts_stat('SELECT search_vector FROM claims_claim WHERE search_vector IS NOT NULL') "
            "WHERE length(word) <= 200")
        return cursor.rowcount


def add_term_stats(claim_ids: list[int]) -> None:
    """Count the words of newly added claims in, without recounting the whole table."""
    ids = [int(pk) for pk in claim_ids]
    if not ids:
        return
    # ts_stat takes a query as text; the ids are integers, so nothing else can reach it.
    inner = "SELECT search_vector FROM claims_claim WHERE id IN (" + ",".join(map(str, ids)) + ")"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO claims_searchterm (lexeme, ndoc) SELECT word, ndoc FROM ts_stat(%s) WHERE length(word) <= 200 "
            "ON CONFLICT (lexeme) DO UPDATE SET ndoc = claims_searchterm.ndoc + EXCLUDED.ndoc", [inner])
