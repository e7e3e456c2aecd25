"""The stored, weighted full-text document of a claim, written in bulk, and the queries on it.

Weights: the quote and the claim as checked (A), the speaker (B), the conclusion (C). The text is
normalised in Python (accents, digit groups) exactly as queries are, because core PostgreSQL has
no unaccent and splits "50,000".

Each claim's document is stemmed in its own language's text-search configuration ('spanish' for
"es" and "es-MX", 'simple' where PostgreSQL has none: ``claims.languages.search_config``). A query
is read in the reader's language, in the newsroom's and word for word ('simple'), OR'ed: a Spanish
query finds "migrante" from "migrantes" in a Spanish claim, and the newsroom's claims stay found as
before.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.db.models import Case, CharField, F, Func, Q, Value, When

from claims.languages import (
    SIMPLE,
    TEXT_SEARCH_CONFIGS,
    default_language,
    language_for,
    primary_subtag,
    search_config,
)
from claims.textnorm import normalise, query_text


def _weighted(a: str, b: str, c: str, config: str) -> str:
    cfg = f"({config})::regconfig"
    return (f"setweight(to_tsvector({cfg}, {a}), 'A') || setweight(to_tsvector({cfg}, {b}), 'B') "
            f"|| setweight(to_tsvector({cfg}, {c}), 'C')")


def vector_sql(a: str, b: str, c: str, config: str, words: str) -> str:
    """The weighted document from three SQL text expressions (quote and claim, speaker, conclusion),
    an SQL expression naming the text-search configuration, and one naming the configuration of the
    words kept as written (NULL for none: see ``words_config``)."""
    return f"{_weighted(a, b, c, config)} || COALESCE({_weighted(a, b, c, words)}, ''::tsvector)"


def words_config(language: str | None) -> str | None:
    """'simple' for a claim stemmed in a configuration other than the newsroom's: its document keeps
    its words as written too, so a query read the newsroom's way (or word for word) still finds the
    names and numbers in it ("Iraqi" in a Portuguese claim, which Portuguese stems to "iraq").
    Claims in the newsroom's configuration, or in 'simple', need nothing more: every query is read
    in both."""
    config = search_config(language or default_language())
    return None if config in (SIMPLE, search_config(default_language())) else SIMPLE


_UPDATE = f"""
UPDATE claims_claim AS c
SET search_vector = {vector_sql("d.a", "d.b", "d.c", "d.config", "d.words")}
FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::text[], %s::text[], %s::text[]) AS d(id, a, b, c, config, words)
WHERE c.id = d.id
"""  # noqa: S608 - no input in the statement's text


def document_texts(quote: str, checked: str | None, speaker: str | None, role: str | None,
                   conclusion: str | None) -> tuple[str, str, str]:
    """The three weighted parts of a claim's document, normalised like every query."""
    return (normalise(f"{quote} {checked or ''}"), normalise(f"{speaker or ''} {role or ''}"),
            normalise(conclusion or ""))


def documents(rows: Iterable[tuple]) -> tuple[list, ...]:
    """(pk, quote, claim_checked, speaker name, speaker role, conclusion[, language]) → the four
    columns and each row's two configurations (``vector_sql``; the newsroom's language when none
    is given)."""
    ids, a, b, c, configs, words = [], [], [], [], [], []
    for pk, *parts in rows:
        ids.append(pk)
        language = (parts[5] if len(parts) > 5 else None) or default_language()
        for column, text in zip((a, b, c), document_texts(*parts[:5]), strict=True):
            column.append(text)
        configs.append(search_config(language))
        words.append(words_config(language))
    return ids, a, b, c, configs, words


def write_vectors(rows: Iterable[tuple]) -> int:
    columns = documents(rows)
    if not columns[0]:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(_UPDATE, list(columns))
    return len(columns[0])


def refresh_search_vectors(claim_ids) -> int:
    """Recompute the documents of these claims in one statement per 5,000 claims."""
    from claims.models import Appearance, Claim

    ids = list(claim_ids)
    done = 0
    for start in range(0, len(ids), 5000):
        chunk = ids[start:start + 5000]
        rows = list(Claim.objects.filter(pk__in=chunk).values_list(
            "pk", "quote", "claim_checked", "speaker__name", "speaker__role", "verdict__conclusion", "language"))
        # The words of its other appearances belong to the claim too: it is found by any of them.
        said: dict[int, list[str]] = {}
        for claim_id, quote in Appearance.objects.filter(claim_id__in=chunk, primary=False).values_list(
                "claim_id", "quote"):
            said.setdefault(claim_id, []).append(quote)
        rows = [(pk, " ".join([quote, *(q for q in said.get(pk, ()) if q != quote)]), *rest)
                for pk, quote, *rest in rows]
        done += write_vectors(rows)
    return done


# --- queries -------------------------------------------------------------------------------------

# "-word" or -"a phrase" after a space (or first): what websearch leaves out.
_EXCLUDED = re.compile(r'(?:^|(?<=\s))-("[^"]*"|[^\s"]+)')


def search_configs(language: str) -> list[str]:
    """The configurations a query in ``language`` is read in: its own, the newsroom's, word for word."""
    return list(dict.fromkeys([search_config(language), search_config(default_language()), SIMPLE]))


def search_query(text: str | None, limit: int = 500, language: str | None = None):
    """A websearch query ("quotes", -word, or) on the stored documents; None when nothing is left.

    ``language`` is the reader's (a BCP 47 tag); without one the words' language is used when the
    guess is sure, else the newsroom's. The words are looked for as each configuration of
    ``search_configs`` reads them (any may match); a word left out is left out in all of them, so
    "-migrantes" also leaves out a Spanish claim that says "migrante"."""
    cleaned = query_text(text, limit)
    if not cleaned:
        return None
    configs = search_configs(language_for(cleaned, language))
    excluded = [m.group(1) for m in _EXCLUDED.finditer(cleaned)]
    wanted = _EXCLUDED.sub(" ", cleaned).strip() if excluded else cleaned
    if not wanted:  # only exclusions: as websearch reads them, in one configuration
        return SearchQuery(cleaned, config=configs[0], search_type="websearch")
    query = None
    for config in configs:
        part = SearchQuery(wanted, config=config, search_type="websearch")
        query = part if query is None else query | part
    for word in excluded:
        for config in configs:
            query &= ~SearchQuery(word, config=config, search_type="websearch")
    return query


def in_language(tag: str, field: str = "language") -> Q:
    """Rows in this language, whatever the region: "es" finds "es" and "es-MX"."""
    primary = primary_subtag(tag)
    return Q(**{field: primary}) | Q(**{f"{field}__startswith": f"{primary}-"})


def same_language_first(tag: str, field: str = "language") -> Case:
    """0 for rows in this language, 1 for the others: order by it to put the reader's first."""
    return Case(When(in_language(tag, field), then=Value(0)), default=Value(1))


def _config_cases() -> tuple[str, list[str]]:
    whens, params = [], []
    for code, name in TEXT_SEARCH_CONFIGS.items():
        whens.append("WHEN %s THEN %s")
        params += [code, name]
    return " ".join(whens), params


_CONFIG_WHENS, _CONFIG_PARAMS = _config_cases()


class ConfigOf(Func):
    """Each row's text-search configuration, from its language (for ts_headline, which stems the
    quote again: in the claim's own language, as its document was). One CASE on the primary subtag
    ("pt-BR" → "pt"), its text built once: as conditional expressions, the thirty languages cost
    milliseconds to compile on every search."""

    output_field = CharField()

    def __init__(self, field: str = "language"):
        super().__init__(F(field))

    def as_sql(self, compiler, connection, **extra):
        column, params = compiler.compile(self.source_expressions[0])
        return (f"(CASE split_part({column}, '-', 1) {_CONFIG_WHENS} ELSE %s END)",
                [*params, *_CONFIG_PARAMS, SIMPLE])
