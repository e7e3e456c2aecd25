"""Webhooks: the four events out of the audit trail, signed per Standard Webhooks, delivered by jobs
to a real local server, retried with backoff, and endpoints disabled when they keep failing."""

from __future__ import annotations

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup
from django.db import transaction
from django.utils import timezone
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from claims import seo, services
from claims.checks import fetch_allow_networks_in_production
from claims.models import Appearance, Claim, WebhookDelivery, WebhookEndpoint
from claims.webhooks import endpoints
from claims.webhooks.delivery import DISABLE_AFTER_FAILURES, delivery_attempt
from claims.webhooks.signing import new_secret
from claims.webhooks.tasks import MAX_RETRIES
from tests import factories
from tests.jobs import jobs, make_due

pytestmark = pytest.mark.django_db


# --- a receiver on 127.0.0.1 ---------------------------------------------------------------------


class _Receiver(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        state = self.server.state
        state.received.append(SimpleNamespace(path=self.path, headers=dict(self.headers), body=body))
        status = state.statuses.pop(0) if state.statuses else 204
        self.send_response(status)
        if 300 <= status < 400:
            self.send_header("Location", "/elsewhere")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")


@pytest.fixture
def receiver(settings):
    settings.FETCH_ALLOW_NETWORKS = ["127.0.0.0/8"]
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    server.state = SimpleNamespace(received=[], statuses=[])
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    server.state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
    yield server.state
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def endpoint_for(url, events=("claim.published", "claim.corrected", "claim.retracted", "appearance.added"),
                 **kwargs) -> WebhookEndpoint:
    return WebhookEndpoint.objects.create(url=url, events=list(events), secret=new_secret(), **kwargs)


def verified(endpoint: WebhookEndpoint, request) -> dict:
    """What the receiver got, checked as a receiver would check it, with the reference library."""
    return Webhook(endpoint.secret).verify(request.body, request.headers)


@pytest.fixture(autouse=True)
def _one_approval_publishes(settings):
    settings.REVIEW_APPROVALS_REQUIRED = 1


@pytest.fixture
def published(editor) -> Claim:
    claim = factories.ClaimFactory(in_review=True)
    services.review_approve(claim_id=claim.pk, actor=editor)
    return Claim.objects.get(pk=claim.pk)


# --- each event ------------------------------------------------------------------------------------


def test_it_tells_an_endpoint_a_check_was_published_with_its_claimreview(receiver, editor, run_jobs):
    endpoint = endpoint_for(receiver.url)
    claim = factories.ClaimFactory(in_review=True)
    services.review_approve(claim_id=claim.pk, actor=editor)
    assert run_jobs(["webhooks"]) == 1
    [request] = receiver.received
    payload = verified(endpoint, request)
    assert payload["type"] == "claim.published"
    assert payload["data"]["claim"] == {"id": claim.pk, "url": seo.absolute(f"/claims/{claim.slug}/"),
                                        "slug": claim.slug, "status": "published"}
    review = payload["data"]["claim_review"]
    assert review["@type"] == "ClaimReview"
    assert review["claimReviewed"] == claim.claim_checked
    assert review["reviewRating"]["alternateName"] == "Mostly false"
    assert payload["data"]["change"]["action"] == "published"
    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, delivery.attempts, delivery.response_code, delivery.event) == (
        "succeeded", 1, 204, "claim.published")
    assert request.headers["webhook-id"] == delivery.message_id
    assert delivery.message_id.startswith("msg_")


def test_the_payload_carries_the_claimreview_the_public_page_emits(receiver, published, client, run_jobs):
    endpoint = endpoint_for(receiver.url)
    services.verdict_correct(claim_id=published.pk, actor=factories.UserFactory(is_superuser=True),
                             kind="update", note="Newer figures.", data={"conclusion": "Still fewer homes."})
    run_jobs(["webhooks"])
    page = BeautifulSoup(client.get(published.get_absolute_url()).content, "html.parser")
    scripts = [json.loads(tag.string) for tag in page.find_all("script", type="application/ld+json")]
    on_page = [item for item in scripts if isinstance(item, dict) and item.get("@type") == "ClaimReview"]
    assert verified(endpoint, receiver.received[0])["data"]["claim_review"] == on_page[0]


def test_it_tells_an_endpoint_a_check_was_corrected(receiver, published, editor, run_jobs):
    endpoint = endpoint_for(receiver.url)
    services.verdict_correct(claim_id=published.pk, actor=editor, kind="correction", note="The table was revised.",
                             data={"conclusion": "The revised table shows 1,700 homes."})
    assert run_jobs(["webhooks"]) == 1
    payload = verified(endpoint, receiver.received[0])
    assert payload["type"] == "claim.corrected"
    change = payload["data"]["change"]
    assert change["correction"]["kind"] == "correction"
    assert change["correction"]["note"] == "The table was revised."
    assert change["changes"]["conclusion"][1] == "The revised table shows 1,700 homes."
    assert payload["data"]["claim_review"]["reviewBody"] == "The revised table shows 1,700 homes."


