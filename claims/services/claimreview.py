"""The desk's "Import ClaimReview": a source read into a draft, previewed, then imported once.

``claimreview_draft_create`` keeps what an editor uploaded or fetched (nothing else is written);
``claimreview_preview`` says what importing it would do, record by record, and which publisher
ratings have no meaning on our scale yet; ``claimreview_import_draft`` saves the editor's rating
mappings and runs the importer on the draft, consuming it in the same transaction so a second
"Import" finds the report instead of importing again.
"""

from __future__ import annotations

import codecs
import datetime as dt
import hashlib
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone

from claims import permissions
from claims.claimreview.importer import IMPORTED, SKIPPED, UPDATED, RatingMap, import_claimreview
from claims.claimreview.read import SourceError, parse_document
from claims.claimreview.records import Skip, record_from, site_of
from claims.errors import Invalid, ServiceError, WrongState
from claims.events import record_event
from claims.fetch import FetchError, decode_document, gunzip
from claims.models import Claim, ImportDraft, Rating, RatingMapping

DRAFT_LIFETIME = dt.timedelta(days=1)
NEW, UPDATE, SKIP = "new", "update", "skip"


class DraftGone(WrongState):
    """The draft expired (409)."""


class NoDraft(ServiceError):
    """No such draft for this editor: someone else's is never said to exist (404)."""

    status = 404


@dataclass
class Row:
    claim: str
    claimant: str
    publisher: str
    site: str
    rating_text: str
    date: dt.date | None
    url: str
    action: str  # new, update or skip
    reason: str = ""
    rating: str = ""  # our rating's label when the words already mean one


@dataclass
class Unmapped:
    """A publisher's rating words with no meaning on our scale yet: the editor is asked."""

    site: str
    text: str
    count: int = 0

    @property
    def key(self) -> str:
        return mapping_key(self.site, self.text)


@dataclass
class Preview:
    rows: list[Row] = field(default_factory=list)
    unmapped: list[Unmapped] = field(default_factory=list)  # by site, then in order of first use
    problems: list[str] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)


def mapping_key(site: str, text: str) -> str:
    """A stable form-field name for one (site, rating words) pair: the browser never sends the words back."""
    return "map-" + hashlib.sha256(f"{site}\n{_words(text)}".encode()).hexdigest()[:16]


def _words(text: str) -> str:
    return " ".join(text.split()).casefold()


# --- step 1: the draft ---------------------------------------------------------------------------


def read_body(name: str, body: bytes, *, charset: str | None = None, base_url: str = "") -> bytes:
    """The bytes to keep for ``name``: gunzipped, checked readable (``Invalid`` when not), and, when
    the server declared a charset, re-encoded as UTF-8 with a byte-order mark so any later reading
    decodes them the same way."""
    limit = settings.CLAIMREVIEW_UPLOAD_MAX_BYTES
    if body[:2] == b"\x1f\x8b":
        try:
            body = gunzip(body, max_bytes=limit, thing="file")
        except FetchError as error:
            raise Invalid(error.message) from error
        if body[:2] == b"\x1f\x8b":  # the importer would inflate it again, without this cap
            raise Invalid("This file is compressed twice: send it gzipped once, or not at all.")
    if charset and not body.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        body = codecs.BOM_UTF8 + decode_document(body, charset, "text/html").encode("utf-8")
    try:
        document = parse_document(name, body, base_url=base_url or None)
    except SourceError as error:
        raise Invalid(f"This cannot be read: {error.message}.") from error
    if not document.objects:
        raise Invalid("There are no ClaimReview records in it.")
    return body


def claimreview_draft_create(*, actor, name: str, body: bytes, base_url: str = "") -> ImportDraft:
    """Keep a readable source for the preview. Drafts older than a day go at the same time."""
    permissions.require(actor, "claimreview_import")
    with transaction.atomic():
        ImportDraft.objects.filter(created_at__lt=timezone.now() - DRAFT_LIFETIME).delete()
        return ImportDraft.objects.create(editor=actor, name=name[:300], base_url=base_url[:2000], body=body)


def draft_for(actor, draft_id: int, *, lock: bool = False) -> ImportDraft | None:
    """The editor's own draft, or None (someone else's is never shown, nor said to exist)."""
    drafts = ImportDraft.objects.filter(pk=draft_id, editor=actor)
    return (drafts.select_for_update() if lock else drafts).first()


def is_expired(draft: ImportDraft) -> bool:
    return draft.created_at < timezone.now() - DRAFT_LIFETIME


NO_DRAFT = "There is no such import preview: upload the file again."
EXPIRED = "This import preview has expired (previews last a day): upload the file again."


# --- step 2: the preview -------------------------------------------------------------------------


