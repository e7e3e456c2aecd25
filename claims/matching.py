"""Has this been checked before? Candidates from PostgreSQL, one hybrid score in Python.

Two things are compared, and each match says how much of each it has:
- **the words** (``lexical``): Okapi BM25 over the claim's quote, the claim as checked and the
  words of its other appearances, stemmed as PostgreSQL stems them in the text's language, numbers
  compared by value ("fifty thousand" = "50,000"), each shared word weighted by how rare it is
  among all claims (``SearchTerm``, the term statistics refreshed after imports); divided by the
  text's score against itself, so 1.0 means every word of the text, as rare as it is;
- **the meaning** (``semantic``): the cosine similarity of the two texts' embeddings
  (``claims.embeddings``), for English only; the best of the claim's own and its appearances'.

The score is ``(1 − MATCH_SEMANTIC_SHARE) · lexical + MATCH_SEMANTIC_SHARE · semantic`` (the
words only, for other languages), times a near-miss factor below 1 when the two
say different things on the same words (other figures, a negation, "rose" for "fell").

Candidates: the claims sharing the text's rarest words (scored in SQL by their IDF-weighted overlap,
so a million claims are never read), claims sharing several of its words at once, and, where the
server has pgvector, the claims and appearances nearest in meaning (HNSW index); without pgvector
the word candidates are re-ranked exactly by meaning in numpy.

Languages: a text is stemmed in its language's configuration, as the claims in that language were,
and candidates in that language rank ahead of the others.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import cache

import numpy as np
from django.conf import settings
from django.contrib.postgres.search import SearchQuery
from django.db import connection, transaction
from django.db.models import Q
from django.db.models.expressions import RawSQL

from claims import embeddings
from claims.extraction.ranking import bm25, bm25_terms, near_miss
from claims.languages import language_for, primary_subtag, search_config
from claims.models import Claim, SearchTerm
from claims.textnorm import query_text

CANDIDATES = 100
# How many claims sharing rare words are scored in SQL, and how many of the best go on to Python.
LEXICAL_POOL = 4000
LEXICAL_KEEP = 80
# How many nearest meanings are asked of the HNSW index (claims, and appearances).
SEMANTIC_KEEP = 30
# How many of the best by words are compared by meaning when the server has no pgvector.
RERANK = 60
# A word used by more claims than this is too common to search for on its own.
OR_LIMIT = 20_000
K1, B = 1.2, 0.75
# Rows of SearchTerm that are not words (no lexeme holds a space): the number of claims counted,
# and their average length in distinct words of the quote and claim as checked, times 100.
STATS_CLAIMS, STATS_LENGTH = " claims", " length"
DEFAULT_AVGDL = 12.0
# The word score from which a near miss (other figures, a negation, "rose" for "fell") is marked down.
NEAR_MISS_FROM = 0.5

_URL = re.compile(r"(?:https?://|www\.|pic\.twitter\.com/)\S*|\S+\.(?:com|org|net|co|ly)/\S*", re.I)
_TWEET_TAIL = re.compile(r"\s*[—–-]\s*[^—–]{0,80}\(@\w+\)\s*\w+ \d{1,2}, \d{4}\s*$")


@dataclass
class Match:
    claim: Claim
    score: float
    lexical: float = 0.0
    semantic: float | None = None
    shared_words: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        verdict = getattr(self.claim, "verdict", None)
        return {
            "id": self.claim.pk, "slug": self.claim.slug,
            "claim": self.claim.claim_checked or self.claim.quote,
            "rating": verdict.rating.label if verdict and verdict.rating else None,
            "score": round(self.score, 4),
            "lexical": round(self.lexical, 4),
            "semantic": None if self.semantic is None else round(self.semantic, 4),
            "shared_words": self.shared_words,
        }

    @property
    def why(self) -> str:
        """Why it was suggested, in words: "shared words: channel, boat · meaning 0.91"."""
        parts = [f"shared words: {', '.join(self.shared_words)}"] if self.shared_words else []
        if self.semantic is not None:
            parts.append(f"meaning {self.semantic:.2f}")
        return " · ".join(parts) or "no words in common"


def clean_query(text: str) -> str:
    """The text without what never helps find a claim: web addresses, and the "— Name (@handle)
    January 6, 2020" a pasted post ends with (the name stays)."""
    text = _TWEET_TAIL.sub(lambda m: " " + re.sub(r"\(@\w+\).*$", "", m.group(0)).strip(" —–-"), text or "")
    return _URL.sub(" ", text).replace("#", " ").replace("@", " ").strip()


def hybrid(lexical: float, semantic: float | None, factor: float = 1.0, *, share: float | None = None) -> float:
    """The one score of "already checked?", 0..1."""
    # A near miss is the same words saying another thing: only texts sharing most of their words
    # are marked down (a post quoting other figures beside the claim is not a near miss).
    if lexical < NEAR_MISS_FROM:
        factor = 1.0
    if semantic is None:
        return max(0.0, min(1.0, lexical * factor))
    if share is None:
        share = settings.MATCH_SEMANTIC_SHARE
    value = (1 - share) * min(1.0, lexical) + share * max(0.0, semantic)
    return max(0.0, min(1.0, value * factor))


def order_key(score: float, pk: int) -> tuple[float, int]:
    """Best first; among scores equal to two decimals (the same claim checked twice, say) the
    earlier check first."""
    return (-round(score, 2), pk)


# --- term statistics ------------------------------------------------------------------------------

def query_lexemes(text: str, config: str = "english") -> list[str]:
    """The text's search words as PostgreSQL stems them in ``config`` (stop words gone)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT lexeme FROM unnest(to_tsvector(%s::regconfig, %s))", [config, query_text(text, 2000)])
        return [row[0] for row in cursor.fetchall()]


@dataclass
class Stats:
    ndoc: dict[str, int]
    claims: int
    avgdl: float

    def idf(self, term: str) -> float:
        """BM25's IDF, ln(1 + (N − n + 0.5) / (n + 0.5)); a word no claim uses counts as used once."""
        n = min(self.ndoc.get(term, 1), self.claims)
        return math.log(1.0 + (self.claims - n + 0.5) / (n + 0.5))

    def weights(self, terms) -> dict[str, float]:
        return {t: self.idf(t) for t in terms}


def term_stats(terms) -> Stats:
    """How many claims use each of these words, how many claims were counted, their mean length."""
    rows = dict(SearchTerm.objects.filter(lexeme__in=[*set(terms), STATS_CLAIMS, STATS_LENGTH])
                .values_list("lexeme", "ndoc"))
    claims = rows.pop(STATS_CLAIMS, None)
    length = rows.pop(STATS_LENGTH, None)
    if not claims:
        claims = max(rows.values(), default=0) + 1
    return Stats(rows, max(1, claims), length / 100 if length else DEFAULT_AVGDL)


def rarest_first(lexemes: list[str], stats: Stats | None = None) -> list[tuple[str, int | None]]:
    """The words with how many claims use each, rarest first (None: no statistics yet)."""
    if stats is None:
        stats = term_stats(lexemes)
    if stats.ndoc:
        # A word no claim uses cannot help find one.
        return sorted(((lex, stats.ndoc[lex]) for lex in dict.fromkeys(lexemes) if lex in stats.ndoc),
                      key=lambda p: (p[1], -len(p[0])))
    return [(lex, None) for lex in sorted(dict.fromkeys(lexemes), key=lambda lex: (-len(lex), lex))]


# --- candidates -----------------------------------------------------------------------------------

def _quote(lexeme: str) -> str:
    return "'" + lexeme.replace("'", "''").replace("\\", "\\\\") + "'"


def _filtered(base, checked_only: bool, exclude_statuses, exclude_id):
    if checked_only:
        base = base.filter(Q(status="published") | Q(imported=True))
    if exclude_statuses:
        base = base.exclude(status__in=exclude_statuses)
    if exclude_id is not None:
        base = base.exclude(pk=exclude_id)
    return base


def _rare_words(terms: list[tuple[str, int | None]]) -> list[str]:
    """The rarest words, as many as keep the claims that use them under ``LEXICAL_POOL``."""
    chosen, total = [], 0
    for lex, ndoc in terms:
        if ndoc is not None and (ndoc > OR_LIMIT or (chosen and total + ndoc > LEXICAL_POOL)):
            break
        chosen.append(lex)
        total += ndoc or 0
    return chosen


def _rare_word_candidates(base, chosen: list[str], stats: Stats, config: str) -> list[int]:
    """Claims sharing the rarest words, the best ``LEXICAL_KEEP`` by their IDF-weighted overlap with
    the text divided by their length as BM25 divides it (BM25 with every frequency taken as one),
    in one SQL statement."""
    if not chosen:
        return []
    query = SearchQuery(" | ".join(_quote(lex) for lex in chosen), search_type="raw", config=config)
    parts, params = [], []
    for lex in chosen:
        parts.append("CASE WHEN claims_claim.search_vector @@ %s::tsquery THEN %s ELSE 0 END")
        params += [_quote(lex), stats.idf(lex)]
    # The length counts the speaker's words too.
    overlap = RawSQL(f"({' + '.join(parts)}) / ({1 - B} + {B} * length(claims_claim.search_vector) / %s)",  # noqa: S611
                     [*params, stats.avgdl + 2])
    return list(base.filter(search_vector=query).annotate(overlap=overlap).order_by("-overlap", "pk")
                .values_list("pk", flat=True)[:LEXICAL_KEEP])


def _several_word_candidates(base, terms: list[tuple[str, int | None]], config: str) -> list[int]:
    """Claims sharing several of the rarest words at once, however common each is."""
    lexemes = [lex for lex, _ in terms]
    found: list[int] = []
    for k in (3, 2):
        if len(lexemes) < k:
            continue
        query = SearchQuery(" & ".join(_quote(lex) for lex in lexemes[:k]), search_type="raw", config=config)
        found.extend(base.filter(search_vector=query).values_list("pk", flat=True)[:CANDIDATES // 3])
        if found:
            break
    return found


@cache
def has_pgvector(alias: str = "default") -> bool:
    """Whether this database has the vector extension and the HNSW indexes on the embeddings."""
    from django.db import connections

    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = 'claims_claim_embedding_hnsw'")
        return cursor.fetchone() is not None


def _vector_literal(vector: np.ndarray) -> str:
    return "[" + ",".join(f"{x:.6f}" for x in vector) + "]"


def _nearest_candidates(base, vector: np.ndarray) -> list[int]:
    """The claims nearest in meaning, and the claims of the nearest appearances (HNSW, pgvector)."""
    from claims.models import Appearance

    # Filtered searches walk the graph on until enough are found: hnsw.ef_search and
    # hnsw.iterative_scan are set for every session (factcheck.settings.HNSW_OPTIONS).
    literal = _vector_literal(vector)

    def distance(table: str) -> RawSQL:
        return RawSQL(f"({table}.embedding::vector(256)) <=> %s::vector(256)", [literal])  # noqa: S611

    claims = list(base.filter(embedding__isnull=False).annotate(d=distance("claims_claim")).order_by("d")
                  .values_list("pk", flat=True)[:SEMANTIC_KEEP])
    said = list(Appearance.objects.filter(embedding__isnull=False, primary=False, claim__in=base)
                .annotate(d=distance("claims_appearance")).order_by("d")
                .values_list("claim_id", flat=True)[:SEMANTIC_KEEP // 4])
    return claims + said


# --- scoring --------------------------------------------------------------------------------------

@dataclass(slots=True)
class Candidate:
    quote: str
    claim_checked: str
    language: str


@dataclass
class Scored:
    """One candidate's figures before they are combined (``hybrid``)."""

    pk: int
    bm25: float
    lexical: float
    semantic: float | None
    shared: set[str]
    text: str


_EMBEDDINGS = """
SELECT id, embedding FROM claims_claim WHERE id = ANY(%s) AND embedding IS NOT NULL
UNION ALL
SELECT claim_id, embedding FROM claims_appearance WHERE claim_id = ANY(%s) AND NOT "primary" AND embedding IS NOT NULL
"""


def _cosines(vector: np.ndarray, rows: list[tuple[int, list[float] | None]]) -> dict[int, float]:
    best: dict[int, float] = {}
    for pk, emb in rows:
        if emb is None:
            continue
        value = float(np.dot(np.asarray(emb, dtype=np.float32), vector))
        if value > best.get(pk, -2.0):
            best[pk] = value
    return best


def score_candidates(text: str, *, checked_only: bool = True, exclude_id: int | None = None,
                     exclude_statuses: tuple[str, ...] = ("merged",), language: str | None = None
                     ) -> tuple[list[Scored], dict[int, Candidate], str]:
    """Every candidate for ``text`` with its BM25, normalised lexical and semantic figures (not yet
    sorted), the candidates' words and language by id, and the text's language."""
    from claims.models import Appearance

    text = clean_query(text)
    language = language_for(text, language)
    config = search_config(language)
    query_terms = bm25_terms(text, config)
    lexemes = query_lexemes(text, config)
    stats = term_stats([*lexemes, *query_terms])
    terms = rarest_first(lexemes, stats)
    semantic = embeddings.applies_to(language)
    vector = embeddings.embed_array([text])[0] if semantic and text else None
    if not terms and vector is None:
        return [], {}, language
    base = _filtered(Claim.objects.all(), checked_only, exclude_statuses, exclude_id)
    chosen = _rare_words(terms)
    ids = _rare_word_candidates(base, chosen, stats, config)
    if len(chosen) < min(3, len(terms)):  # only common words left: ask for several at once
        ids = list(dict.fromkeys([*ids, *_several_word_candidates(base, terms, config)]))
    nearest: list[int] = []
    if vector is not None and has_pgvector():
        nearest = _nearest_candidates(base, vector)
    ids = list(dict.fromkeys([*ids, *nearest]))
    if not ids:
        return [], {}, language
    # Only what scoring needs: the claims themselves are loaded for the few that are shown (``ranked``).
    claims = {pk: Candidate(quote, checked, lang) for pk, quote, checked, lang in
              Claim.objects.filter(pk__in=ids).values_list("pk", "quote", "claim_checked", "language")}
    said: dict[int, list[str]] = {}
    for claim_id, quote in Appearance.objects.filter(claim_id__in=list(claims), primary=False).values_list(
            "claim_id", "quote"):
        if quote != claims[claim_id].quote:
            said.setdefault(claim_id, []).append(quote)
    weights = stats.weights(set(query_terms))
    self_score = bm25(weights, query_terms, stats.avgdl, k1=K1, b=B)[0] or 1.0
    scored = []
    for pk, claim in claims.items():
        words = " ".join([embeddings.claim_text(claim.quote, claim.claim_checked), *said.get(pk, ())])
        value, shared = bm25(weights, bm25_terms(words, config), stats.avgdl, k1=K1, b=B)
        scored.append(Scored(pk, value, min(1.0, value / self_score), None, shared, words))
    if vector is not None:
        # The best by words, and every one found by meaning, compared by meaning exactly.
        scored.sort(key=lambda s: (-s.bm25, s.pk))
        wanted = {s.pk for s in scored[:RERANK]} | set(nearest)
        with connection.cursor() as cursor:
            cursor.execute(_EMBEDDINGS, [list(wanted), list(wanted)])
            cosines = _cosines(vector, cursor.fetchall())
        # Claims saved before they had embeddings (until embed_claims has run) are embedded now.
        unstored = [s for s in scored if s.pk in wanted and s.pk not in cosines
                    and embeddings.applies_to(claims[s.pk].language)]
        if unstored:
            for s, row in zip(unstored, embeddings.embed_array([s.text for s in unstored]), strict=True):
                cosines[s.pk] = float(np.dot(row, vector))
        for s in scored:
            if s.pk in cosines:
                s.semantic = cosines[s.pk]
            elif s.pk not in wanted and embeddings.applies_to(claims[s.pk].language):
                s.semantic = 0.0  # further by words than the ones compared: counted as unrelated in meaning
    return scored, claims, language


def _shared_words(text: str, claim_text: str, shared_terms: set[str], config: str) -> list[str]:
    """The words of ``text`` behind the shared terms, as the text wrote them, in its order."""
    words = []
    for word in re.findall(r"[^\W_]+(?:[.,]\d+)*", text):
        terms = bm25_terms(word, config)
        if terms and terms[0] in shared_terms and word.lower() not in (w.lower() for w in words):
            words.append(word)
    return words[:12]


def find_similar(text: str, *, limit: int = 5, checked_only: bool = True, exclude_id: int | None = None,
                 exclude_statuses: tuple[str, ...] = ("merged",), language: str | None = None) -> list[Match]:
    """Already-checked claims (published and imported archive records) most like ``text``; with
    ``checked_only=False``, claims in any state but those excluded. ``language`` is the text's
    (guessed from its words when not given): claims in it come first.

    A claim's words and meaning include those of all its appearances, so a claim is found by any
    of the ways it was said."""
    scored, claims, language = score_candidates(text, checked_only=checked_only, exclude_id=exclude_id,
                                                exclude_statuses=exclude_statuses, language=language)
    return ranked(text, scored, claims, language, limit=limit)


def ranked(text: str, scored: list[Scored], candidates: dict[int, Candidate], language: str, *, limit: int = 5,
           share: float | None = None, words: bool = True) -> list[Match]:
    """The candidates by their hybrid score (``share``: the meaning's, MATCH_SEMANTIC_SHARE unless
    given), near misses marked down, those in the text's language first."""
    if not scored:
        return []
    cleaned = clean_query(text)
    prelim = sorted(scored, key=lambda s: order_key(hybrid(s.lexical, s.semantic, share=share), s.pk))
    prelim = prelim[:max(limit * 3, 15)]
    config = search_config(language)
    claims = {c.pk: c for c in Claim.objects.filter(pk__in=[s.pk for s in prelim])
              .select_related("speaker", "verdict__rating")
              .only("pk", "slug", "quote", "claim_checked", "status", "imported", "original_url", "published_at",
                    "language", "speaker__name", "speaker__slug", "verdict__rating__label", "verdict__rating__slug",
                    "verdict__rating__colour", "verdict__conclusion")}
    matches = []
    for s in prelim:
        if s.pk not in claims:  # deleted since
            continue
        if s.bm25 <= 0 and (s.semantic is None or s.semantic <= settings.MATCH_MIN_SEMANTIC):
            continue
        # Two decimals: the order does not tell finer differences apart (``order_key``).
        score = round(hybrid(s.lexical, s.semantic, near_miss(cleaned, s.text), share=share), 2)
        matches.append(Match(claims[s.pk], score, s.lexical, s.semantic,
                             _shared_words(cleaned, s.text, s.shared, config) if words else []))
    # Within each language group the best score first.
    matches.sort(key=lambda m: (not same_language(m.claim, language), *order_key(m.score, m.claim.pk)))
    return matches[:limit]


def same_language(claim: Claim, language: str) -> bool:
    return primary_subtag(claim.language or "") == primary_subtag(language)


def similarities(text: str, others: list[str], language: str | None = None) -> list[float]:
    """``similarity`` of ``text`` with each of ``others`` (one statistics query, one model call)."""
    if not others:
        return []
    language = language_for(text, language)
    config = search_config(language)
    a_terms = bm25_terms(text, config)
    b_terms = [bm25_terms(o, config) for o in others]
    stats = term_stats({*a_terms, *(t for terms in b_terms for t in terms)})
    vectors = None
    if embeddings.applies_to(language):
        vectors = embeddings.embed_array([text, *others])
    a_weights = stats.weights(set(a_terms))
    a_self = bm25(a_weights, a_terms, stats.avgdl, k1=K1, b=B)[0]
    out = []
    for i, (other, terms) in enumerate(zip(others, b_terms, strict=True)):
        b_weights = stats.weights(set(terms))
        b_self = bm25(b_weights, terms, stats.avgdl, k1=K1, b=B)[0]
        ab = bm25(a_weights, terms, stats.avgdl, k1=K1, b=B)[0] / a_self if a_self else 0.0
        ba = bm25(b_weights, a_terms, stats.avgdl, k1=K1, b=B)[0] / b_self if b_self else 0.0
        lexical = (ab + ba) / 2
        semantic = float(np.dot(vectors[0], vectors[i + 1])) if vectors is not None else None
        if lexical <= 0 and (semantic is None or semantic <= settings.MATCH_MIN_SEMANTIC):
            out.append(0.0)
            continue
        out.append(hybrid(lexical, semantic, near_miss(text, other)))
    return out


def similarity(a: str, b: str, language: str | None = None) -> float:
    """How closely two texts say the same thing, 0..1, the same whichever comes first: the hybrid
    score, its word half averaged both ways (a short quote inside a longer sentence shares all its
    words one way, not the other)."""
    return similarities(a, [b], language)[0]


# Claims that cannot gather another appearance: set aside, folded into another, or withdrawn.
NOT_JOINABLE = ("dismissed", "merged", "retracted")


def find_duplicates(text: str, *, threshold: float | None = None, exclude_id: int | None = None,
                    language: str | None = None) -> list[Match]:
    """Claims (in progress, published or archive) saying what ``text`` says, best first (those in
    the text's language, given or guessed, ahead): each scored by ``similarity`` against its quote
    and every appearance's words."""
    from claims.models import Appearance

    if threshold is None:
        threshold = settings.DUPLICATE_MATCH_THRESHOLD
    language = language_for(text, language)
    candidates = find_similar(text, limit=10, checked_only=False, exclude_id=exclude_id,
                              exclude_statuses=NOT_JOINABLE, language=language)
    if not candidates:
        return []
    texts: dict[int, list[str]] = {m.claim.pk: [m.claim.quote] for m in candidates}
    for claim_id, quote in Appearance.objects.filter(claim_id__in=list(texts)).values_list("claim_id", "quote"):
        if quote not in texts[claim_id]:
            texts[claim_id].append(quote)
    flat = [(pk, quote) for pk, quotes in texts.items() for quote in quotes]
    values = similarities(text, [quote for _, quote in flat], language)
    best: dict[int, float] = {}
    for (pk, _), value in zip(flat, values, strict=True):
        best[pk] = max(best.get(pk, 0.0), value)
    scored = [Match(m.claim, best[m.claim.pk], m.lexical, m.semantic, m.shared_words) for m in candidates]
    scored = [m for m in scored if m.score >= threshold]
    scored.sort(key=lambda m: (not same_language(m.claim, language), -m.score, m.claim.pk))
    return scored


# --- keeping the statistics -----------------------------------------------------------------------

_LENGTHS = ("SELECT count(*), coalesce(round(avg(length(ts_filter(search_vector, '{a}'))) * 100), 0) "
            "FROM claims_claim WHERE search_vector IS NOT NULL")


# Writers of the statistics take this lock for their transaction, one after the other: bulk writes
# on several connections at once (claims.archive) would otherwise lose each other's counts.
_STATS_LOCK = "SELECT pg_advisory_xact_lock(7140001)"


def refresh_term_stats() -> int:
    """Recount how many claims use each search word, how many claims there are and their mean
    length (run after imports; takes seconds per million)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_STATS_LOCK)
        cursor.execute("DELETE FROM claims_searchterm")
        cursor.execute(
            "INSERT INTO claims_searchterm (lexeme, ndoc) "
            "SELECT word, ndoc FROM ts_stat('SELECT search_vector FROM claims_claim WHERE search_vector IS NOT NULL') "
            "WHERE length(word) <= 200")
        count = cursor.rowcount
        cursor.execute(_LENGTHS)
        claims, length = cursor.fetchone()
        cursor.execute("INSERT INTO claims_searchterm (lexeme, ndoc) VALUES (%s, %s), (%s, %s)",
                       [STATS_CLAIMS, claims, STATS_LENGTH, int(length)])
        return count


def add_term_stats(claim_ids: list[int]) -> None:
    """Count the words of newly added claims in, without recounting the whole table."""
    ids = [int(pk) for pk in claim_ids]
    if not ids:
        return
    # ts_stat takes a query as text; the ids are integers, so nothing else can reach it.
    inner = "SELECT search_vector FROM claims_claim WHERE id IN (" + ",".join(map(str, ids)) + ")"  # noqa: S608
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_STATS_LOCK)
        cursor.execute(
            "INSERT INTO claims_searchterm (lexeme, ndoc) SELECT word, ndoc FROM ts_stat(%s) WHERE length(word) <= 200 "
            "ON CONFLICT (lexeme) DO UPDATE SET ndoc = claims_searchterm.ndoc + EXCLUDED.ndoc", [inner])
        cursor.execute("SELECT count(*), coalesce(sum(length(ts_filter(search_vector, '{a}'))), 0) "
                       "FROM claims_claim WHERE id = ANY(%s) AND search_vector IS NOT NULL", [ids])
        added, words = cursor.fetchone()
        cursor.execute("SELECT lexeme, ndoc FROM claims_searchterm WHERE lexeme IN (%s, %s)",
                       [STATS_CLAIMS, STATS_LENGTH])
        have = dict(cursor.fetchall())
        before = have.get(STATS_CLAIMS, 0)
        length = (have.get(STATS_LENGTH, 0) * before + words * 100) / max(1, before + added)
        cursor.execute("INSERT INTO claims_searchterm (lexeme, ndoc) VALUES (%s, %s), (%s, %s) "
                       "ON CONFLICT (lexeme) DO UPDATE SET ndoc = EXCLUDED.ndoc",
                       [STATS_CLAIMS, before + added, STATS_LENGTH, round(length)])