def test_it_tells_an_endpoint_a_check_was_retracted_without_a_claimreview(receiver, published, editor, run_jobs):
    endpoint = endpoint_for(receiver.url)
    services.claim_retract(claim_id=published.pk, actor=editor, note="The source was forged.")
    assert run_jobs(["webhooks"]) == 1
    payload = verified(endpoint, receiver.received[0])
    assert payload["type"] == "claim.retracted"
    assert payload["data"]["claim_review"] is None
    assert payload["data"]["claim"]["status"] == "retracted"
    assert payload["data"]["change"]["retraction"] == {"note": "The source was forged."}


def test_it_tells_an_endpoint_an_editor_added_an_appearance_to_a_public_check(receiver, published, editor,
                                                                             run_jobs):
    endpoint = endpoint_for(receiver.url)
    services.appearance_add(claim_id=published.pk, actor=editor, quote="We built a record number of homes.",
                            speaker=published.speaker, source_url="https://news.example.org/interview")
    assert run_jobs(["webhooks"]) == 1
    payload = verified(endpoint, receiver.received[0])
    assert payload["type"] == "appearance.added"
    appearances = payload["data"]["claim_review"]["itemReviewed"]["appearance"]
    assert "https://news.example.org/interview" in [a["url"] for a in appearances]


def test_a_journalists_appearance_is_told_once_an_editor_accepts_it(receiver, published, journalist, editor,
                                                                   run_jobs):
    endpoint = endpoint_for(receiver.url)
    appearance = services.appearance_add(claim_id=published.pk, actor=journalist, quote="A record, again.",
                                         speaker=published.speaker)
    assert WebhookDelivery.objects.count() == 0  # waiting for an editor: readers do not see it yet
    services.appearance_accept(appearance_id=appearance.pk, actor=editor)
    assert Appearance.objects.get(pk=appearance.pk).accepted
    assert run_jobs(["webhooks"]) == 1
    assert verified(endpoint, receiver.received[0])["type"] == "appearance.added"


def test_it_sends_nothing_for_changes_readers_cannot_see(receiver, journalist):
    endpoint_for(receiver.url)
    claim = services.claim_create(actor=journalist, speaker=factories.SpeakerFactory(), quote="Taxes fell by half.")
    services.appearance_add(claim_id=claim.pk, actor=journalist, quote="Taxes halved.", speaker=claim.speaker)
    assert WebhookDelivery.objects.count() == 0
    assert jobs(task="webhooks.deliver") == []


def test_it_only_sends_the_events_an_endpoint_subscribed_to_and_never_to_a_disabled_one(receiver, published,
                                                                                       editor, run_jobs):
    wants_retractions = endpoint_for(receiver.url + "/retracted", events=["claim.retracted"])
    endpoint_for(receiver.url + "/corrections", events=["claim.corrected"])
    endpoint_for(receiver.url + "/off", active=False)
    services.claim_retract(claim_id=published.pk, actor=editor, note="Withdrawn.")
    assert run_jobs(["webhooks"]) == 1
    assert [r.path for r in receiver.received] == ["/hooks/retracted"]
    assert WebhookDelivery.objects.get().endpoint == wants_retractions


def test_the_delivery_is_written_with_the_change_or_not_at_all(receiver, published, editor):
    endpoint_for(receiver.url)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.claim_retract(claim_id=published.pk, actor=editor, note="Withdrawn.")
        assert WebhookDelivery.objects.count() == 1 and len(jobs(task="webhooks.deliver")) == 1
        raise RuntimeError("the change rolls back")
    assert WebhookDelivery.objects.count() == 0
    assert jobs(task="webhooks.deliver") == []


def test_emitting_costs_a_fixed_number_of_queries_however_many_endpoints(receiver, published, editor,
                                                                        django_assert_max_num_queries):
    from claims.models import Event
    from claims.webhooks import emit

    event = Event.objects.select_related("claim").get(claim=published, action="published")
    endpoint_for(receiver.url + "/1")
    with django_assert_max_num_queries(5):  # endpoints, claim, appearances, deliveries, jobs
        assert emit(event) == 1
    for n in range(2, 21):
        endpoint_for(receiver.url + f"/{n}")
    with django_assert_max_num_queries(5):
        assert emit(event) == 20
    event.action = "note_added"  # not a webhook event: no query at all
    with django_assert_max_num_queries(0):
        assert emit(event) == 0


# --- signing ---------------------------------------------------------------------------------------


