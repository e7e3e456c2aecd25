"""Signed webhooks (Standard Webhooks): endpoints, events, deliveries.

Four public changes are told to the endpoints subscribed to them; each comes from the audit trail
(``claims.events.record_event`` calls ``emit``), so a change and its deliveries are written in one
transaction, and the delivery job (``claims.webhooks.tasks``) exists exactly when the change
committed. A payload follows Standard Webhooks' shape: ``type``, ``timestamp`` and ``data``, where
``data`` holds the claim, its ClaimReview (as the public page emits it; ``null`` once retracted) and
the change itself.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from claims.models import WebhookEvent

if TYPE_CHECKING:
    from claims.models import Claim, Event, WebhookDelivery

TEST_EVENT = "webhook.test"

# The audit trail's actions and the webhook event each one is.
EVENT_OF_ACTION = {
    "published": WebhookEvent.CLAIM_PUBLISHED,
    "corrected": WebhookEvent.CLAIM_CORRECTED,
    "retracted": WebhookEvent.CLAIM_RETRACTED,
    "appearance_added": WebhookEvent.APPEARANCE_ADDED,
    "appearance_accepted": WebhookEvent.APPEARANCE_ADDED,
}


def new_message_id() -> str:
    return f"msg_{secrets.token_hex(12)}"


def emit(event: Event) -> int:
    """Deliveries of this audit event to every active endpoint subscribed to it; how many.

    Actions that are no webhook event cost nothing; the others one query when nobody listens, and
    a fixed handful when somebody does, however many endpoints."""
    kind = _webhook_event(event)
    if kind is None:
        return 0
    from claims.models import WebhookEndpoint

    endpoint_ids = list(WebhookEndpoint.objects.filter(active=True, events__contains=[kind])
                        .values_list("pk", flat=True))
    if not endpoint_ids:
        return 0
    from claims.webhooks.payloads import claim_payload

    return len(enqueue(endpoint_ids, kind, claim_payload(kind, event)))


def enqueue(endpoint_ids: list[int], kind: str, payload: dict) -> list[WebhookDelivery]:
    """One pending delivery per endpoint, and its job, in the caller's transaction."""
    from claims.models import WebhookDelivery
    from claims.webhooks.tasks import deliver

    rows = WebhookDelivery.objects.bulk_create(
        WebhookDelivery(endpoint_id=pk, message_id=new_message_id(), event=kind, payload=payload)
        for pk in endpoint_ids)
    deliver.batch_defer(*({"delivery_id": row.pk} for row in rows))
    return rows


def _webhook_event(event: Event) -> str | None:
    kind = EVENT_OF_ACTION.get(event.action)
    claim: Claim | None = event.claim
    if kind is None or claim is None or not claim.is_public:
        return None
    # A journalist's appearance on a public check waits for an editor: it is told when accepted.
    if event.action == "appearance_added" and event.comment:
        return None
    return kind
