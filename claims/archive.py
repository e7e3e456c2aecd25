"""Bringing a newsroom's past fact-checks in as archive records.

Archive records are claims flagged ``imported`` with their original URL: they feed matching and
past rulings, link to the original, and get no public page. Rows are validated one by one; bad
rows are reported with their line numbers and skipped, the good ones are written in bulk.

The bulk pieces (``Speakers``, ``insert_archive_records``, ``index_archive_claims``) are shared
with the ClaimReview import (``claims.claimreview``).
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import hashlib
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from claims import embeddings
from claims.appearances import add_first_appearances
from claims.events import record_event
from claims.languages import language_for, search_config
from claims.matching import add_term_stats
from claims.models import Claim, Rating, Speaker, Topic
from claims.search import document_texts, vector_sql, words_config
from claims.textnorm import normalise

REQUIRED = ("claim", "speaker", "rating", "date", "url")
OPTIONAL = ("quote", "conclusion", "topics")
BATCH = 2000
# Batches written at once by a command, each on a connection of its own (see _BatchWriter).
WRITERS = 2


@dataclass
class ImportReport:
    imported: int = 0
    already_present: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    unknown_ratings: dict[str, int] = field(default_factory=dict)
    # Imported rows whose claim has the same words as a desk claim: (line, url, the claim it matches).
    strong_matches: list[tuple[int, str, str]] = field(default_factory=list)
    imported_ids: list[int] = field(default_factory=list)


class ArchiveFormatError(Exception):
    pass


@functools.lru_cache(maxsize=4096)  # archives repeat dates a lot
def _parse_date(value: str) -> dt.date:
    value = value.strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d %B %Y", "%d %b %Y", "%B %d, %Y"):
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"the date “{value}” is not a date (use YYYY-MM-DD)")


def is_http_url(value: str) -> bool:
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and " " not in value and len(value) <= 2000


def rating_lookup() -> dict[str, Rating]:
    """Ratings by label and slug, case-folded."""
    lookup = {}
    for rating in Rating.objects.all():
        lookup[rating.label.casefold()] = rating
        lookup[rating.slug.casefold()] = rating
        lookup[rating.slug.replace("-", " ").casefold()] = rating
    return lookup


def archive_slug(url: str) -> str:
    """An archive record's slug, from its original URL: the same record always gets the same one."""
    return "archive-" + hashlib.sha256(url.encode()).hexdigest()[:20]


class Speakers:
    """Speakers by name for a bulk import: all read once, each new name created once.

    Names are compared folded (accents, case), so "José Pérez" and "jose perez" are one speaker."""

    def __init__(self):
        self.by_name = {normalise(s.name).casefold(): s for s in Speaker.objects.all()}
        self.by_raw: dict[str, Speaker] = {}

    def get(self, name: str, *, kind: str = Speaker.Kind.PERSON) -> Speaker:
        speaker = self.by_raw.get(name)
        if speaker is not None:
            return speaker
        key = normalise(name).casefold()
        speaker = self.by_name.get(key)
        if speaker is None:
            base = slugify(normalise(name))[:200] or "speaker"
            slug, n = base, 2
            while Speaker.objects.filter(slug=slug).exists():
                slug, n = f"{base}-{n}", n + 1
            speaker = Speaker.objects.create(name=name, slug=slug, kind=kind)
            self.by_name[key] = speaker
        self.by_raw[name] = speaker
        return speaker


@dataclass
class ArchiveRecord:
    """One archive record to insert: its claim and its verdict."""

    quote: str
    checked: str
    speaker: Speaker
    said: dt.date | None
    url: str
    published: dt.datetime | None
    rating_id: int | None
    conclusion: str = ""
    source_id: int | None = None
    publisher_name: str = ""
    publisher_site: str = ""
    publisher_rating: str = ""
    language: str = ""  # BCP 47; empty: the quote's, when it can be told, else the newsroom's


def read_rows(handle) -> Iterable[tuple[int, dict]]:
    reader = csv.DictReader(handle)
    headers = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [h for h in REQUIRED if h not in headers]
    if missing:
        raise ArchiveFormatError("The header row needs the columns " + ", ".join(REQUIRED)
                                 + f"; missing: {', '.join(missing)}.")
    reader.fieldnames = headers
    for row in reader:
        yield reader.line_num, {k: (v or "").strip() for k, v in row.items() if k}


