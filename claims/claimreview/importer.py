"""ClaimReview records written as archive claims, in bulk, each one reported.

A record becomes an archive claim (``imported``) with its original URL, the claimant as speaker
("Unknown" when it names nobody: one speaker shared by all of them), one appearance per
appearance URL, and a verdict that keeps the publisher's name, site and rating in its own words.
That rating is put on our scale by a ``RatingMapping`` row for the publisher's site (or for every
publisher), else by being one of our labels; otherwise the record stays unrated, which never
triggers the consistency gate.

Records are written a batch at a time, one statement per table. Running the import again
updates records by URL and never duplicates them. A batch that fails is rolled back and its
records written one by one, so a bad record is reported and leaves nothing half-written, and
the others are kept.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from claims import embeddings
from claims.appearances import add_first_appearances
from claims.archive import ArchiveRecord, Speakers, index_archive_claims, insert_archive_records, rating_lookup
from claims.claimreview.read import SourceError, read_source
from claims.claimreview.records import MAX_CHECKED, Record, Seen, Skip, record_from, shorten, site_of
from claims.events import record_event
from claims.fetch import IPAddress, public_address
from claims.languages import default_language, search_config
from claims.models import Appearance, Claim, Rating, RatingMapping, Source, Speaker
from claims.search import document_texts, refresh_search_vectors, vector_sql, words_config

BATCH = 1000
UNKNOWN_SPEAKER = "Unknown"

IMPORTED, UPDATED, SKIPPED = "imported", "updated", "skipped"


@dataclass
class Outcome:
    where: str  # "feed.json #3": the source and the record's place in it
    url: str
    status: str  # imported, updated or skipped
    reason: str = ""  # why it was skipped
    rating: str = ""  # our rating's label, "" when unrated
    publisher_rating: str = ""


@dataclass
class ClaimReviewReport:
    outcomes: list[Outcome] = field(default_factory=list)  # every record, in the order read
    unreadable: list[tuple[str, str]] = field(default_factory=list)  # (source, why) for sources not read at all
    problems: list[tuple[str, str]] = field(default_factory=list)  # (source, what) for parts of a source
    claim_ids: list[int] = field(default_factory=list)  # imported and updated

    def count(self, status: str) -> int:
        return sum(1 for outcome in self.outcomes if outcome.status == status)


class RatingMap:
    """A publisher's rating onto our scale: its site's mapping row, then a row for every
    publisher, then one of our labels (any case); otherwise None (unrated)."""

    def __init__(self) -> None:
        self.labels = rating_lookup()
        self.rows: dict[tuple[str, str], Rating] = {
            (site_of(row.publisher_site), _key(row.textual_rating)): row.rating
            for row in RatingMapping.objects.select_related("rating")
        }

    def resolve(self, site: str, words: str) -> Rating | None:
        key = _key(words)
        return self.rows.get((site, key)) or self.rows.get(("", key)) or self.labels.get(key)


def _key(words: str) -> str:
    return " ".join(words.split()).casefold()


def import_claimreview(sources: Iterable[str], *, base_url: str | None = None,
                       address_allowed: Callable[[IPAddress], bool] = public_address, actor=None,
                       progress: Callable[[int, int], None] | None = None) -> ClaimReviewReport:
    """Import every ClaimReview in ``sources`` (paths or http(s) addresses)."""
    report = ClaimReviewReport()
    outcomes: dict[int, Outcome] = {}
    pending: list[tuple[int, str, Record]] = []
    first_seen: dict[str, str] = {}
    for source in sources:
        try:
            document = read_source(source, base_url=base_url, address_allowed=address_allowed)
        except SourceError as error:
            report.unreadable.append((source, error.message))
            continue
        report.problems.extend((source, problem) for problem in document.problems)
        if not document.objects:
            report.problems.append((source, "no ClaimReview records in it"))
        for number, obj in enumerate(document.objects, start=1):
            index, where = len(outcomes) + len(pending), f"{source} #{number}"
            try:
                record = record_from(obj, document.base_url)
            except Skip as skip:
                outcomes[index] = Outcome(where, _url_hint(obj), SKIPPED, skip.reason)
                continue
            if record.url in first_seen:
                outcomes[index] = Outcome(where, record.url, SKIPPED, f"the same url as {first_seen[record.url]}")
                continue
            first_seen[record.url] = where
            pending.append((index, where, record))

    total, done = len(outcomes) + len(pending), len(outcomes)
    writer = _Writer()
    if progress:
        progress(done, total)
    for start in range(0, len(pending), BATCH):
        batch = pending[start:start + BATCH]
        for index, outcome in writer.write(batch):
            outcomes[index] = outcome
        done += len(batch)
        if progress:
            progress(done, total)
    report.outcomes = [outcomes[index] for index in sorted(outcomes)]
    report.claim_ids = writer.claim_ids
    imported, updated = report.count(IMPORTED), report.count(UPDATED)
    if imported or updated:
        record_event(actor=actor, action="archive_imported", changes={"imported": [0, imported]},
                     comment=f"{imported} ClaimReview records imported, {updated} updated")
    return report


def _url_hint(obj: dict) -> str:
    url = obj.get("url")
    return url[:200] if isinstance(url, str) else ""


# --- writing -------------------------------------------------------------------------------------


_UPDATE_CLAIMS = f"""
UPDATE claims_claim AS c
SET quote = t.quote, claim_checked = t.checked, speaker_id = t.speaker, source_id = t.source, date_said = t.said,
    published_at = t.published, updated_at = now(), language = t.language,
    search_vector = {vector_sql("t.doc_a", "t.doc_b", "t.doc_c", "t.config", "t.words")}
FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::bigint[], %s::bigint[], %s::date[], %s::timestamptz[],
            %s::text[], %s::text[], %s::text[], %s::text[], %s::text[], %s::text[])
     AS t(id, quote, checked, speaker, source, said, published, doc_a, doc_b, doc_c, language, config, words)
WHERE c.id = t.id
"""  # noqa: S608 - no input in the statement's text
_UPDATE_VERDICTS = """
UPDATE claims_verdict AS v
SET rating_id = t.rating, conclusion = t.conclusion, published_at = t.published, publisher_name = t.pname,
    publisher_site = t.psite, publisher_rating = t.prating, updated_at = now()
FROM unnest(%s::bigint[], %s::bigint[], %s::text[], %s::timestamptz[], %s::text[], %s::text[], %s::text[])
     AS t(claim, rating, conclusion, published, pname, psite, prating)
WHERE v.claim_id = t.claim
"""
# The appearances an import wrote (nobody added them) are written afresh; any a journalist added stay.
_DROP_IMPORTED_APPEARANCES = """
DELETE FROM claims_appearance WHERE claim_id = ANY(%s) AND added_by_id IS NULL
"""
_INSERT_APPEARANCES = """
INSERT INTO claims_appearance (claim_id, speaker_id, speaker_role, speaker_affiliation, source_id, date_said,
                               quote, "primary", accepted, added_by_id, created_at, language)
SELECT t.claim, t.speaker, s.role, s.affiliation, t.source, t.said, t.quote,
       t.first AND NOT EXISTS (SELECT 1 FROM claims_appearance a WHERE a.claim_id = t.claim AND a."primary"),
       true, NULL, now(), c.language
FROM unnest(%s::bigint[], %s::bigint[], %s::bigint[], %s::date[], %s::text[], %s::boolean[])
     AS t(claim, speaker, source, said, quote, first)
JOIN claims_speaker s ON s.id = t.speaker
JOIN claims_claim c ON c.id = t.claim
"""
_INSERT_SOURCES = """
INSERT INTO claims_source (url, title, outlet, published_on, kind, full_text, created_at)
SELECT t.url, t.title, t.outlet, t.published, 'article', '', now()
FROM unnest(%s::text[], %s::text[], %s::text[], %s::date[]) AS t(url, title, outlet, published)
RETURNING id, url
"""


class _Writer:
    def __init__(self) -> None:
        self.ratings = RatingMap()
        self.speakers = Speakers()
        self.claim_ids: list[int] = []

    def write(self, batch: list[tuple[int, str, Record]]) -> list[tuple[int, Outcome]]:
        try:
            return self._attempt(batch)
        except Exception:  # find the record at fault: each alone, the others kept
            self.speakers = Speakers()  # the batch's new speakers were rolled back with it
        outcomes = []
        for item in batch:
            try:
                outcomes.extend(self._attempt([item]))
            except Exception as error:  # reported, and the import goes on
                self.speakers = Speakers()
                index, where, record = item
                outcomes.append((index, Outcome(where, record.url, SKIPPED, f"could not be saved ({_said(error)})")))
        return outcomes

    def _attempt(self, batch: list[tuple[int, str, Record]]) -> list[tuple[int, Outcome]]:
        with transaction.atomic():
            outcomes, claim_ids = self._write(batch)
        self.claim_ids.extend(claim_ids)
        return outcomes

    def _write(self, batch: list[tuple[int, str, Record]]) -> tuple[list[tuple[int, Outcome]], list[int]]:
        urls = [record.url for _, _, record in batch]
        existing = {url: (pk, imported) for url, pk, imported in
                    Claim.objects.filter(original_url__in=urls).values_list("original_url", "pk", "imported")}
        outcomes: list[tuple[int, Outcome]] = []
        fresh: list[tuple[Record, ArchiveRecord]] = []
        stale: list[tuple[int, Record, ArchiveRecord]] = []
        sources = self._sources([seen for _, _, record in batch for seen in record.appearances])
        for index, where, record in batch:
            found = existing.get(record.url)
            if found and not found[1]:
                outcomes.append((index, Outcome(where, record.url, SKIPPED,
                                                "a claim logged in the desk already has this url")))
                continue
            rating = self.ratings.resolve(record.publisher_site, record.rating_text)
            row = self._archive_record(record, rating, sources)
            status = UPDATED if found else IMPORTED
            outcomes.append((index, Outcome(where, record.url, status, rating=rating.label if rating else "",
                                            publisher_rating=record.rating_text)))
            if found:
                stale.append((found[0], record, row))
            else:
                fresh.append((record, row))

        new_ids = insert_archive_records([row for _, row in fresh])
        old_ids = [pk for pk, _, _ in stale]
        self._update(stale)
        self._appearances([*zip(new_ids, fresh, strict=True), *((pk, (rec, row)) for pk, rec, row in stale)],
                          sources)
        index_archive_claims(new_ids)
        # Updated records keep their place in the term statistics (refresh_search_terms recounts
        # them). Their documents were rewritten with the update; those with an appearance a
        # journalist added, in other words, are rewritten again with every appearance's words.
        add_first_appearances(old_ids)
        # Updated records mean what their new words say; every appearance written here gets its embedding.
        embeddings.store_claims(old_ids)
        embeddings.store_appearances(claim_ids=[*new_ids, *old_ids], missing_only=True)
        refresh_search_vectors(Appearance.objects.filter(claim_id__in=old_ids, added_by__isnull=False)
                               .values_list("claim_id", flat=True).distinct())
        return outcomes, [*new_ids, *old_ids]

    def _archive_record(self, record: Record, rating: Rating | None, sources: dict[str, int]) -> ArchiveRecord:
        kind = Speaker.Kind.ORGANISATION if record.claimant_is_organisation else Speaker.Kind.PERSON
        speaker = self.speakers.get(record.claimant or UNKNOWN_SPEAKER, kind=kind)
        published = (timezone.make_aware(dt.datetime.combine(record.reviewed_on, dt.time(12)))
                     if record.reviewed_on else None)
        first = record.appearances[0].url if record.appearances else None
        return ArchiveRecord(
            quote=record.claim, checked=shorten(record.claim, MAX_CHECKED), speaker=speaker, said=record.said_on,
            url=record.url, published=published, rating_id=rating.pk if rating else None,
            conclusion=record.conclusion, source_id=sources.get(first) if first else None,
            publisher_name=record.publisher_name, publisher_site=record.publisher_site,
            publisher_rating=record.rating_text, language=record.language or default_language())

    def _sources(self, appearances: list[Seen]) -> dict[str, int]:
        """A Source for every appearance URL: the oldest one with that URL, or a new one."""
        wanted: dict[str, Seen] = {}
        for seen in appearances:
            wanted.setdefault(seen.url, seen)
        if not wanted:
            return {}
        found: dict[str, int] = {}
        for pk, url in Source.objects.filter(url__in=list(wanted)).order_by("pk").values_list("pk", "url"):
            found.setdefault(url, pk)
        new = [seen for url, seen in wanted.items() if url not in found]
        if new:
            with connection.cursor() as cursor:
                cursor.execute(_INSERT_SOURCES, [[s.url for s in new], [s.title or s.url[:300] for s in new],
                                                 [s.outlet for s in new], [s.date for s in new]])
                found.update((url, pk) for pk, url in cursor.fetchall())
        return found

    def _update(self, stale: list[tuple[int, Record, ArchiveRecord]]) -> None:
        if not stale:
            return
        rows = [row for _, _, row in stale]
        ids = [pk for pk, _, _ in stale]
        docs = [document_texts(r.quote, r.checked, r.speaker.name, r.speaker.role, r.conclusion) for r in rows]
        languages = [r.language for r in rows]
        with connection.cursor() as cursor:
            cursor.execute(_UPDATE_CLAIMS, [ids, [r.quote for r in rows], [r.checked for r in rows],
                                            [r.speaker.pk for r in rows], [r.source_id for r in rows],
                                            [r.said for r in rows], [r.published for r in rows],
                                            *([d[i] for d in docs] for i in range(3)),
                                            languages, [search_config(language) for language in languages],
                                            [words_config(language) for language in languages]])
            cursor.execute(_UPDATE_VERDICTS, [ids, [r.rating_id for r in rows], [r.conclusion for r in rows],
                                              [r.published for r in rows], [r.publisher_name for r in rows],
                                              [r.publisher_site for r in rows], [r.publisher_rating for r in rows]])
            cursor.execute(_DROP_IMPORTED_APPEARANCES, [ids])

    def _appearances(self, claims: list[tuple[int, tuple[Record, ArchiveRecord]]], sources: dict[str, int]) -> None:
        """One appearance per appearance URL; the first is the claim's own (its speaker, source and date)."""
        columns: tuple[list, ...] = ([], [], [], [], [], [])
        for claim_id, (record, row) in claims:
            for position, seen in enumerate(record.appearances):
                first = position == 0
                for column, value in zip(columns, (claim_id, row.speaker.pk, sources[seen.url],
                                                   row.said if first else seen.date, row.quote, first), strict=True):
                    column.append(value)
        if columns[0]:
            with connection.cursor() as cursor:
                cursor.execute(_INSERT_APPEARANCES, list(columns))


def _said(error: Exception) -> str:
    """The first line of what went wrong, short enough for a report line."""
    lines = str(error).strip().splitlines()
    return lines[0][:200] if lines else type(error).__name__
