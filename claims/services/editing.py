"""Editing a claim, its evidence, its verdict, its notes and its right-of-reply log."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max

from claims import permissions
from claims.errors import Invalid, WrongState
from claims.models import (
    Annotation,
    Claim,
    Evidence,
    ReplyAttempt,
    Speaker,
    Tip,
    Verdict,
)
from claims.search import refresh_search_vectors
from claims.services.common import (
    CLAIM_FIELDS,
    EVIDENCE_FIELDS,
    VERDICT_FIELDS,
    _apply,
    _check_version,
    _current,
    _event,
    _jsonable,
    _lock_claim,
    _unique_slug,
    source_for_url,
)

# ---------------------------------------------------------------- claims

def claim_create(*, actor, quote: str, speaker: Speaker, claim_checked: str = "", source=None,
                 date_said=None, topics=(), checkworthiness=None, imported: bool = False,
                 original_url: str | None = None, tip: Tip | None = None, source_url: str = "") -> Claim:
    """Log a claim; ``source_url`` finds or creates its source in the same transaction."""
    permissions.require(actor, "claim_create")
    with transaction.atomic():
        if source_url:
            source = source_for_url(source_url)
        if tip is not None:
            tip = Tip.objects.select_for_update().get(pk=tip.pk)
            if tip.status != Tip.TipStatus.NEW:
                raise WrongState("This tip has already been handled.")
        claim = Claim.objects.create(
            quote=quote, claim_checked=claim_checked, speaker=speaker, source=source, date_said=date_said,
            checkworthiness=checkworthiness, imported=imported, original_url=original_url or None,
            created_by=actor, slug=_unique_slug(Claim, f"{speaker.name} {claim_checked or quote}"[:90]),
        )
        if topics:
            claim.topics.set(topics)
        refresh_search_vectors([claim.pk])
        changes = {f: [None, _jsonable(_current(claim, f))] for f in CLAIM_FIELDS if _current(claim, f)}
        _event(actor=actor, claim=claim, action="claim_created", changes=changes, before="", after=claim.status)
        if tip is not None:
            tip.status, tip.claim = Tip.TipStatus.CONVERTED, claim
            tip.save(update_fields=["status", "claim"])
            _event(actor=actor, claim=claim, action="tip_converted", comment=tip.text[:200],
                   changes={"tip": [Tip.TipStatus.NEW, Tip.TipStatus.CONVERTED]})
    return claim


def claim_update(*, claim_id: int, actor, version: int | None, data: dict[str, Any]) -> Claim:
    with transaction.atomic():
        claim = _lock_claim(claim_id)
        permissions.require(actor, "claim_edit", claim)
        _check_version(claim, version, "claim", CLAIM_FIELDS)
        if "source_url" in data:
            data = {**data, "source": source_for_url(data["source_url"]) if data["source_url"] else None}
        old_quote = claim.quote
        changes = _apply(claim, data, CLAIM_FIELDS)
        if "topics" in data:
            before = sorted(t.name for t in claim.topics.all())
            after = sorted(t.name for t in data["topics"])
            if before != after:
                changes["topics"] = [before, after]
                claim.topics.set(data["topics"])
        if not changes:
            return claim
        claim.version += 1
        claim.save()
        if claim.quote != old_quote:
            _detach_annotations(claim)
        refresh_search_vectors([claim.pk])
        _event(actor=actor, claim=claim, action="claim_updated", changes=changes)
    return claim


def _detach_annotations(claim: Claim) -> None:
    """Notes whose span no longer fits the edited quote are kept and marked detached."""
    length = len(claim.quote)
    Annotation.objects.filter(claim=claim, end__gt=length, detached=False).update(detached=True)


# ---------------------------------------------------------------- evidence

def evidence_add(*, claim_id: int, actor, data: dict[str, Any]) -> Evidence:
    with transaction.atomic():
        claim = _lock_claim(claim_id)
        permissions.require(actor, "evidence_edit", claim)
        last = claim.evidence.aggregate(m=Max("position"))["m"]
        evidence = Evidence(claim=claim, added_by=actor, position=(last or 0) + 1)
        changes = _apply(evidence, data, EVIDENCE_FIELDS)
        evidence.save()
        _event(actor=actor, claim=claim, action="evidence_added", changes=changes, comment=evidence.title)
    return evidence


def _lock_evidence(evidence_id: int) -> tuple[Claim, Evidence]:
    claim_id = Evidence.objects.filter(pk=evidence_id).values_list("claim_id", flat=True).first()
    if claim_id is None:
        raise WrongState("This evidence has been removed.")
    claim = _lock_claim(claim_id)
    evidence = Evidence.objects.select_for_update().get(pk=evidence_id)
    return claim, evidence


def evidence_update(*, evidence_id: int, actor, version: int | None, data: dict[str, Any]) -> Evidence:
    with transaction.atomic():
        claim, evidence = _lock_evidence(evidence_id)
        permissions.require(actor, "evidence_edit", claim)
        _check_version(evidence, version, "evidence", EVIDENCE_FIELDS)
        changes = _apply(evidence, data, EVIDENCE_FIELDS)
        if changes:
            evidence.version += 1
            evidence.save()
            _event(actor=actor, claim=claim, action="evidence_updated", changes=changes, comment=evidence.title)
    return evidence


def evidence_remove(*, evidence_id: int, actor) -> Claim:
    with transaction.atomic():
        claim, evidence = _lock_evidence(evidence_id)
        permissions.require(actor, "evidence_edit", claim)
        changes = {f: [_jsonable(getattr(evidence, f)), None] for f in EVIDENCE_FIELDS if getattr(evidence, f)}
        evidence.delete()
        _event(actor=actor, claim=claim, action="evidence_removed", changes=changes, comment=evidence.title)
    return claim


def evidence_move(*, evidence_id: int, actor, direction: str) -> Claim:
    if direction not in ("up", "down"):
        raise Invalid("Move up or down.")
    with transaction.atomic():
        claim, evidence = _lock_evidence(evidence_id)
        permissions.require(actor, "evidence_edit", claim)
        rows = list(claim.evidence.order_by("position", "id"))
        index = next(i for i, row in enumerate(rows) if row.pk == evidence.pk)
        target = index - 1 if direction == "up" else index + 1
        if not 0 <= target < len(rows):
            return claim
        before = [row.title for row in rows]
        rows[index], rows[target] = rows[target], rows[index]
        for position, row in enumerate(rows, start=1):
            if row.position != position:
                row.position = position
                row.save(update_fields=["position"])
        _event(actor=actor, claim=claim, action="evidence_moved",
               changes={"order": [before, [row.title for row in rows]]}, comment=evidence.title)
    return claim


# ---------------------------------------------------------------- verdict, notes, replies

def verdict_save(*, claim_id: int, actor, version: int | None, data: dict[str, Any]) -> Verdict:
    with transaction.atomic():
        claim = _lock_claim(claim_id)
        permissions.require(actor, "verdict_edit", claim)
        verdict = Verdict.objects.select_for_update().filter(claim=claim).first()
        created = verdict is None
        if created:
            verdict = Verdict(claim=claim, author=actor)
        else:
            _check_version(verdict, version, "verdict", VERDICT_FIELDS)
        changes = _apply(verdict, data, VERDICT_FIELDS)
        if not changes and not created:
            return verdict
        if not created:
            verdict.version += 1
        verdict.save()
        if "conclusion" in changes:
            refresh_search_vectors([claim.pk])
        _event(actor=actor, claim=claim, action="verdict_saved", changes=changes)
    return verdict


def annotation_add(*, claim_id: int, actor, body: str, start: int | None = None, end: int | None = None,
                   parent_id: int | None = None) -> Annotation:
    with transaction.atomic():
        claim = _lock_claim(claim_id)
        permissions.require(actor, "annotate", claim)
        if (start is None) != (end is None):
            raise Invalid("Give both the start and the end of the span.", errors={"start": ["Give both."]})
        if start is not None and not (0 <= start < end <= len(claim.quote)):
            raise Invalid("The span must lie inside the quote.",
                          errors={"end": [f"The span must lie inside the quote (0 to {len(claim.quote)})."]})
        parent = None
        if parent_id is not None:
            parent = Annotation.objects.filter(pk=parent_id, claim=claim, parent__isnull=True).first()
            if parent is None:
                raise Invalid("That note does not exist on this claim.")
            start = end = None
        note = Annotation.objects.create(claim=claim, author=actor, body=body, start=start, end=end,
                                         parent=parent)
        _event(actor=actor, claim=claim, action="note_replied" if parent else "note_added",
               changes={"body": [None, body], **({"span": [None, [start, end]]} if start is not None else {})})
    return note


def annotation_resolve(*, annotation_id: int, actor) -> Annotation:
    claim_id = Annotation.objects.filter(pk=annotation_id).values_list("claim_id", flat=True).first()
    if claim_id is None:
        raise WrongState("This note no longer exists.")
    with transaction.atomic():
        claim = _lock_claim(claim_id)
        permissions.require(actor, "annotate", claim)
        note = Annotation.objects.select_for_update().get(pk=annotation_id)
        if not note.resolved:
            note.resolved = True
            note.save(update_fields=["resolved"])
            _event(actor=actor, claim=claim, action="note_resolved", changes={"resolved": [False, True]},
                   comment=note.body[:200])
    return note


def reply_log(*, claim_id: int, actor, data: dict[str, Any]) -> ReplyAttempt:
    with transaction.atomic():
        claim = _lock_claim(claim_id)
        permissions.require(actor, "reply_log", claim)
        attempt = ReplyAttempt(claim=claim, logged_by=actor)
        changes = _apply(attempt, data, ("contacted_on", "channel", "contact", "response", "show_publicly"))
        attempt.save()
        _event(actor=actor, claim=claim, action="reply_logged", changes=changes)
    return attempt
