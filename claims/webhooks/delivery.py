"""One delivery attempt, and what it does to the delivery log and to its endpoint.

2xx is delivered; anything else (a redirect too: webhooks follow none) or no answer at all is a
failed attempt, and the job raises so procrastinate retries it later. A delivery that used its
last attempt is failed, and so is its job (listed for editors on /desk/jobs/, whose "Retry" sends it
once more). An endpoint whose last ``DISABLE_AFTER_FAILURES`` deliveries failed, or that
has been failing for ``DISABLE_AFTER_FAILING_FOR``, is disabled and the editors are told by mail
and by a banner on the webhooks page. The request is made outside any transaction: no row stays
locked while a slow endpoint makes up its mind.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from claims import fetch
from claims.models import WebhookDelivery, WebhookEndpoint
from claims.setup import EDITORS
from claims.webhooks.signing import body_of, signed_headers

DISABLE_AFTER_FAILURES = 20
DISABLE_AFTER_FAILING_FOR = dt.timedelta(days=3)
TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True)
class Outcome:
    delivered: bool
    skipped: bool = False  # nothing to send any more: delivered already, deleted, or endpoint disabled
    error: str = ""


def delivery_attempt(delivery_id: int, *, last_attempt: bool) -> Outcome:
    """Send a pending delivery once and record how it went."""
    delivery = WebhookDelivery.objects.select_related("endpoint").filter(pk=delivery_id).first()
    if delivery is None or delivery.state == WebhookDelivery.State.SUCCEEDED:
        return Outcome(delivered=delivery is not None, skipped=True)
    endpoint = delivery.endpoint
    if not endpoint.active:
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            state=WebhookDelivery.State.FAILED, error="Not sent: the endpoint is disabled.")
        return Outcome(delivered=False, skipped=True, error="disabled")

    code, error = _send(endpoint, delivery)
    delivered = code is not None and 200 <= code < 300
    with transaction.atomic():
        now = timezone.now()
        endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        state = (WebhookDelivery.State.SUCCEEDED if delivered
                 else WebhookDelivery.State.FAILED if last_attempt else WebhookDelivery.State.PENDING)
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            state=state, attempts=F("attempts") + 1, response_code=code, error=error[:300], last_attempt_at=now)
        if delivered:
            endpoint.consecutive_failures, endpoint.failing_since = 0, None
        else:
            endpoint.failing_since = endpoint.failing_since or now
            if last_attempt:
                endpoint.consecutive_failures += 1
            reason = _reason_to_disable(endpoint, now)
            if reason and endpoint.active:
                _disable(endpoint, reason, now)
        endpoint.save(update_fields=["consecutive_failures", "failing_since", "active", "disabled_at",
                                     "disabled_reason"])
    return Outcome(delivered=delivered, error=error)


def _send(endpoint: WebhookEndpoint, delivery: WebhookDelivery) -> tuple[int | None, str]:
    body = body_of(delivery.payload)
    headers = signed_headers(endpoint.secret, delivery.message_id, body)
    try:
        answer = fetch.post(endpoint.url, body, headers, deadline=TIMEOUT_SECONDS)
    except fetch.FetchError as failure:
        return None, failure.message
    if 200 <= answer.status < 300:
        return answer.status, ""
    if 300 <= answer.status < 400:
        return answer.status, f"The endpoint answered with a redirect ({answer.status}); webhooks follow none."
    return answer.status, f"The endpoint answered with an error ({answer.status})."


def _reason_to_disable(endpoint: WebhookEndpoint, now: dt.datetime) -> str:
    if endpoint.consecutive_failures >= DISABLE_AFTER_FAILURES:
        return f"Its last {DISABLE_AFTER_FAILURES} deliveries failed."
    if endpoint.failing_since and now - endpoint.failing_since >= DISABLE_AFTER_FAILING_FOR:
        since = date_format(timezone.localtime(endpoint.failing_since), "j M Y, H:i")
        return f"Its deliveries have been failing since {since}."
    return ""


def _disable(endpoint: WebhookEndpoint, reason: str, now: dt.datetime) -> None:
    from claims.services.common import mail_on_commit

    endpoint.active, endpoint.disabled_at, endpoint.disabled_reason = False, now, reason
    editors = get_user_model().objects.filter(Q(groups__name=EDITORS) | Q(is_superuser=True), is_active=True)
    recipients = sorted(set(editors.exclude(email="").values_list("email", flat=True)))
    link = settings.SITE_URL + reverse("desk:webhook", args=[endpoint.pk])
    mail_on_commit(f"Webhook endpoint disabled: {endpoint.url}"[:200],
                   f"The webhook endpoint {endpoint.url} was disabled. {reason}\n\n"
                   f"No more events are sent to it until an editor enables it again:\n{link}\n",
                   recipients)