def test_the_signature_is_standard_webhooks_and_fails_with_another_secret_or_body(receiver, published, editor,
                                                                                 run_jobs):
    endpoint = endpoint_for(receiver.url)
    assert endpoint.secret.startswith("whsec_")
    services.claim_retract(claim_id=published.pk, actor=editor, note="Withdrawn.")
    run_jobs(["webhooks"])
    [request] = receiver.received
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["webhook-signature"].startswith("v1,")
    assert verified(endpoint, request)["type"] == "claim.retracted"
    with pytest.raises(WebhookVerificationError):
        Webhook(new_secret()).verify(request.body, request.headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(endpoint.secret).verify(request.body.replace(b"Withdrawn", b"Confirmed"), request.headers)


# --- retries and failures -------------------------------------------------------------------------


def _scheduled_in() -> float:
    [job] = jobs(status="todo", task="webhooks.deliver")
    return (job["scheduled_at"] - timezone.now()).total_seconds()


def test_it_retries_a_failed_delivery_with_backoff_under_the_same_webhook_id(receiver, published, editor,
                                                                            run_jobs):
    endpoint = endpoint_for(receiver.url)
    receiver.statuses = [500, 503]
    services.claim_retract(claim_id=published.pk, actor=editor, note="Withdrawn.")

    assert run_jobs(["webhooks"]) == 1
    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, delivery.attempts, delivery.response_code) == ("pending", 1, 500)
    assert delivery.error == "The endpoint answered with an error (500)."
    assert 2 < _scheduled_in() <= 5.5  # 5 s, then 25 s …
    assert run_jobs(["webhooks"]) == 0  # not due yet

    make_due()
    assert run_jobs(["webhooks"]) == 1
    assert 20 < _scheduled_in() <= 25.5
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.response_code) == ("pending", 2, 503)

    make_due()
    assert run_jobs(["webhooks"]) == 1
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.response_code, delivery.error) == ("succeeded", 3, 204, "")
    assert {r.headers["webhook-id"] for r in receiver.received} == {delivery.message_id}
    assert all(verified(endpoint, r)["type"] == "claim.retracted" for r in receiver.received)
    endpoint.refresh_from_db()
    assert (endpoint.consecutive_failures, endpoint.failing_since, endpoint.active) == (0, None, True)
    assert jobs(status="todo", task="webhooks.deliver") == []
    assert len(jobs(status="succeeded", task="webhooks.deliver")) == 1


def test_a_delivery_that_used_every_attempt_fails_and_so_does_its_job(receiver, published, editor, run_jobs):
    endpoint = endpoint_for(receiver.url)
    receiver.statuses = [500] * 20
    services.claim_retract(claim_id=published.pk, actor=editor, note="Withdrawn.")
    runs = 0
    while jobs(status="todo", task="webhooks.deliver"):
        make_due()
        runs += run_jobs(["webhooks"])
    assert runs == MAX_RETRIES + 1 == 8
    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, delivery.attempts, delivery.response_code) == ("failed", 8, 500)
    [job] = jobs(task="webhooks.deliver")
    assert job["status"] == "failed"  # listed on /desk/jobs/ with "Retry"
    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 1 and endpoint.failing_since is not None and endpoint.active


@pytest.mark.parametrize(("status", "error"), [
    (302, "The endpoint answered with a redirect (302); webhooks follow none."),
    (410, "The endpoint answered with an error (410)."),
])
def test_a_redirect_or_an_error_is_a_failed_attempt(receiver, status, error):
    endpoint = endpoint_for(receiver.url)
    delivery = endpoints.endpoint_test(endpoint_id=endpoint.pk, actor=factories.UserFactory(is_superuser=True))
    receiver.statuses = [status]
    outcome = delivery_attempt(delivery.pk, last_attempt=False)
    assert not outcome.delivered
    delivery.refresh_from_db()
    assert (delivery.state, delivery.response_code, delivery.error) == ("pending", status, error)
    assert [r.path for r in receiver.received] == ["/hooks"]  # the redirect was not followed


def test_it_never_connects_to_a_private_address_at_delivery(receiver, settings):
    endpoint = endpoint_for(receiver.url)  # allowed when added …
    delivery = endpoints.endpoint_test(endpoint_id=endpoint.pk, actor=factories.UserFactory(is_superuser=True))
    settings.FETCH_ALLOW_NETWORKS = []  # … no longer
    assert not delivery_attempt(delivery.pk, last_attempt=False).delivered
    delivery.refresh_from_db()
    assert delivery.response_code is None
    assert delivery.error == "That address is on a private network and cannot be fetched."
    assert receiver.received == []


def test_it_refuses_plain_http_outside_the_allowed_networks(receiver, connections):
    endpoint = endpoint_for("http://93.184.216.34/hooks")
    delivery = endpoints.endpoint_test(endpoint_id=endpoint.pk, actor=factories.UserFactory(is_superuser=True))
    assert not delivery_attempt(delivery.pk, last_attempt=False).delivered
    delivery.refresh_from_db()
    assert delivery.error.startswith("Use an https:// address")
    assert connections == []


