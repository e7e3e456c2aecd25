"""Every write that matters. Each service: check permission, lock the claim row, check the
state and version, save, write one Event, all in one transaction. Mail goes out on commit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify

from claims import permissions
from claims.errors import Conflict, Invalid, WrongState
from claims.models import (
    PUBLIC_STATUSES,
    Annotation,
    Claim,
    Correction,
    Event,
    Evidence,
    Rating,
    ReplyAttempt,
    ReviewVote,
    Speaker,
    Status,
    Tip,
    Verdict,
    display_name,
)
from claims.public_cache import bump_generation
from claims.search import refresh_search_vectors
from claims.textnorm import normalise

CLAIM_FIELDS = ("quote", "claim_checked", "speaker", "source", "date_said", "topics")
EVIDENCE_FIELDS = ("url", "title", "publisher", "published_on", "passage", "stance", "note",
                   "figure_value", "figure_unit", "figure_period")
VERDICT_FIELDS = ("rating", "conclusion", "analysis")
SPEAKER_FIELDS = ("name", "kind", "role", "affiliation", "description")


# ---------------------------------------------------------------- helpers

def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")  # 1900.5000 and 1900.5 alike, never 1.9E+3
    if isinstance(value, (list, tuple, set)):
        return sorted(_jsonable(v) for v in value)
    return str(value)


def _current(obj, field: str) -> Any:
    if field == "topics":
        return [t.name for t in obj.topics.all()] if obj.pk else []
    return getattr(obj, field)


def _same(before: Any, after: Any) -> bool:
    # Related objects compare by identity: two speakers may share a name until they are merged.
    if hasattr(before, "_meta") or hasattr(after, "_meta"):
        return getattr(before, "pk", None) == getattr(after, "pk", None)
    return _jsonable(before) == _jsonable(after)


def _apply(obj, data: dict[str, Any], fields: tuple[str, ...]) -> dict[str, list]:
    """Set the given fields and return ``{field: [before, after]}`` for those that changed."""
    changes = {}
    for field in fields:
        if field not in data or field == "topics":
            continue
        before, after = getattr(obj, field), data[field]
        if not _same(before, after):
            changes[field] = [_jsonable(before), _jsonable(after)]
            setattr(obj, field, after)
    return changes


def _event(*, actor, claim, action: str, changes=None, comment: str = "", before: str | None = None,
           after: str | None = None):
    current = claim.status if claim else ""
    if claim is None or claim.status in PUBLIC_STATUSES:
        # Public pages may show what changed: every worker drops its cached copies after commit.
        transaction.on_commit(bump_generation)
    return Event.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        claim=claim,
        action=action,
        status_before=current if before is None else before,
        status_after=current if after is None else after,
        changes=changes or {},
        comment=comment,
        review_round=claim.review_round if claim else None,
    )


def _lock_claim(claim_id: int) -> Claim:
    try:
        return Claim.objects.select_for_update().get(pk=claim_id)
    except Claim.DoesNotExist:
        raise WrongState("This claim no longer exists.") from None


def _check_version(obj, version: int | None, label: str, fields: tuple[str, ...]) -> None:
    if version is not None and int(version) != obj.version:
        current = {field: _jsonable(_current(obj, field)) for field in fields}
        what = "" if label == "claim" else f" ({label})"
        raise Conflict(
            f"Someone else changed this claim{what} while you were editing. Their values are shown "
            "below; your input is kept in the form.",
            current=current,
        )


def _unique_slug(model, base: str, max_length: int = 100) -> str:
    base = (slugify(normalise(base))[:max_length].strip("-")) or "item"
    slug, n = base, 2
    while model.objects.filter(slug=slug).exists():
        suffix = f"-{n}"
        slug = base[: max_length - len(suffix)] + suffix
        n += 1
    return slug


def _on_commit_mail(subject: str, body: str, recipients: list[str]) -> None:
    recipients = [r for r in recipients if r]
    if recipients:
        transaction.on_commit(lambda: send_mail(subject, body, None, recipients, fail_silently=True))


def _claim_link(claim: Claim) -> str:
    return f"{settings.SITE_URL}{claim.get_desk_url()}"


# ---------------------------------------------------------------- claims

def claim_create(*, actor, quote: str, speaker: Speaker, claim_checked: str = "", source=None,
                 date_said=None, topics=(), checkworthiness=None, imported: bool = False,
                 original_url: str | None = None, tip: Tip | None = None) -> Claim:
    permissions.require(actor, "claim_create")
    with transaction.atomic():
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


# ---------------------------------------------------------------- transitions

def _transition(claim: Claim, actor, action: str, to: str, *, comment: str = "", changes=None) -> Event:
    before = claim.status
    claim.status = to
    claim.version += 1
    claim.save(update_fields=["status", "version", "assignee", "published_at", "review_round", "updated_at"])
    return _event(actor=actor, claim=claim, action=action, before=before, after=to, comment=comment,
                  changes=changes)


def claim_assign(*, claim_id: int, actor, assignee=None) -> Claim:
    """"Assign to me" when no assignee is given; "Assign to…" (editors) otherwise."""
    with transaction.atomic():
        claim = _lock_claim(claim_id)
        assignee = assignee or actor
        action = "assign_self" if assignee == actor and claim.status == Status.LOGGED else "assign"
        permissions.require(actor, action, claim)
        if not permissions.is_desk_member(assignee):
            raise Invalid("Claims can only be assigned to journalists and editors.",
                          errors={"assignee": ["Choose a journalist or an editor."]})
        before = display_name(claim.assignee) if claim.assignee else None
        claim.assignee = assignee
        changes = {"assignee": [before, display_name(assignee)]}
        if claim.status == Status.LOGGED:
            _transition(claim, actor, "assigned", Status.RESEARCHING, changes=changes)
        else:
            claim.version += 1
            claim.save(update_fields=["assignee", "version", "updated_at"])
            _event(actor=actor, claim=claim, action="reassigned", changes=changes)
    return claim


def missing_for_submission(claim: Claim) -> list[str]:
    verdict = Verdict.objects.filter(claim=claim).first()
    missing = []
    if verdict is None or verdict.rating_id is None:
        missing.append("a rating")
    if verdict is None or not verdict.conclusion.strip():
        missing.append("a conclusion")
    if not claim.evidence.exists():
        missing.append("at least one piece of evidence")
    return missing


def claim_submit(*, claim_id: int, actor, comment: str = "") -> Claim:
    with transaction.atomic():
        claim = _lock_claim(claim_id)
        permissions.require(actor, "submit", claim)
        missing = missing_for_submission(claim)
        if missing:
            raise Invalid("Before submitting, add " + ", ".join(missing) + ".", errors={"__all__": missing})
        Verdict.objects.filter(claim=claim).update(submitted_by=actor, submitted_at=timezone.now())
        _transition(claim, actor, "submitted", Status.IN_REVIEW, comment=comment)
        editors = get_user_model().objects.filter(groups__name="Editors", is_active=True).exclude(pk=actor.pk)
        _on_commit_mail(
            f"For review: {claim.claim_checked or claim.quote[:60]}",
            f"{display_name(actor)} submitted a verdict for review.\n\n{_claim_link(claim)}\n",
            list(editors.values_list("email", flat=True)),
        )
    return claim


def verdict_changers(claim: Claim) -> set[int]:
    """Who submitted or changed the verdict in the current round: they may not approve it."""
    return set(
        Event.objects.filter(
            claim=claim, review_round=claim.review_round, action__in=("verdict_saved", "submitted")
        ).exclude(actor=None).values_list("actor_id", flat=True)
    )


def approvals_in_round(claim: Claim) -> int:
    return ReviewVote.objects.filter(claim=claim, round=claim.review_round,
                                     decision=ReviewVote.Decision.APPROVE).count()


def can_approve(user, claim: Claim) -> bool:
    return permissions.can(user, "approve", claim) and user.pk not in verdict_changers(claim)


def review_approve(*, claim_id: int, actor, comment: str = "") -> Claim:
    from django.core.exceptions import PermissionDenied

    with transaction.atomic():
        claim = _lock_claim(claim_id)
        permissions.require(actor, "approve", claim)
        if actor.pk in verdict_changers(claim):
            raise PermissionDenied("You submitted or changed this verdict: another editor must approve it.")
        if ReviewVote.objects.filter(claim=claim, round=claim.review_round, editor=actor,
                                     decision=ReviewVote.Decision.APPROVE).exists():
            return claim  # the same editor approving twice counts once
        ReviewVote.objects.create(claim=claim, round=claim.review_round, editor=actor,
                                  decision=ReviewVote.Decision.APPROVE, comment=comment)
        approvals = approvals_in_round(claim)
        needed = settings.REVIEW_APPROVALS_REQUIRED
        if approvals < needed:
            _event(actor=actor, claim=claim, action="approved", comment=comment,
                   changes={"approvals": [approvals - 1, approvals]})
            return claim
        verdict = Verdict.objects.select_for_update().get(claim=claim)
        now = timezone.now()
        verdict.published_at = verdict.published_at or now
        verdict.save(update_fields=["published_at"])
        claim.published_at = claim.published_at or now
        _transition(claim, actor, "published", Status.PUBLISHED, comment=comment,
                    changes={"approvals": [approvals - 1, approvals]})
        _notify_author(claim, verdict, "Published", f"{display_name(actor)} approved your verdict.")
    return claim


def _notify_author(claim: Claim, verdict: Verdict, subject: str, body: str) -> None:
    author = verdict.author or verdict.submitted_by
    if author is not None:
        _on_commit_mail(f"{subject}: {claim.claim_checked or claim.quote[:60]}",
                        f"{body}\n\n{_claim_link(claim)}\n", [author.email])


def review_request_changes(*, claim_id: int, actor, comment: str) -> Claim:
    with transaction.atomic():
        claim = _lock_claim(claim_id)
        permissions.require(actor, "request_changes", claim)
        if not comment or not comment.strip():
            raise Invalid("Say what needs to change.", errors={"comment": ["Say what needs to change."]})
        ReviewVote.objects.create(claim=claim, round=claim.review_round, editor=actor,
                                  decision=ReviewVote.Decision.REQUEST_CHANGES, comment=comment)
        _transition(claim, actor, "changes_requested", Status.RESEARCHING, comment=comment)
        claim.review_round += 1  # ends the round: its approvals no longer count
        claim.save(update_fields=["review_round"])
        verdict = Verdict.objects.filter(claim=claim).first()
        if verdict:
            _notify_author(claim, verdict, "Changes requested", f"{display_name(actor)} asks for changes:\n\n{comment}")
    return claim


def _require_note(note: str, field: str = "note") -> None:
    if not note or not note.strip():
        raise Invalid("A public note is required.", errors={field: ["A public note is required."]})


def claim_dismiss(*, claim_id: int, actor, reason: str) -> Claim:
    with transaction.atomic():
        claim = _lock_claim(claim_id)
        permissions.require(actor, "dismiss", claim)
        if not reason or not reason.strip():
            raise Invalid("Give a reason.", errors={"reason": ["Give a reason."]})
        _transition(claim, actor, "dismissed", Status.DISMISSED, comment=reason)
    return claim


def claim_reopen(*, claim_id: int, actor, comment: str = "") -> Claim:
    with transaction.atomic():
        claim = _lock_claim(claim_id)
        permissions.require(actor, "reopen", claim)
        _transition(claim, actor, "reopened", Status.LOGGED, comment=comment)
    return claim


def claim_retract(*, claim_id: int, actor, note: str) -> Claim:
    with transaction.atomic():
        claim = _lock_claim(claim_id)
        permissions.require(actor, "retract", claim)
        _require_note(note)
        Correction.objects.create(claim=claim, kind=Correction.Kind.RETRACTION, note=note,
                                  previous={"status": claim.status}, created_by=actor)
        _transition(claim, actor, "retracted", Status.RETRACTED, comment=note)
    return claim


def verdict_correct(*, claim_id: int, actor, kind: str, note: str, data: dict[str, Any],
                    evidence: dict[str, Any] | None = None) -> Correction:
    """The only change a published check allows: rating, conclusion, analysis and evidence, with a
    public note. The values before the change are kept on the Correction, machine-readable."""
    with transaction.atomic():
        claim = _lock_claim(claim_id)
        permissions.require(actor, "correct", claim)
        _require_note(note)
        if kind not in Correction.PUBLIC_KINDS:
            raise Invalid("Choose the kind of change.",
                          errors={"kind": ["Choose correction, update or clarification."]})
        verdict = Verdict.objects.select_for_update().get(claim=claim)
        previous = {
            "rating": verdict.rating.label if verdict.rating else None,
            "rating_value": verdict.rating.value if verdict.rating else None,
            "conclusion": verdict.conclusion,
            "analysis": verdict.analysis,
            "evidence": [{"title": e.title, "url": e.url, "stance": e.stance} for e in claim.evidence.all()],
        }
        changes = _apply(verdict, data, VERDICT_FIELDS)
        if evidence:
            last = claim.evidence.aggregate(m=Max("position"))["m"]
            row = Evidence(claim=claim, added_by=actor, position=(last or 0) + 1)
            row_changes = _apply(row, evidence, EVIDENCE_FIELDS)
            row.save()
            changes["evidence"] = [None, row_changes.get("title", [None, row.title])[1]]
        if not changes:
            raise Invalid("Change the rating, conclusion, analysis or evidence, or there is nothing to correct.",
                          errors={"__all__": ["Nothing was changed."]})
        verdict.version += 1
        verdict.save()
        correction = Correction.objects.create(claim=claim, kind=kind, note=note, previous=previous,
                                               created_by=actor)
        claim.version += 1
        claim.save(update_fields=["version", "updated_at"])
        if "conclusion" in changes:
            refresh_search_vectors([claim.pk])
        _event(actor=actor, claim=claim, action="corrected", changes=changes, comment=note)
    return correction


# ---------------------------------------------------------------- rating scale

RATING_FIELDS = ("label", "value", "definition", "colour")


def rating_save(*, actor, data: dict[str, Any], rating_id: int | None = None) -> Rating:
    permissions.require(actor, "ratings_manage")
    with transaction.atomic():
        if rating_id:
            rating = Rating.objects.select_for_update().get(pk=rating_id)
        else:
            last = Rating.objects.aggregate(m=Max("position"))["m"]
            rating = Rating(slug=_unique_slug(Rating, data["label"], 60), position=(last or 0) + 1)
        changes = _apply(rating, data, RATING_FIELDS)
        if changes or rating_id is None:
            rating.save()
            _event(actor=actor, claim=None, action="rating_updated" if rating_id else "rating_added",
                   changes=changes, comment=rating.label)
    return rating


def rating_move(*, actor, rating_id: int, direction: str) -> None:
    permissions.require(actor, "ratings_manage")
    with transaction.atomic():
        rows = list(Rating.objects.select_for_update().order_by("position", "id"))
        index = next((i for i, r in enumerate(rows) if r.pk == rating_id), None)
        if index is None:
            raise WrongState("This rating no longer exists.")
        target = index - 1 if direction == "up" else index + 1
        if direction not in ("up", "down") or not 0 <= target < len(rows):
            return
        before = [r.label for r in rows]
        rows[index], rows[target] = rows[target], rows[index]
        for position, row in enumerate(rows):
            if row.position != position:
                row.position = position
                row.save(update_fields=["position"])
        _event(actor=actor, claim=None, action="ratings_reordered",
               changes={"order": [before, [r.label for r in rows]]})


def rating_retire(*, actor, rating_id: int, retired: bool = True) -> Rating:
    permissions.require(actor, "ratings_manage")
    with transaction.atomic():
        rating = Rating.objects.select_for_update().get(pk=rating_id)
        if rating.retired != retired:
            rating.retired = retired
            rating.save(update_fields=["retired"])
            _event(actor=actor, claim=None, action="rating_retired" if retired else "rating_restored",
                   changes={"retired": [not retired, retired]}, comment=rating.label)
    return rating


def rating_delete(*, actor, rating_id: int) -> None:
    """Only a rating no verdict uses may go; one in use can only be retired."""
    permissions.require(actor, "ratings_manage")
    with transaction.atomic():
        rating = Rating.objects.select_for_update().get(pk=rating_id)
        if Verdict.objects.filter(rating=rating).exists() or Correction.objects.filter(
                previous__rating=rating.label).exists():
            raise WrongState(f"“{rating.label}” is used by verdicts: retire it instead of deleting it.")
        label = rating.label
        rating.delete()
        _event(actor=actor, claim=None, action="rating_deleted", changes={"label": [label, None]}, comment=label)


# ---------------------------------------------------------------- speakers, tips

def speaker_create(*, actor, data: dict[str, Any]) -> Speaker:
    permissions.require(actor, "speaker_edit")
    with transaction.atomic():
        speaker = Speaker(slug=_unique_slug(Speaker, data["name"]))
        changes = _apply(speaker, data, SPEAKER_FIELDS)
        speaker.save()
        _event(actor=actor, claim=None, action="speaker_created", changes=changes, comment=speaker.name)
    return speaker


def speaker_update(*, speaker_id: int, actor, data: dict[str, Any]) -> Speaker:
    permissions.require(actor, "speaker_edit")
    with transaction.atomic():
        speaker = Speaker.objects.select_for_update().get(pk=speaker_id)
        changes = _apply(speaker, data, SPEAKER_FIELDS)
        if changes:
            speaker.save()
            if {"name", "role"} & changes.keys():
                refresh_search_vectors(speaker.claims.values_list("pk", flat=True))
            _event(actor=actor, claim=None, action="speaker_updated", changes=changes, comment=speaker.name)
    return speaker


def speaker_merge(*, keep_id: int, duplicate_id: int, actor) -> Speaker:
    """Move the duplicate's claims to the kept speaker, then delete the duplicate."""
    permissions.require(actor, "speaker_merge")
    if keep_id == duplicate_id:
        raise Invalid("Choose two different speakers.", errors={"duplicate": ["Choose two different speakers."]})
    with transaction.atomic():
        speakers = {s.pk: s for s in Speaker.objects.select_for_update().filter(pk__in=[keep_id, duplicate_id])}
        if len(speakers) != 2:
            raise WrongState("One of these speakers no longer exists.")
        keep, duplicate = speakers[keep_id], speakers[duplicate_id]
        moved = list(Claim.objects.select_for_update().filter(speaker=duplicate).values_list("pk", flat=True))
        Claim.objects.filter(pk__in=moved).update(speaker=keep)
        refresh_search_vectors(moved)
        _event(actor=actor, claim=None, action="speaker_merged", comment=f"{duplicate.name} → {keep.name}",
               changes={"speaker": [duplicate.name, keep.name], "claims": [moved, moved]})
        for claim in Claim.objects.filter(pk__in=moved):
            _event(actor=actor, claim=claim, action="speaker_merged",
                   changes={"speaker": [duplicate.name, keep.name]})
        duplicate.delete()
    return keep