def import_rows(rows: Iterable[tuple[int, dict]], *, actor=None,
                progress: Callable[[int], None] | None = None, writers: int = WRITERS) -> ImportReport:
    report = ImportReport()
    ratings = rating_lookup()
    speakers = Speakers()
    topics = {t.name.casefold(): t for t in Topic.objects.all()}
    batch: list[tuple[int, dict]] = []
    seen_urls: set[str] = set()
    lines: dict[str, int] = {}
    done = 0
    with _BatchWriter(writers, report) as writer:
        for line, row in rows:
            problem = _problem(row, ratings)
            if problem:
                report.errors.append((line, problem))
                if problem.startswith("unknown rating"):
                    report.unknown_ratings[row["rating"]] = report.unknown_ratings.get(row["rating"], 0) + 1
            elif row["url"] in seen_urls:
                report.errors.append((line, f"the url {row['url']} appears twice in the file"))
            else:
                seen_urls.add(row["url"])
                batch.append((line, row))
                lines[row["url"]] = line
            done += 1
            if len(batch) >= BATCH:
                writer.write(_prepare(batch, ratings, speakers, topics, report))
                batch = []
            if progress and done % 500 == 0:
                progress(done)
        if batch:
            writer.write(_prepare(batch, ratings, speakers, topics, report))
    report.strong_matches = _strong_matches(report.imported_ids, lines)
    if progress:
        progress(done)
    if report.imported:
        record_event(actor=actor, action="archive_imported",
                             changes={"imported": [0, report.imported]},
                             comment=f"{report.imported} archive records imported")
    return report


@dataclass
class _Batch:
    prepared: PreparedRecords
    topic_links: list[tuple[int, int]]  # (index of the record, topic id)


class _BatchWriter:
    """Writes batches in the order they come, each in one transaction.

    Computing a batch (search documents, embeddings) is Python's work and writing it (documents,
    indexes) is PostgreSQL's, so while up to ``writers`` batches are written, each on a connection
    of its own, the caller prepares the next: both cores work. Inside a transaction the caller
    holds (a test, or a caller that wants the whole import in its own), batches are written on the
    caller's connection, one after the other."""

    def __init__(self, writers: int, report: ImportReport):
        self.report = report
        self.writers = writers if writers > 1 and not connection.in_atomic_block else 1
        self.pool = ThreadPoolExecutor(self.writers, thread_name_prefix="import") if self.writers > 1 else None
        self.pending: deque[Future] = deque()

    def write(self, batch: _Batch | None) -> None:
        if batch is None:
            return
        if self.pool is None:
            self._written(_write(batch))
            return
        self.pending.append(self.pool.submit(_write_on_own_connection, batch))
        while len(self.pending) > self.writers:
            self._written(self.pending.popleft().result())

    def _written(self, claim_ids: list[int]) -> None:
        self.report.imported += len(claim_ids)
        self.report.imported_ids.extend(claim_ids)

    def __enter__(self) -> _BatchWriter:
        return self

    def __exit__(self, error_type, *_) -> None:
        if self.pool is None:
            return
        try:
            while self.pending and error_type is None:
                self._written(self.pending.popleft().result())
        finally:
            self.pool.shutdown(wait=True, cancel_futures=True)


def _write_on_own_connection(batch: _Batch) -> list[int]:
    try:
        return _write(batch)
    finally:
        connection.close()  # this thread's own


# Strong matches: imported rows whose claim or quote has the words of a desk claim's quote, whatever
# their case or punctuation. One statement after the import, through the index on those words
# (migration 0008), so its cost follows the rows imported, not the size of the desk.
_STRONG_MATCHES = r"""
SELECT DISTINCT ON (fresh.url) fresh.url, desk.id
FROM (SELECT c.original_url AS url, trim(regexp_replace(lower(t.text), '[^[:alnum:]]+', ' ', 'g')) AS words
      FROM claims_claim c, LATERAL (VALUES (c.quote), (c.claim_checked)) AS t(text)
      WHERE c.id = ANY(%s) AND t.text <> '') AS fresh
JOIN claims_claim desk ON trim(regexp_replace(lower(desk.quote), '[^[:alnum:]]+', ' ', 'g')) = fresh.words
     AND NOT desk.imported AND desk.status <> 'merged'
WHERE fresh.words <> ''
ORDER BY fresh.url, desk.id
"""