def claimreview_preview(draft: ImportDraft) -> Preview:
    """What importing the draft would do; reads the database, writes nothing."""
    preview = Preview()
    try:
        document = parse_document(draft.name, bytes(draft.body), base_url=draft.base_url or None)
    except SourceError as error:
        preview.problems.append(error.message)
        return preview
    preview.problems.extend(document.problems)
    records, seen = [], set()
    for obj in document.objects:
        try:
            record = record_from(obj, document.base_url)
        except Skip as skip:
            url = obj.get("url") if isinstance(obj.get("url"), str) else ""
            preview.rows.append(Row(claim=_text(obj.get("claimReviewed")), claimant="", publisher="", site="",
                                    rating_text="", date=None, url=url[:200], action=SKIP, reason=skip.reason))
            continue
        if record.url in seen:
            preview.rows.append(_row(record, SKIP, "the same url as an earlier record in this file"))
            continue
        seen.add(record.url)
        records.append(record)
        preview.rows.append(_row(record, NEW))
    existing = dict(Claim.objects.filter(original_url__in=[r.url for r in records])
                    .values_list("original_url", "imported"))
    ratings = RatingMap()
    unmapped: dict[tuple[str, str], Unmapped] = {}
    for row in preview.rows:
        if row.action == SKIP:
            continue
        if row.url in existing:
            if not existing[row.url]:
                row.action, row.reason = SKIP, "a claim logged in the desk already has this url"
                continue
            row.action = UPDATE
        rating = ratings.resolve(row.site, row.rating_text)
        if rating:
            row.rating = rating.label
        else:
            pending = unmapped.setdefault((row.site, _words(row.rating_text)), Unmapped(row.site, row.rating_text))
            pending.count += 1
    preview.unmapped = sorted(unmapped.values(), key=lambda u: u.site)  # stable: first use within a site
    return preview


def _row(record, action: str, reason: str = "") -> Row:
    return Row(claim=record.claim, claimant=record.claimant, publisher=record.publisher_name,
               site=record.publisher_site, rating_text=record.rating_text,
               date=record.reviewed_on, url=record.url, action=action, reason=reason)


def _text(value) -> str:
    return " ".join(value.split())[:500] if isinstance(value, str) else ""


def mapping_choices() -> list[Rating]:
    return list(Rating.objects.filter(retired=False).order_by("position", "id"))


# --- step 3: the import --------------------------------------------------------------------------


def claimreview_import_draft(*, actor, draft_id: int, mappings: dict[str, int | None]) -> ImportDraft:
    """Save the rating mappings chosen (``{mapping_key: rating id or None}``, None: leave unrated),
    import the draft with ``actor`` as the importer, and keep the report on the draft.

    The draft is locked and consumed in the same transaction: a second "Import" (a double click, a
    resend) waits for the first and then finds the draft imported, and imports nothing."""
    permissions.require(actor, "claimreview_import")
    with transaction.atomic():
        draft = draft_for(actor, draft_id, lock=True)
        if draft is None:
            raise NoDraft(NO_DRAFT)
        if draft.imported_at is not None:
            return draft
        if is_expired(draft):
            raise DraftGone(EXPIRED)
        saved = _save_mappings(actor, claimreview_preview(draft), mappings)
        report = _run_import(actor, draft)
        draft.report = {**report, "mapped": saved}
        draft.imported_at = timezone.now()
        draft.body = b""
        draft.save(update_fields=["report", "imported_at", "body"])
    return draft


def _save_mappings(actor, preview: Preview, mappings: dict[str, int | None]) -> list[list[str]]:
    usable = {rating.pk: rating for rating in mapping_choices()}
    chosen = [(pending, usable.get(mappings.get(pending.key))) for pending in preview.unmapped]
    if any(mappings.get(pending.key) is not None and rating is None for pending, rating in chosen):
        raise Invalid("One of the ratings chosen is no longer on the scale: look at the preview again.")
    rows = [RatingMapping(publisher_site=site_of(pending.site), textual_rating=pending.text[:1000], rating=rating)
            for pending, rating in chosen if rating is not None]
    taken = {(site.lower(), text.lower()) for site, text in RatingMapping.objects.annotate(
        s=Lower("publisher_site"), t=Lower("textual_rating")).values_list("s", "t")}
    rows = [row for row in rows if (row.publisher_site.lower(), row.textual_rating.lower()) not in taken]
    if not rows:
        return []
    RatingMapping.objects.bulk_create(rows)
    saved = [[row.publisher_site, row.textual_rating, row.rating.label] for row in rows]
    record_event(actor=actor, action="ratings_mapped",
                 changes={f"{site or 'any publisher'}: {text}": [None, label] for site, text, label in saved},
                 comment=f"{len(saved)} publisher rating{'s' if len(saved) != 1 else ''} mapped on a ClaimReview "
                         "import")
    return saved


def _run_import(actor, draft: ImportDraft) -> dict:
    """The importer reads paths and addresses: the draft's bytes go to a private temporary file,
    named as the editor's file was so the report reads the same."""
    with tempfile.TemporaryDirectory(prefix="claimreview-") as folder:
        path = Path(folder) / "draft"
        path.write_bytes(bytes(draft.body))
        report = import_claimreview([str(path)], base_url=draft.base_url or None, actor=actor)

    def shown(where: str) -> str:
        return where.replace(str(path), draft.name, 1)

    return {
        "counts": {IMPORTED: report.count(IMPORTED), UPDATED: report.count(UPDATED),
                   SKIPPED: report.count(SKIPPED)},
        "outcomes": [{"where": shown(o.where), "url": o.url, "status": o.status, "reason": o.reason,
                      "rating": o.rating, "publisher_rating": o.publisher_rating} for o in report.outcomes],
        "problems": [why for _, why in [*report.unreadable, *report.problems]],
    }
