"""What a webhook says: Standard Webhooks' ``type``, ``timestamp`` and ``data``."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils import timezone

from claims import seo
from claims.models import Appearance, Claim, Correction, Event, WebhookEvent


def claim_payload(kind: str, event: Event) -> dict:
    """The claim as readers see it now (two queries; a correction adds one), and the change."""
    claim = (seo.with_scale(Claim.objects.select_related("speaker", "source", "verdict__rating"))
             .prefetch_related(Prefetch("appearances", to_attr="public_appearances",
                                        queryset=Appearance.objects.filter(accepted=True)
                                        .select_related("source")))
             .get(pk=event.claim_id))
    change: dict = {"action": event.action, "changes": event.changes, "comment": event.comment}
    if kind == WebhookEvent.CLAIM_CORRECTED:
        correction = Correction.objects.filter(claim=claim).order_by("-created_at", "-id").first()
        if correction is not None:
            change["correction"] = {"kind": correction.kind, "note": correction.note,
                                    "date": correction.created_at.isoformat()}
    if kind == WebhookEvent.CLAIM_RETRACTED:
        change["retraction"] = {"note": event.comment}
    return {
        "type": kind,
        "timestamp": (event.created_at or timezone.now()).isoformat(),
        "data": {
            "claim": {"id": claim.pk, "url": seo.absolute(claim.get_absolute_url()), "slug": claim.slug,
                      "status": claim.status},
            "claim_review": seo.claim_review(claim) if kind != WebhookEvent.CLAIM_RETRACTED else None,
            "change": change,
        },
    }


def test_payload(endpoint_url: str, sent_by: str) -> dict:
    from claims.webhooks import TEST_EVENT

    return {"type": TEST_EVENT, "timestamp": timezone.now().isoformat(),
            "data": {"endpoint": endpoint_url, "sent_by": sent_by,
                     "message": "A test event from the desk: nothing changed."}}