def _strong_matches(claim_ids: list[int], lines: dict[str, int]) -> list[tuple[int, str, str]]:
    if not claim_ids:
        return []
    with connection.cursor() as cursor:
        cursor.execute(_STRONG_MATCHES, [claim_ids])
        found = cursor.fetchall()
    return sorted((lines.get(url, 0), url, f"claim {pk}") for url, pk in found)


def _problem(row: dict, ratings: dict) -> str | None:
    for column in ("claim", "speaker", "rating", "url", "date"):
        if not row.get(column):
            return f"the {column} is empty"
    if len(row["claim"]) > 500:
        return "the claim is longer than 500 characters"
    if len(row.get("quote", "")) > 5000:
        return "the quote is longer than 5,000 characters"
    if len(row.get("conclusion", "")) > 500:
        return "the conclusion is longer than 500 characters"
    if len(row["speaker"]) > 200:
        return "the speaker's name is longer than 200 characters"
    if not is_http_url(row["url"]):
        return f"the url “{row['url'][:100]}” is not an http or https address"
    try:
        date = _parse_date(row["date"])
    except ValueError as error:
        return str(error)
    if date > timezone.localdate():
        return "the date is in the future"
    if row["rating"].casefold() not in ratings:
        return f"unknown rating “{row['rating']}” (not on the rating scale)"
    return None


_INSERT_CLAIMS = f"""
INSERT INTO claims_claim (quote, claim_checked, speaker_id, source_id, date_said, status, slug, version, review_round,
                          imported, original_url, created_at, updated_at, published_at, search_vector, language,
                          embedding)
SELECT t.quote, t.checked, t.speaker, t.source, t.said, 'published', t.slug, 1, 1, true, t.url, now(), now(),
       t.published, {vector_sql("t.doc_a", "t.doc_b", "t.doc_c", "t.config", "t.words")}, t.language,
       t.embedding::real[]
FROM unnest(%s::text[], %s::text[], %s::bigint[], %s::bigint[], %s::date[], %s::text[], %s::text[],
            %s::timestamptz[], %s::text[], %s::text[], %s::text[], %s::text[], %s::text[], %s::text[], %s::text[])
     AS t(quote, checked, speaker, source, said, slug, url, published, doc_a, doc_b, doc_c, language, config, words,
          embedding)
RETURNING id, slug
"""  # noqa: S608 - no input in the statement's text
_INSERT_VERDICTS = """
INSERT INTO claims_verdict (claim_id, rating_id, conclusion, analysis, published_at, version, updated_at,
                            publisher_name, publisher_site, publisher_rating)
SELECT t.claim, t.rating, t.conclusion, '', t.published, 1, now(), t.pname, t.psite, t.prating
FROM unnest(%s::bigint[], %s::bigint[], %s::text[], %s::timestamptz[], %s::text[], %s::text[], %s::text[])
     AS t(claim, rating, conclusion, published, pname, psite, prating)
"""


@dataclass
class PreparedRecords:
    """Archive records with everything their statements need computed, so that the writing can
    happen on another connection while the next batch is prepared (``insert_archive_records``)."""

    records: list[ArchiveRecord]
    slugs: list[str]
    params: list  # the claims statement's arrays, in its order


def prepare_archive_records(records: list[ArchiveRecord]) -> PreparedRecords:
    """The pure-Python half of ``insert_archive_records``: slugs, search documents, languages and
    embeddings; no query."""
    slugs = [archive_slug(r.url) for r in records]
    docs = [document_texts(r.quote, r.checked, r.speaker.name, r.speaker.role, r.conclusion) for r in records]
    languages = [r.language or language_for(r.quote) for r in records]
    return PreparedRecords(records, slugs, [
        [r.quote for r in records], [r.checked for r in records], [r.speaker.pk for r in records],
        [r.source_id for r in records], [r.said for r in records], slugs, [r.url for r in records],
        [r.published for r in records], *([d[i] for d in docs] for i in range(3)), languages,
        [search_config(language) for language in languages], [words_config(language) for language in languages],
        # What each record means (claims.embeddings), in the same statement.
        embeddings.literals([embeddings.claim_text(r.quote, r.checked) for r in records], languages)])


