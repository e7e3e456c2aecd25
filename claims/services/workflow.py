"""Moving a claim through the workflow: assign, submit, review, publish, correct, retract, dismiss."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from claims import permissions
from claims.archiving.store import archive_evidence
from claims.consistency import conflicting_rulings, statement_errors
from claims.errors import Invalid
from claims.models import (
    Annotation,
    Appearance,
    Claim,
    ConsistencyNote,
    Correction,
    Event,
    Evidence,
    ReviewVote,
    Status,
    Submission,
    Verdict,
    display_name,
)
from claims.search import refresh_search_vectors
from claims.services.common import (
    EVIDENCE_FIELDS,
    VERDICT_FIELDS,
    apply_changes,
    claim_link,
    lock_claim,
    mail_on_commit,
    record_event,
)

CLAIM_TEXT_FIELDS = ("quote", "claim_checked")  # what "Correct" may change of the claim itself

# ---------------------------------------------------------------- transitions

def _transition(claim: Claim, actor, action: str, to: str, *, comment: str = "", changes=None) -> Event:
    before = claim.status
    claim.status = to
    claim.version += 1
    claim.save(update_fields=["status", "version", "assignee", "published_at", "review_round", "updated_at"])
    return record_event(actor=actor, claim=claim, action=action, before=before, after=to, comment=comment,
                  changes=changes)


def claim_assign(*, claim_id: int, actor, assignee=None) -> Claim:
    """"Assign to me" when no assignee is given; "Assign to…" (editors) otherwise."""
    with transaction.atomic():
        claim = lock_claim(claim_id)
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
            record_event(actor=actor, claim=claim, action="reassigned", changes=changes)
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


def verdict_snapshot(claim: Claim, verdict: Verdict | None) -> dict:
    """The verdict as submitted: what the reviewer approves, and what the next round is compared with."""
    rating = verdict.rating if verdict else None
    return {
        "rating": rating.label if rating else None, "rating_id": rating.pk if rating else None,
        "conclusion": verdict.conclusion if verdict else "", "analysis": verdict.analysis if verdict else "",
        "evidence": [{"id": e.pk, "title": e.title, "url": e.url, "publisher": e.publisher, "stance": e.stance,
                      "passage": e.passage, "note": e.note} for e in claim.evidence.order_by("position", "id")],
    }


def _state_consistency(claim: Claim, actor, action: str, statements: dict | None, show_publicly: bool,
                       verdict: Verdict | None) -> None:
    """The consistency gate: refuse (422) until every differently rated past ruling has a statement."""
    rulings = conflicting_rulings(claim, verdict)
    if not rulings:
        return
    errors = statement_errors(rulings, statements or {})
    if errors:
        raise Invalid("Earlier checks of a matching claim have another rating: say how this verdict relates to "
                      "each of them.", errors=errors)
    said = []
    for ruling in rulings:
        statement = statements[ruling.claim.pk]
        differs = statement["relation"] == ConsistencyNote.Relation.DIFFERS
        ConsistencyNote.objects.create(
            claim=claim, round=claim.review_round, past_claim=ruling.claim, past_rating=ruling.rating.label,
            rating=verdict.rating.label, relation=statement["relation"], reason=statement["reason"] if differs else "",
            show_publicly=show_publicly and differs, author=actor, action=action)
        note = f"differs: {statement['reason']}" if differs else "consistent with it"
        said.append(f"Claim {ruling.claim.pk} ({ruling.rating.label}): {note}")
    record_event(actor=actor, claim=claim, action="consistency_stated", comment="; ".join(said)[:5000],
                 changes={"rating": [verdict.rating.label, verdict.rating.label]})


def claim_submit(*, claim_id: int, actor, comment: str = "", consistency: dict | None = None) -> Claim:
    with transaction.atomic():
        claim = lock_claim(claim_id)
        permissions.require(actor, "submit", claim)
        missing = missing_for_submission(claim)
        if missing:
            raise Invalid("Before submitting, add " + ", ".join(missing) + ".", errors={"__all__": missing})
        verdict = Verdict.objects.select_related("rating").get(claim=claim)
        _state_consistency(claim, actor, "submit", consistency, False, verdict)
        Verdict.objects.filter(claim=claim).update(submitted_by=actor, submitted_at=timezone.now())
        Submission.objects.create(claim=claim, round=claim.review_round, submitted_by=actor,
                                  snapshot=verdict_snapshot(claim, verdict))
        _transition(claim, actor, "submitted", Status.IN_REVIEW, comment=comment)
        editors = get_user_model().objects.filter(groups__name="Editors", is_active=True).exclude(pk=actor.pk)
        mail_on_commit(
            f"For review: {claim.claim_checked or claim.quote[:60]}",
            f"{display_name(actor)} submitted a verdict for review.\n\n{claim_link(claim)}\n",
            list(editors.values_list("email", flat=True)),
        )
    return claim


def approvals_in_round(claim: Claim) -> int:
    return ReviewVote.objects.filter(claim=claim, round=claim.review_round,
                                     decision=ReviewVote.Decision.APPROVE).count()


def review_approve(*, claim_id: int, actor, comment: str = "", consistency: dict | None = None,
                   show_publicly: bool = False) -> Claim:
    """One editor's approval; the last one the quorum needs publishes. The four-eyes rule
    (``permissions.can_approve``) answers 403 to anyone who wrote the verdict."""
    with transaction.atomic():
        claim = lock_claim(claim_id)
        permissions.require(actor, "approve", claim)
        if ReviewVote.objects.filter(claim=claim, round=claim.review_round, editor=actor,
                                     decision=ReviewVote.Decision.APPROVE).exists():
            return claim  # the same editor approving twice counts once
        verdict = Verdict.objects.select_for_update(of=("self",)).select_related("rating").get(claim=claim)
        _state_consistency(claim, actor, "approve", consistency, show_publicly, verdict)
        ReviewVote.objects.create(claim=claim, round=claim.review_round, editor=actor,
                                  decision=ReviewVote.Decision.APPROVE, comment=comment)
        approvals = approvals_in_round(claim)
        needed = settings.REVIEW_APPROVALS_REQUIRED
        if approvals < needed:
            record_event(actor=actor, claim=claim, action="approved", comment=comment,
                         changes={"approvals": [approvals - 1, approvals]})
            return claim
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
        mail_on_commit(f"{subject}: {claim.claim_checked or claim.quote[:60]}",
                        f"{body}\n\n{claim_link(claim)}\n", [author.email])


def review_request_changes(*, claim_id: int, actor, comment: str) -> Claim:
    with transaction.atomic():
        claim = lock_claim(claim_id)
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
        claim = lock_claim(claim_id)
        permissions.require(actor, "dismiss", claim)
        if not reason or not reason.strip():
            raise Invalid("Give a reason.", errors={"reason": ["Give a reason."]})
        _transition(claim, actor, "dismissed", Status.DISMISSED, comment=reason)
    return claim


def claim_reopen(*, claim_id: int, actor, comment: str = "") -> Claim:
    with transaction.atomic():
        claim = lock_claim(claim_id)
        permissions.require(actor, "reopen", claim)
        _transition(claim, actor, "reopened", Status.LOGGED, comment=comment)
    return claim


def claim_retract(*, claim_id: int, actor, note: str) -> Claim:
    with transaction.atomic():
        claim = lock_claim(claim_id)
        permissions.require(actor, "retract", claim)
        _require_note(note)
        Correction.objects.create(claim=claim, kind=Correction.Kind.RETRACTION, note=note,
                                  previous={"status": claim.status}, created_by=actor)
        _transition(claim, actor, "retracted", Status.RETRACTED, comment=note)
    return claim


def verdict_correct(*, claim_id: int, actor, kind: str, note: str, data: dict[str, Any],
                    evidence: dict[str, Any] | None = None) -> Correction:
    """The only change a published check allows: the quote and the claim as checked, the rating,
    conclusion, analysis and evidence, with a public note. The values before the change are kept
    on the Correction, machine-readable."""
    with transaction.atomic():
        claim = lock_claim(claim_id)
        permissions.require(actor, "correct", claim)
        _require_note(note)
        if kind not in Correction.PUBLIC_KINDS:
            raise Invalid("Choose the kind of change.",
                          errors={"kind": ["Choose correction, update or clarification."]})
        verdict = Verdict.objects.select_for_update(of=("self",)).select_related("rating").get(claim=claim)
        previous = {
            "quote": claim.quote,
            "claim_checked": claim.claim_checked,
            "rating": verdict.rating.label if verdict.rating else None,
            "rating_value": verdict.rating.value if verdict.rating else None,
            "conclusion": verdict.conclusion,
            "analysis": verdict.analysis,
            "evidence": [{"title": e.title, "url": e.url, "stance": e.stance} for e in claim.evidence.all()],
        }
        old_quote = claim.quote
        claim_changes = apply_changes(claim, {k: v for k, v in data.items() if k in CLAIM_TEXT_FIELDS and v},
                                      CLAIM_TEXT_FIELDS)
        changes = {**claim_changes, **apply_changes(verdict, data, VERDICT_FIELDS)}
        if evidence:
            last = claim.evidence.aggregate(m=Max("position"))["m"]
            row = Evidence(claim=claim, added_by=actor, position=(last or 0) + 1)
            row_changes = apply_changes(row, evidence, EVIDENCE_FIELDS)
            row.save()
            archive_evidence(row)
            changes["evidence"] = [None, row_changes.get("title", [None, row.title])[1]]
        if not changes:
            raise Invalid("Change the quote, the claim as checked, the rating, conclusion, analysis or evidence, "
                          "or there is nothing to correct.", errors={"__all__": ["Nothing was changed."]})
        verdict.version += 1
        verdict.save()
        correction = Correction.objects.create(claim=claim, kind=kind, note=note, previous=previous,
                                               created_by=actor)
        claim.version += 1
        claim.revised_at = correction.created_at
        claim.save(update_fields=["version", "revised_at", "updated_at", *claim_changes])
        if claim.quote != old_quote:
            Annotation.objects.filter(claim=claim, end__gt=len(claim.quote), detached=False).update(detached=True)
            Appearance.objects.filter(claim=claim, primary=True).update(quote=claim.quote)
        if {"conclusion", "quote", "claim_checked"} & changes.keys():
            refresh_search_vectors([claim.pk])
        record_event(actor=actor, claim=claim, action="corrected", changes=changes, comment=note)
    return correction
