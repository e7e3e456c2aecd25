"""Archived copies: asked for when evidence or a source is saved, fetched by a job, and the quoted
passages of the evidence citing them checked against their text.

Saving never waits: ``archive_request`` only writes a pending copy and defers the fetch, inside the
caller's transaction. One copy serves every row citing the address until it is a day old; a failed
copy is never reused (the next save, or "Try again", asks again).
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from claims import fetch
from claims.archiving.passages import figure_near, find_passage
from claims.archiving.readable import MAX_TEXT_CHARS, Unreadable, readable
from claims.events import invalidate_public_pages_on_commit
from claims.models import PUBLIC_STATUSES, ArchivedCopy, Check, Evidence

log = logging.getLogger("factcheck.archive")
FRESH_FOR = dt.timedelta(days=1)
NOT_ACCEPTED = "That address is not a web page, text, a PDF or a CSV file (it is {shown})."
CHECK_FIELDS = ("archive", "passage_check", "passage_score", "figure_check")


def archive_request(url: str, *, again: bool = False) -> ArchivedCopy | None:
    """The copy of ``url`` rows should cite: a recent one, or a new one being fetched."""
    if not url or not url.startswith(("http://", "https://")):
        return None
    if not again:
        recent = (ArchivedCopy.objects.filter(url=url, requested_at__gte=timezone.now() - FRESH_FOR)
                  .exclude(state=ArchivedCopy.State.FAILED).order_by("-requested_at", "-pk").first())
        if recent is not None:
            return recent
    copy = ArchivedCopy.objects.create(url=url)
    from claims.tasks import archive_fetch

    archive_fetch.defer(copy_id=copy.pk)
    return copy


def archive_evidence(evidence: Evidence, *, again: bool = False) -> None:
    """Point the evidence at a copy of its URL and check its passage there when the copy is ready."""
    copy = archive_request(evidence.url, again=again)
    checks = verification(evidence, copy)
    Evidence.objects.filter(pk=evidence.pk).update(archive=copy, **checks)
    evidence.archive = copy
    for field, value in checks.items():
        setattr(evidence, field, value)


def archive_again(*, evidence_id: int) -> Evidence:
    """"Try again": a new fetch for evidence whose copy failed, stalled or never was; anything else is a 409
    (a copy that worked is what the fact-check cites)."""
    from claims.errors import WrongState

    with transaction.atomic():
        evidence = Evidence.objects.select_for_update(of=("self",)).select_related("archive").filter(
            pk=evidence_id).first()
        if evidence is None:
            raise WrongState("This evidence has been removed.")
        copy = evidence.archive
        if copy is not None and copy.state != ArchivedCopy.State.FAILED and not copy.stalled:
            raise WrongState("This source is archived or being archived already.")
        archive_evidence(evidence, again=True)
    return evidence


def verification(evidence: Evidence, copy: ArchivedCopy | None) -> dict:
    """Is the passage in the copy's text, and the figure near it? Blank while there is nothing to say."""
    blank = {"passage_check": "", "passage_score": None, "figure_check": ""}
    if copy is None or copy.state != ArchivedCopy.State.ARCHIVED or not evidence.passage.strip():
        return blank
    match = find_passage(evidence.passage, copy.text, settings.PASSAGE_MATCH_THRESHOLD)
    if match is None:
        figure = "" if evidence.figure_value is None else Check.NOT_FOUND
        return {"passage_check": Check.NOT_FOUND, "passage_score": None, "figure_check": figure}
    figure = ""
    if evidence.figure_value is not None:
        figure = Check.FOUND if figure_near(evidence.figure_value, copy.text, match) else Check.NOT_FOUND
    return {"passage_check": Check.FOUND, "passage_score": round(match.score, 1), "figure_check": figure}


def reverify(rows: Iterable[Evidence], copy: ArchivedCopy) -> int:
    done = 0
    for evidence in rows:
        Evidence.objects.filter(pk=evidence.pk).update(**verification(evidence, copy))
        done += 1
    return done


# ---------------------------------------------------------------- the fetch (a job)

def fetch_copy(copy_id: int) -> ArchivedCopy | None:
    """Fetch a pending copy, keep what came back, and check the passages citing it."""
    copy = ArchivedCopy.objects.filter(pk=copy_id, state=ArchivedCopy.State.PENDING).first()
    if copy is None:
        return None  # done already (a job run twice), or gone
    fill_copy(copy)
    with transaction.atomic():
        copy.save()
        citing = Evidence.objects.filter(archive=copy)
        reverify(citing, copy)
        public = sorted(set(citing.filter(claim__status__in=PUBLIC_STATUSES).values_list("claim_id", flat=True)))
        if public:  # their pages now show "Archived copy"
            invalidate_public_pages_on_commit([f"claim-{pk}" for pk in public])
    return copy


def fill_copy(copy: ArchivedCopy) -> ArchivedCopy:
    """Fetch ``copy.url`` into ``copy`` (not saved): archived with its text and body, or failed with
    the reason a journalist can act on."""
    copy.fetched_at = timezone.now()
    try:
        fetched = fetch.fetch_bytes(copy.url, types=fetch.ARCHIVE_TYPES, max_bytes=settings.ARCHIVE_MAX_BYTES,
                                    deadline=float(settings.ARCHIVE_FETCH_SECONDS),
                                    not_accepted=NOT_ACCEPTED)
    except fetch.FetchError as error:
        return _failed(copy, error.code, error.message, status=error.status)
    body = fetched.body
    copy.final_url, copy.status_code = fetched.final_url[:2000], 200
    copy.content_type, copy.size = fetched.content_type[:100], len(body)
    copy.sha256 = hashlib.sha256(body).hexdigest()
    try:
        page = readable(body, content_type=fetched.content_type, charset=fetched.charset, url=fetched.final_url)
    except Unreadable as error:
        return _failed(copy, "unreadable", str(error), status=200, keep=True)
    copy.title, copy.text = page.title[:300], page.text[:MAX_TEXT_CHARS]
    copy.text_sha256 = hashlib.sha256(copy.text.encode()).hexdigest()
    # A body already stored (the same page fetched again, one PDF at two addresses) is not stored twice.
    stored = (ArchivedCopy.objects.filter(sha256=copy.sha256).exclude(body="")
              .order_by("-pk").values_list("body", flat=True).first())
    if stored and default_storage.exists(stored):
        copy.body.name = stored
    else:
        copy.body.save(f"{copy.sha256}.gz", ContentFile(gzip.compress(body, mtime=0)), save=False)
    copy.state, copy.error_code, copy.error = ArchivedCopy.State.ARCHIVED, "", ""
    return copy


def _failed(copy: ArchivedCopy, code: str, message: str, *, status: int | None = None,
            keep: bool = False) -> ArchivedCopy:
    copy.state, copy.error_code, copy.error = ArchivedCopy.State.FAILED, code[:40], message[:300]
    copy.status_code = status
    if not keep:
        copy.final_url, copy.content_type, copy.size, copy.sha256 = "", "", None, ""
    log.info("archive of %s failed: %s", copy.url, code)
    return copy


def original_body(copy: ArchivedCopy) -> bytes | None:
    """The body as the site sent it (decompressed), or None when it is not kept."""
    if not copy.body:
        return None
    with default_storage.open(copy.body.name, "rb") as stored:
        return gzip.decompress(stored.read())
