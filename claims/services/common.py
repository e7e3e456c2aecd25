"""Shared by the services: applying changes, locking, versions, mail. Events: ``claims.events``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.text import slugify

from claims.errors import Conflict, WrongState
from claims.events import record_event, record_event_on_claims
from claims.models import Claim, Source
from claims.textnorm import normalise

CLAIM_FIELDS = ("quote", "claim_checked", "speaker", "source", "date_said", "language", "topics")
EVIDENCE_FIELDS = ("url", "title", "publisher", "published_on", "passage", "stance", "note",
                   "figure_value", "figure_unit", "figure_period")
VERDICT_FIELDS = ("rating", "conclusion", "analysis")
SPEAKER_FIELDS = ("name", "kind", "role", "affiliation", "description")



# ---------------------------------------------------------------- helpers

def jsonable(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")  # 1900.5000 and 1900.5 alike, never 1.9E+3
    if isinstance(value, (list, tuple, set)):
        return sorted(jsonable(v) for v in value)
    return str(value)


def current_value(obj, field: str) -> Any:
    if field == "topics":
        return [t.name for t in obj.topics.all()] if obj.pk else []
    return getattr(obj, field)


def _same(before: Any, after: Any) -> bool:
    # Related objects compare by identity: two speakers may share a name until they are merged.
    if hasattr(before, "_meta") or hasattr(after, "_meta"):
        return getattr(before, "pk", None) == getattr(after, "pk", None)
    return jsonable(before) == jsonable(after)


def apply_changes(obj, data: dict[str, Any], fields: tuple[str, ...]) -> dict[str, list]:
    """Set the given fields and return ``{field: [before, after]}`` for those that changed.

    On a new row nothing came before: its defaults are not earlier values, so every field given a
    value is recorded as ``[None, value]``."""
    changes = {}
    new = obj.pk is None
    for field in fields:
        if field not in data or field == "topics":
            continue
        before, after = getattr(obj, field), data[field]
        if new and after not in (None, "", []):
            changes[field] = [None, jsonable(after)]
            setattr(obj, field, after)
        elif not new and not _same(before, after):
            changes[field] = [jsonable(before), jsonable(after)]
            setattr(obj, field, after)
    return changes


def lock_claim(claim_id: int) -> Claim:
    try:
        return Claim.objects.select_for_update().get(pk=claim_id)
    except Claim.DoesNotExist:
        raise WrongState("This claim no longer exists.") from None


def lock_row(model, pk: int, message: str):
    """A row locked for update; one that is gone answers 409 with the message, never a 500."""
    try:
        return model.objects.select_for_update().get(pk=pk)
    except model.DoesNotExist:
        raise WrongState(message) from None


def check_version(obj, version: int | None, label: str, fields: tuple[str, ...]) -> None:
    if version is not None and int(version) != obj.version:
        current = {field: jsonable(current_value(obj, field)) for field in fields}
        what = "" if label == "claim" else f" ({label})"
        raise Conflict(
            f"Someone else changed this claim{what} while you were editing. Their values are shown "
            "below; your input is kept in the form.",
            current=current,
        )


def save_with_unique_slug(obj, base: str, max_length: int = 100) -> None:
    """Save a new row under the first free slug made from ``base``. The unique index decides: two
    people saving the same name at once both succeed (one gets ``-2``), nobody gets a 500."""
    model = type(obj)
    stem = slugify(normalise(base))[:max_length].strip("-") or "item"
    taken = set(model.objects.filter(slug__startswith=stem).values_list("slug", flat=True))
    n = 1
    while True:
        suffix = "" if n == 1 else f"-{n}"
        candidate = stem[: max_length - len(suffix)] + suffix
        n += 1
        if candidate in taken:
            continue
        obj.slug = candidate
        try:
            with transaction.atomic():
                obj.save()
            return
        except IntegrityError as error:
            if "slug" not in (getattr(getattr(error.__cause__, "diag", None), "constraint_name", "") or ""):
                raise
            taken.add(candidate)  # taken a moment ago by someone else: the next one


def mail_on_commit(subject: str, body: str, recipients: list[str]) -> None:
    """Mail sent by a background job once the caller's transaction commits (never if it rolls back),
    retried while the mail server is down: a transition never waits for it or fails with it."""
    from claims.tasks import send_mail_job

    recipients = [r for r in recipients if r]
    if recipients:
        send_mail_job.defer(subject=subject, body=body, recipients=recipients)


def claim_link(claim: Claim) -> str:
    return f"{settings.SITE_URL}{claim.get_desk_url()}"


def source_for_url(url: str, *, title: str = "", full_text: str = "") -> Source:
    """The source at this address, created on first use (inside the caller's transaction), with an
    archived copy of the page asked for (a day-old copy is fetched again)."""
    from claims.archiving.store import archive_request

    source = Source.objects.filter(url=url).order_by("pk").first()
    if source is None:
        source = Source.objects.create(url=url, title=(title or url)[:300], full_text=full_text)
    copy = archive_request(url)
    if copy is not None and copy.pk != source.archive_id:
        Source.objects.filter(pk=source.pk).update(archive=copy)
        source.archive = copy
    return source


__all__ = ["CLAIM_FIELDS", "EVIDENCE_FIELDS", "SPEAKER_FIELDS", "VERDICT_FIELDS", "apply_changes", "check_version",
           "claim_link", "current_value", "jsonable", "lock_claim", "lock_row", "mail_on_commit", "record_event",
           "record_event_on_claims", "save_with_unique_slug", "source_for_url"]
