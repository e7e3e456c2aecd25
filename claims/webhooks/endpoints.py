"""Editors' writes on webhook endpoints: add, send a test event, disable, enable, delete.

Each checks ``webhook_manage`` first (services check again whatever the view did). An address is
judged by the fetcher's policy when added (here) and again at every delivery, since its name may
resolve elsewhere later.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from claims import fetch, permissions
from claims.errors import Invalid, WrongState
from claims.events import record_event
from claims.models import WebhookDelivery, WebhookEndpoint, display_name
from claims.services.common import lock_row
from claims.webhooks import TEST_EVENT, enqueue
from claims.webhooks.payloads import test_payload
from claims.webhooks.signing import new_secret

GONE = "This webhook endpoint no longer exists."


def endpoint_add(*, actor, url: str, events: list[str], description: str = "") -> WebhookEndpoint:
    permissions.require(actor, "webhook_manage")
    try:
        fetch.check_address(url, https_only=True)
    except fetch.FetchError as refused:
        message = refused.message.replace("cannot be fetched", "cannot receive webhooks")
        raise Invalid(message, errors={"url": [message]}) from None
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.create(url=url.strip(), events=sorted(set(events)),
                                                  description=description, secret=new_secret(), created_by=actor)
        record_event(actor=actor, action="webhook_added",
                     changes={"url": [None, endpoint.url], "events": [None, endpoint.events]})
        return endpoint


def endpoint_test(*, endpoint_id: int, actor) -> WebhookDelivery:
    """A ``webhook.test`` delivery, sent like any other (signed, logged, retried)."""
    permissions.require(actor, "webhook_manage")
    with transaction.atomic():
        endpoint = lock_row(WebhookEndpoint, endpoint_id, GONE)
        if not endpoint.active:
            raise WrongState("This endpoint is disabled: enable it before sending a test event.")
        return enqueue([endpoint.pk], TEST_EVENT, test_payload(endpoint.url, display_name(actor)))[0]


def endpoint_disable(*, endpoint_id: int, actor) -> WebhookEndpoint:
    """Stop sending. ``disabled_reason`` stays empty: only a disabling nobody chose gets a banner."""
    permissions.require(actor, "webhook_manage")
    with transaction.atomic():
        endpoint = lock_row(WebhookEndpoint, endpoint_id, GONE)
        if endpoint.active:
            endpoint.active, endpoint.disabled_at, endpoint.disabled_reason = False, timezone.now(), ""
            endpoint.save(update_fields=["active", "disabled_at", "disabled_reason"])
            record_event(actor=actor, action="webhook_disabled", changes={"url": [endpoint.url, endpoint.url]})
        return endpoint


def endpoint_enable(*, endpoint_id: int, actor) -> WebhookEndpoint:
    """Send again, with a clean slate: its failures so far no longer count towards disabling it."""
    permissions.require(actor, "webhook_manage")
    with transaction.atomic():
        endpoint = lock_row(WebhookEndpoint, endpoint_id, GONE)
        if not endpoint.active:
            endpoint.active, endpoint.disabled_at, endpoint.disabled_reason = True, None, ""
            endpoint.consecutive_failures, endpoint.failing_since = 0, None
            endpoint.save(update_fields=["active", "disabled_at", "disabled_reason", "consecutive_failures",
                                         "failing_since"])
            record_event(actor=actor, action="webhook_enabled", changes={"url": [endpoint.url, endpoint.url]})
        return endpoint


def endpoint_delete(*, endpoint_id: int, actor) -> str:
    """Delete the endpoint and its delivery log; jobs still queued for it find nothing to send."""
    permissions.require(actor, "webhook_manage")
    with transaction.atomic():
        endpoint = lock_row(WebhookEndpoint, endpoint_id, GONE)
        url = endpoint.url
        endpoint.delete()
        record_event(actor=actor, action="webhook_deleted", changes={"url": [url, None]})
        return url