def source_save(*, actor, data: dict[str, Any], source_id: int | None = None):
    from claims.models import Source

    permissions.require(actor, "speaker_edit")
    fields = ("title", "url", "outlet", "published_on", "kind", "full_text")
    with transaction.atomic():
        source = Source.objects.select_for_update().get(pk=source_id) if source_id else Source()
        changes = _apply(source, data, fields)
        if changes or source_id is None:
            source.save()
            _event(actor=actor, claim=None, action="source_updated" if source_id else "source_created",
                   changes=changes, comment=source.title[:200])
    return source


def topic_save(*, actor, name: str, topic_id: int | None = None):
    from claims.models import Topic

    permissions.require(actor, "speaker_edit")
    with transaction.atomic():
        topic = Topic.objects.select_for_update().get(pk=topic_id) if topic_id else Topic(
            slug=_unique_slug(Topic, name))
        changes = _apply(topic, {"name": name}, ("name",))
        if changes or topic_id is None:
            topic.save()
            _event(actor=actor, claim=None, action="topic_updated" if topic_id else "topic_created",
                   changes=changes, comment=topic.name)
    return topic


def tip_dismiss(*, tip_id: int, actor) -> Tip:
    permissions.require(actor, "tip_manage")
    with transaction.atomic():
        tip = Tip.objects.select_for_update().get(pk=tip_id)
        if tip.status != Tip.TipStatus.NEW:
            raise WrongState("This tip has already been handled.")
        tip.status = Tip.TipStatus.DISMISSED
        tip.save(update_fields=["status"])
        _event(actor=actor, claim=None, action="tip_dismissed", comment=tip.text[:200],
               changes={"status": [Tip.TipStatus.NEW, Tip.TipStatus.DISMISSED]})
    return tip


def tip_create(*, text: str, url: str = "", email: str = "") -> Tip:
    return Tip.objects.create(text=text, url=url, email=email)


def rating_by_slug(slug: str) -> Rating:
    return Rating.objects.get(slug=slug)