@pytest.fixture
def connections(monkeypatch):
    import socket

    made = []
    real = socket.socket.connect
    monkeypatch.setattr(socket.socket, "connect", lambda sock, address: made.append(address) or real(sock, address))
    return made


# --- disabling --------------------------------------------------------------------------------------


def test_it_disables_an_endpoint_whose_last_20_deliveries_failed_and_mails_the_editors(
        receiver, editor, editor2, journalist, run_jobs, mailoutbox):
    endpoint = endpoint_for(receiver.url, consecutive_failures=DISABLE_AFTER_FAILURES - 1,
                            failing_since=timezone.now() - dt.timedelta(hours=30))
    delivery = endpoints.endpoint_test(endpoint_id=endpoint.pk, actor=editor)
    receiver.statuses = [500]
    delivery_attempt(delivery.pk, last_attempt=True)
    endpoint.refresh_from_db()
    assert (endpoint.active, endpoint.consecutive_failures) == (False, 20)
    assert endpoint.disabled_at is not None
    assert endpoint.disabled_reason == "Its last 20 deliveries failed."
    run_jobs(["mail"])
    [mail] = mailoutbox
    assert sorted(mail.to) == sorted([editor.email, editor2.email])  # editors only, not the journalist
    assert mail.subject == f"Webhook endpoint disabled: {endpoint.url}"
    assert f"/desk/webhooks/{endpoint.pk}/" in mail.body


def test_it_disables_an_endpoint_that_has_failed_for_3_days(receiver, editor):
    endpoint = endpoint_for(receiver.url, consecutive_failures=2,
                            failing_since=timezone.now() - dt.timedelta(days=3, minutes=1))
    delivery = endpoints.endpoint_test(endpoint_id=endpoint.pk, actor=editor)
    receiver.statuses = [500]
    delivery_attempt(delivery.pk, last_attempt=False)
    endpoint.refresh_from_db()
    assert not endpoint.active
    assert endpoint.disabled_reason.startswith("Its deliveries have been failing since ")


def test_a_success_clears_the_failures_so_far(receiver, editor):
    endpoint = endpoint_for(receiver.url, consecutive_failures=19,
                            failing_since=timezone.now() - dt.timedelta(days=2))
    delivery = endpoints.endpoint_test(endpoint_id=endpoint.pk, actor=editor)
    assert delivery_attempt(delivery.pk, last_attempt=False).delivered
    endpoint.refresh_from_db()
    assert (endpoint.consecutive_failures, endpoint.failing_since, endpoint.active) == (0, None, True)


def test_a_queued_delivery_to_an_endpoint_disabled_since_is_not_sent(receiver, published, editor, run_jobs):
    endpoint = endpoint_for(receiver.url)
    services.claim_retract(claim_id=published.pk, actor=editor, note="Withdrawn.")
    endpoints.endpoint_disable(endpoint_id=endpoint.pk, actor=editor)
    assert run_jobs(["webhooks"]) == 1
    assert receiver.received == []
    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, delivery.attempts, delivery.error) == ("failed", 0, "Not sent: the endpoint is disabled.")
    assert jobs(task="webhooks.deliver")[0]["status"] == "succeeded"  # nothing to retry


def test_a_queued_delivery_to_a_deleted_endpoint_does_nothing(receiver, published, editor, run_jobs):
    endpoint = endpoint_for(receiver.url)
    services.claim_retract(claim_id=published.pk, actor=editor, note="Withdrawn.")
    endpoints.endpoint_delete(endpoint_id=endpoint.pk, actor=editor)
    assert run_jobs(["webhooks"]) == 1
    assert receiver.received == [] and WebhookDelivery.objects.count() == 0


# --- check --deploy --------------------------------------------------------------------------------


def test_check_deploy_warns_when_allowed_networks_are_set_in_production(settings):
    settings.FACTCHECK_ENV = "production"
    settings.FETCH_ALLOW_NETWORKS = ["10.0.0.0/8"]
    [warning] = fetch_allow_networks_in_production(None)
    assert warning.id == "claims.W001"
    assert "10.0.0.0/8" in warning.msg
    from django.core import checks

    assert "claims.W001" in [m.id for m in checks.run_checks(include_deployment_checks=True)]
    assert "claims.W001" not in [m.id for m in checks.run_checks(include_deployment_checks=False)]


@pytest.mark.parametrize(("env", "networks"), [("production", []), ("development", ["127.0.0.0/8"]),
                                               ("test", ["127.0.0.0/8"])])
def test_check_deploy_is_quiet_otherwise(settings, env, networks):
    settings.FACTCHECK_ENV, settings.FETCH_ALLOW_NETWORKS = env, networks
    assert fetch_allow_networks_in_production(None) == []