def write_archive_records(prepared: PreparedRecords) -> list[int]:
    """The database half of ``insert_archive_records``: two statements."""
    records = prepared.records
    if not records:
        return []
    with connection.cursor() as cursor:
        cursor.execute(_INSERT_CLAIMS, prepared.params)
        ids = dict((slug, pk) for pk, slug in cursor.fetchall())
        claim_ids = [ids[slug] for slug in prepared.slugs]
        cursor.execute(_INSERT_VERDICTS, [
            claim_ids, [r.rating_id for r in records], [r.conclusion for r in records],
            [r.published for r in records], [r.publisher_name for r in records],
            [r.publisher_site for r in records], [r.publisher_rating for r in records]])
    return claim_ids


def insert_archive_records(records: list[ArchiveRecord]) -> list[int]:
    """Claims (with their search documents and embeddings) and their verdicts, one statement each;
    the new claims' ids in the order of ``records``. Their appearances and term statistics come
    after, from ``index_archive_claims``."""
    return write_archive_records(prepare_archive_records(records))


def index_archive_claims(claim_ids: list[int]) -> None:
    """What new archive claims need once written: a first appearance for those without one, and
    their words counted in the search statistics."""
    add_first_appearances(claim_ids)
    add_term_stats(claim_ids)
    # The first appearances mean what their claims mean (claims.embeddings).
    embeddings.store_first_appearances(claim_ids)


_INSERT_TOPICS = """
INSERT INTO claims_claim_topics (claim_id, topic_id)
SELECT * FROM unnest(%s::bigint[], %s::bigint[]) ON CONFLICT DO NOTHING
"""


def _prepare(batch, ratings, speakers, topics, report: ImportReport) -> _Batch | None:
    """A batch's new rows as archive records, computed and ready to write; their speakers and
    topics are created here, once each, before any batch that needs them is written."""
    urls = [row["url"] for _, row in batch]
    existing = set(Claim.objects.filter(original_url__in=urls).values_list("original_url", flat=True))
    fresh = [row for _, row in batch if row["url"] not in existing]
    report.already_present += len(batch) - len(fresh)
    if not fresh:
        return None
    records, links = [], []
    for index, row in enumerate(fresh):
        date = _parse_date(row["date"])
        records.append(ArchiveRecord(
            quote=row.get("quote") or row["claim"], checked=row["claim"], speaker=speakers.get(row["speaker"]),
            said=date, url=row["url"], published=timezone.make_aware(dt.datetime.combine(date, dt.time(12))),
            rating_id=ratings[row["rating"].casefold()].pk, conclusion=row.get("conclusion", "")))
        text = row.get("topics", "")
        for name in filter(None, (t.strip() for t in text.split(";" if ";" in text else ","))):
            topic = topics.get(name.casefold())
            if topic is None:
                topic = Topic.objects.create(name=name[:100], slug=_topic_slug(name))
                topics[name.casefold()] = topic
            links.append((index, topic.pk))
    return _Batch(prepare_archive_records(records), links)


@transaction.atomic
def _write(batch: _Batch) -> list[int]:
    """One statement per table for the whole batch: claims with their search documents, verdicts,
    topics, first appearances, then the batch's words in the term statistics."""
    claim_ids = write_archive_records(batch.prepared)
    if batch.topic_links:
        with connection.cursor() as cursor:
            cursor.execute(_INSERT_TOPICS, [[claim_ids[i] for i, _ in batch.topic_links],
                                            [pk for _, pk in batch.topic_links]])
    index_archive_claims(claim_ids)
    return claim_ids


def _topic_slug(name: str) -> str:
    base = slugify(normalise(name))[:100] or "topic"
    slug, n = base, 2
    while Topic.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug
