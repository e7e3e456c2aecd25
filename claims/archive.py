"""Bringing a newsroom's past fact-checks in as archive records.

Archive records are claims flagged ``imported`` with their original URL: they feed matching and
past rulings, link to the original, and get no public page. Rows are validated one by one; bad
rows are reported with their line numbers and skipped, the good ones are written in bulk.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from claims.models import Claim, Event, Rating, Speaker, Topic, Verdict
from claims.search import write_vectors
from claims.textnorm import normalise

REQUIRED = ("claim", "speaker", "rating", "date", "url")
OPTIONAL = ("quote", "conclusion", "topics")
BATCH = 2000
_url = URLValidator(schemes=["http", "https"])


@dataclass
class ImportReport:
    imported: int = 0
    already_present: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    unknown_ratings: dict[str, int] = field(default_factory=dict)


class ArchiveFormatError(Exception):
    pass


def _parse_date(value: str) -> dt.date:
    value = value.strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d %B %Y", "%d %b %Y", "%B %d, %Y"):
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"the date “{value}” is not a date (use YYYY-MM-DD)")


def _rating_lookup() -> dict[str, Rating]:
    lookup = {}
    for rating in Rating.objects.all():
        lookup[rating.label.casefold()] = rating
        lookup[rating.slug.casefold()] = rating
        lookup[rating.slug.replace("-", " ").casefold()] = rating
    return lookup


def _slug_for(url: str) -> str:
    return "archive-" + hashlib.sha256(url.encode()).hexdigest()[:20]


class _Speakers:
    def __init__(self):
        self.by_name = {normalise(s.name).casefold(): s for s in Speaker.objects.all()}

    def get(self, name: str) -> Speaker:
        key = normalise(name).casefold()
        speaker = self.by_name.get(key)
        if speaker is None:
            base = slugify(normalise(name))[:200] or "speaker"
            slug, n = base, 2
            while Speaker.objects.filter(slug=slug).exists():
                slug, n = f"{base}-{n}", n + 1
            speaker = Speaker.objects.create(name=name, slug=slug)
            self.by_name[key] = speaker
        return speaker


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
                progress: Callable[[int], None] | None = None) -> ImportReport:
    report = ImportReport()
    ratings = _rating_lookup()
    speakers = _Speakers()
    topics = {t.name.casefold(): t for t in Topic.objects.all()}
    batch: list[tuple[int, dict]] = []
    seen_urls: set[str] = set()
    done = 0
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
        done += 1
        if len(batch) >= BATCH:
            _write(batch, ratings, speakers, topics, report)
            batch = []
        if progress and done % 500 == 0:
            progress(done)
    if batch:
        _write(batch, ratings, speakers, topics, report)
    if progress:
        progress(done)
    if report.imported:
        from claims.matching import refresh_term_stats

        refresh_term_stats()
        Event.objects.create(actor=actor, claim=None, action="archive_imported",
                             changes={"imported": [0, report.imported]},
                             comment=f"{report.imported} archive records imported")
    return report


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
    try:
        _url(row["url"])
    except ValidationError:
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


@transaction.atomic
def _write(batch, ratings, speakers, topics, report: ImportReport) -> None:
    urls = [row["url"] for _, row in batch]
    existing = set(Claim.objects.filter(original_url__in=urls).values_list("original_url", flat=True))
    fresh = [(line, row) for line, row in batch if row["url"] not in existing]
    report.already_present += len(batch) - len(fresh)
    if not fresh:
        return
    claims = []
    for _, row in fresh:
        date = _parse_date(row["date"])
        published = timezone.make_aware(dt.datetime.combine(date, dt.time(12)))
        claims.append(Claim(
            quote=row.get("quote") or row["claim"], claim_checked=row["claim"], speaker=speakers.get(row["speaker"]),
            date_said=date, status="published", imported=True, original_url=row["url"], slug=_slug_for(row["url"]),
            published_at=published,
        ))
    Claim.objects.bulk_create(claims)
    verdicts = [Verdict(claim=claim, rating=ratings[row["rating"].casefold()], conclusion=row.get("conclusion", ""),
                        published_at=claim.published_at) for claim, (_, row) in zip(claims, fresh, strict=True)]
    Verdict.objects.bulk_create(verdicts)
    through = Claim.topics.through
    links = []
    for claim, (_, row) in zip(claims, fresh, strict=True):
        for name in filter(None, (t.strip() for t in row.get("topics", "").split(";" if ";" in row.get("topics", "")
                                                                              else ","))):
            topic = topics.get(name.casefold())
            if topic is None:
                topic = Topic.objects.create(name=name[:100], slug=_topic_slug(name))
                topics[name.casefold()] = topic
            links.append(through(claim_id=claim.pk, topic_id=topic.pk))
    through.objects.bulk_create(links, ignore_conflicts=True)
    write_vectors((c.pk, c.quote, c.claim_checked, c.speaker.name, c.speaker.role, v.conclusion)
                  for c, v in zip(claims, verdicts, strict=True))
    report.imported += len(claims)


def _topic_slug(name: str) -> str:
    base = slugify(normalise(name))[:100] or "topic"
    slug, n = base, 2
    while Topic.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug
