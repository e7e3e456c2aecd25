"""The audit trail: one ``record_event`` for every write, with every action registered once.

An action not in ``ACTIONS`` is a programming error (KeyError), so the history never shows an
action nobody named. The labels are what the history timeline says after the person's name.
"""

from __future__ import annotations

from collections.abc import Iterable

from claims import webhooks
from claims.models import PUBLIC_STATUSES, Claim, Event

ACTIONS: dict[str, str] = {
    # claims and their parts
    "claim_created": "logged the claim",
    "claim_updated": "edited the claim",
    "logged_as_new": "logged this as a new claim",
    "appearance_added": "added an appearance",
    "appearance_accepted": "accepted an appearance",
    "merged": "merged this claim into another",
    "merged_in": "merged another claim into this one",
    "evidence_added": "added evidence",
    "evidence_updated": "edited evidence",
    "evidence_removed": "removed evidence",
    "evidence_moved": "reordered evidence",
    "verdict_saved": "saved the verdict",
    "note_added": "added a note",
    "note_replied": "replied to a note",
    "note_resolved": "resolved a note",
    "reply_logged": "logged a contact",
    "tip_converted": "converted a tip",
    # the workflow
    "assigned": "assigned the claim",
    "reassigned": "reassigned the claim",
    "submitted": "submitted for review",
    "consistency_stated": "said how this verdict relates to a past ruling",
    "approved": "approved",
    "published": "approved and published",
    "changes_requested": "requested changes",
    "dismissed": "dismissed",
    "reopened": "reopened",
    "retracted": "retracted",
    "corrected": "corrected",
    # the directory: on the claims whose public page shows it, and once without a claim
    "speaker_created": "added a speaker",
    "speaker_updated": "edited the speaker",
    "speaker_merged": "merged speakers",
    "source_created": "added a source",
    "source_updated": "edited the source",
    "topic_created": "added a topic",
    "topic_updated": "renamed the topic",
    "tip_dismissed": "dismissed a tip",
    "rating_added": "added a rating",
    "rating_updated": "edited a rating",
    "ratings_reordered": "reordered the ratings",
    "rating_retired": "retired a rating",
    "rating_restored": "restored a rating",
    "rating_deleted": "deleted a rating",
    "archive_imported": "imported archive records",
    "ratings_mapped": "said what publishers' ratings mean on our scale",
    # the desk's own settings: nothing a reader sees
    "token_created": "created an API token",
    "token_revoked": "revoked an API token",
    "webhook_added": "added a webhook endpoint",
    "webhook_disabled": "disabled a webhook endpoint",
    "webhook_enabled": "enabled a webhook endpoint",
    "webhook_deleted": "deleted a webhook endpoint",
}
# Actions without a claim that no public page shows: they leave the public cache alone.
PRIVATE_ACTIONS = frozenset({"token_created", "token_revoked", "webhook_added", "webhook_disabled",
                             "webhook_enabled", "webhook_deleted"})

def invalidate_public_pages_on_commit(keys: Iterable[str] = ("site",)) -> None:
    """Every worker drops its cached public pages once this transaction commits, and the CDN in
    front, if any, purges the pages with these surrogate keys (claims.cdn; the default: every page)."""
    from claims.cdn import purge_on_commit
    from claims.public_cache import bump_on_commit

    keys = list(keys)
    bump_on_commit(keys)
    purge_on_commit(keys)


def public_keys(action: str, claims: Iterable[Claim] = ()) -> list[str]:
    """The surrogate keys a change purges: a check's own page and every listing; a change without a
    check, every page when it is the rating scale (shown on every page), else the listings."""
    keys = [f"claim-{claim.pk}" for claim in claims]
    if keys or not action.startswith("rating"):
        return [*keys, "listings"]
    return ["site"]


def _actor(actor):
    return actor if actor is not None and actor.is_authenticated else None


def record_event(*, actor, action: str, claim: Claim | None = None, changes: dict | None = None,
                 comment: str = "", before: str | None = None, after: str | None = None) -> Event:
    """Write one Event; when readers may see the change, their cached pages go after commit."""
    if action not in ACTIONS:
        raise KeyError(f"Unregistered event action {action!r}")
    current = claim.status if claim else ""
    if ((claim is None and action not in PRIVATE_ACTIONS) or (claim is not None and claim.status in PUBLIC_STATUSES)
            or after in PUBLIC_STATUSES):
        invalidate_public_pages_on_commit(public_keys(action, [claim] if claim else []))
    event = Event.objects.create(
        actor=_actor(actor), claim=claim, action=action,
        status_before=current if before is None else before,
        status_after=current if after is None else after,
        changes=changes or {}, comment=comment,
        review_round=claim.review_round if claim else None,
    )
    webhooks.emit(event)  # published, corrected, retracted and new appearances reach subscribed endpoints
    return event


def record_event_on_claims(*, actor, action: str, claims: Iterable[Claim], changes: dict | None = None,
                           comment: str = "") -> int:
    """The same Event on many claims in one statement (a speaker renamed on every check it is on)."""
    if action not in ACTIONS:
        raise KeyError(f"Unregistered event action {action!r}")
    rows = [Event(actor=_actor(actor), claim=claim, action=action, status_before=claim.status,
                  status_after=claim.status, changes=changes or {}, comment=comment,
                  review_round=claim.review_round) for claim in claims]
    if rows:
        Event.objects.bulk_create(rows)
        invalidate_public_pages_on_commit(public_keys(action, [row.claim for row in rows]))
    return len(rows)


def action_label(action: str) -> str:
    return ACTIONS.get(action, action.replace("_", " "))
