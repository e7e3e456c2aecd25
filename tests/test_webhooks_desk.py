"""The desk's Webhooks pages (editors): add an endpoint and see its secret once, the delivery log,
"Send test event", disable, enable and delete; who may do what, and refusals that change nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from claims.models import WebhookDelivery, WebhookEndpoint
from claims.webhooks.signing import new_secret
from tests.html import button, field_by_label, parse, texts
from tests.jobs import jobs
from tests.test_webhooks import receiver, verified  # noqa: F401 - the local receiver fixture
from tests.test_workflow import error_of

pytestmark = pytest.mark.django_db

LIST = "/desk/webhooks/"
PUBLIC_URL = "https://93.184.216.34/hooks"  # a public address written as one: no DNS needed


def endpoint(url: str = PUBLIC_URL, **kwargs) -> WebhookEndpoint:
    kwargs.setdefault("events", ["claim.published", "claim.retracted"])
    return WebhookEndpoint.objects.create(url=url, secret=new_secret(), **kwargs)


def state() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM procrastinate_jobs")
        job_count = cursor.fetchone()[0]
    return {
        "endpoints": list(WebhookEndpoint.objects.order_by("pk").values()),
        "deliveries": list(WebhookDelivery.objects.order_by("pk").values()),
        "jobs": job_count,
    }


def add(client: Client, **data):
    data = {"url": PUBLIC_URL, "events": ["claim.published"], "description": "", **data}
    return client.post(LIST, data)


# --- who may ---------------------------------------------------------------------------------------


def _requests(target: WebhookEndpoint):
    detail = f"{LIST}{target.pk}/"
    return {
        "list": ("get", LIST, {}),
        "add": ("post", LIST, {"url": PUBLIC_URL, "events": ["claim.published"]}),
        "detail": ("get", detail, {}),
        "test": ("post", f"{detail}test/", {}),
        "disable": ("post", f"{detail}disable/", {}),
        "enable": ("post", f"{detail}enable/", {}),
        "delete": ("post", f"{detail}delete/", {"confirmed": "yes"}),
        "delete-asks": ("post", f"{detail}delete/", {"confirmed": "no"}),
    }


ACTIONS = ("list", "add", "detail", "test", "disable", "enable", "delete", "delete-asks")
EXPECTED = {"anonymous": 302, "outsider": 403, "journalist": 403}
EDITOR = {"list": 200, "add": 303, "detail": 200, "test": 303, "disable": 303, "enable": 303, "delete": 303,
          "delete-asks": 200}


@pytest.mark.parametrize("persona", ["anonymous", "outsider", "journalist", "editor"])
@pytest.mark.parametrize("action", ACTIONS)
def test_only_editors_may_use_the_webhooks_pages_and_refusals_change_nothing(persona, action, request):
    target = endpoint(active=action != "enable", disabled_at=None if action != "enable" else timezone.now())
    client = Client()
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    method, url, data = _requests(target)[action]
    before = state()
    response = getattr(client, method)(url, data)
    if persona == "editor":
        assert response.status_code == EDITOR[action], response.content.decode()[:1000]
        return
    assert response.status_code == EXPECTED[persona]
    if persona == "anonymous":
        assert response["Location"].startswith("/accounts/login/")
    else:
        said = ("The desk is for journalists and editors." if persona == "outsider"
                else "Only editors can manage webhooks.")
        assert said in response.content.decode()
    assert state() == before


def test_an_unknown_action_or_endpoint_is_a_404(editor_client):
    target = endpoint()
    assert editor_client.post(f"{LIST}{target.pk}/explode/").status_code == 404
    assert editor_client.get(f"{LIST}{target.pk + 1}/").status_code == 404
    assert editor_client.post(f"{LIST}{target.pk + 1}/test/").status_code == 404


# --- adding ----------------------------------------------------------------------------------------


def test_it_adds_an_endpoint_and_shows_its_secret_once(editor_client, editor):
    page = parse(editor_client.get(LIST))
    assert field_by_label(page, "Endpoint URL")["type"] == "url"
    assert field_by_label(page, "Description") is not None
    events = page.find("legend", string="Events").parent
    assert [box["value"] for box in events.find_all("input", type="checkbox")] == [
        "claim.published", "claim.corrected", "claim.retracted", "appearance.added"]
    assert button(page, "Add endpoint")["class"] == ["button-primary"]

    response = add(editor_client, events=["claim.published", "appearance.added"], description="Partner wire")
    made = WebhookEndpoint.objects.get()
    assert response.status_code == 303 and response["Location"] == f"{LIST}{made.pk}/"
    assert (made.url, made.events, made.description, made.created_by, made.active) == (
        PUBLIC_URL, ["appearance.added", "claim.published"], "Partner wire", editor, True)
    assert made.secret.startswith("whsec_")

    response = editor_client.get(response["Location"])
    assert "no-store" in response["Cache-Control"]
    page = parse(response)
    shown = page.find(attrs={"data-testid": "signing-secret"})
    assert shown.find("h2").get_text(strip=True) == "Signing secret"
    assert shown.find("code").get_text(strip=True) == made.secret
    assert "will not be shown again" in shown.get_text()

    again = editor_client.get(f"{LIST}{made.pk}/")
    assert "no-store" in again["Cache-Control"]
    assert parse(again).find(attrs={"data-testid": "signing-secret"}) is None
    assert made.secret not in again.content.decode()
    assert made.secret not in editor_client.get(LIST).content.decode()


@pytest.mark.parametrize(("data", "label", "says"), [
    ({"url": "https://127.0.0.1/hooks"}, "Endpoint URL",
     "That address is on a private network and cannot receive webhooks."),
    ({"url": "https://169.254.169.254/latest/"}, "Endpoint URL",
     "That address is on a private network and cannot receive webhooks."),
    ({"url": "https://[::1]/hooks"}, "Endpoint URL",
     "That address is on a private network and cannot receive webhooks."),
    ({"url": "http://93.184.216.34/hooks"}, "Endpoint URL",
     "Use an https:// address: plain http is only for networks named in FETCH_ALLOW_NETWORKS."),
    ({"url": "https://user:pw@93.184.216.34/"}, "Endpoint URL",
     "Addresses with a user name or password cannot receive webhooks."),
    ({"url": "javascript:alert(1)"}, "Endpoint URL", "Enter a web address starting with http:// or https://."),
    ({"url": ""}, "Endpoint URL", "This field is required."),
    ({"description": "x" * 201}, "Description", "Ensure this value has at most 200 characters (it has 201)."),
])
def test_it_refuses_a_bad_endpoint_next_to_the_field(editor_client, data, label, says):
    before = state()
    response = add(editor_client, **data)
    assert response.status_code == 422
    page = parse(response)
    assert error_of(page, field_by_label(page, label)) == says
    assert state() == before


def test_it_needs_at_least_one_event(editor_client):
    before = state()
    response = add(editor_client, events=[])
    assert response.status_code == 422
    page = parse(response)
    events = page.find("legend", string="Events").parent
    assert events.find(class_="field-error").get_text(strip=True) == "Choose at least one event."
    assert state() == before


def test_it_refuses_a_name_that_resolves_to_a_private_address(editor_client, monkeypatch):
    import socket

    monkeypatch.setattr(socket, "getaddrinfo", lambda host, port, *a, **k: [
        (socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", ("10.0.0.7", port))])
    response = add(editor_client, url="https://hooks.partner.example/in")
    assert response.status_code == 422
    page = parse(response)
    assert error_of(page, field_by_label(page, "Endpoint URL")) == (
        "That address is on a private network and cannot receive webhooks.")
    assert WebhookEndpoint.objects.count() == 0


def test_plain_http_and_local_addresses_are_allowed_inside_the_allowed_networks(editor_client, settings):
    settings.FETCH_ALLOW_NETWORKS = ["127.0.0.0/8"]
    assert add(editor_client, url="http://127.0.0.1:8025/hooks").status_code == 303
    assert WebhookEndpoint.objects.get().url == "http://127.0.0.1:8025/hooks"


# --- the list and the log -------------------------------------------------------------------------


def test_the_list_shows_each_endpoint_its_state_and_last_delivery(editor_client):
    quiet = endpoint("https://93.184.216.34/quiet")
    busy = endpoint("https://93.184.216.34/busy", events=["claim.corrected"])
    WebhookDelivery.objects.create(endpoint=busy, message_id="msg_1", event="claim.corrected", payload={},
                                   state="succeeded", attempts=1, response_code=200)
    endpoint("https://93.184.216.34/off", active=False, disabled_at=timezone.now())
    page = parse(editor_client.get(LIST))
    rows = [texts(row.find_all("td")) for row in page.find_all(attrs={"data-testid": "endpoint-row"})]
    by_url = {row[0]: row for row in rows}
    assert by_url[quiet.url][1:] == ["claim.published, claim.retracted", "Active", "None yet"]
    assert by_url[busy.url][2] == "Active" and by_url[busy.url][3].endswith(": Delivered (200)")
    assert by_url["https://93.184.216.34/off"][2] == "Disabled"
    assert page.find(attrs={"data-testid": "disabled-banner"}) is None  # an editor chose that one


def test_an_endpoint_disabled_for_failing_gets_a_warning_banner(editor_client):
    failing = endpoint(active=False, disabled_at=timezone.now(), disabled_reason="Its last 20 deliveries failed.")
    page = parse(editor_client.get(LIST))
    [banner] = page.find_all(attrs={"data-testid": "disabled-banner"})
    assert "message-warning" in banner["class"] and banner["role"] == "alert"
    assert failing.url in banner.get_text() and "Its last 20 deliveries failed." in banner.get_text()
    detail = parse(editor_client.get(f"{LIST}{failing.pk}/"))
    assert "Its last 20 deliveries failed." in detail.find(attrs={"data-testid": "disabled-banner"}).get_text()
    assert button(detail, "Enable") is not None and button(detail, "Send test event") is None


@pytest.mark.parametrize("n", [1, 50])
def test_the_list_costs_a_fixed_number_of_queries(editor_client, django_assert_max_num_queries, n):
    for i in range(n):
        made = endpoint(f"https://93.184.216.34/{i}")
        WebhookDelivery.objects.create(endpoint=made, message_id=f"msg_{i}", event="claim.published", payload={})
    editor_client.get(LIST)  # the session and the user's groups, once
    with django_assert_max_num_queries(6):
        assert editor_client.get(LIST).status_code == 200


@pytest.mark.parametrize("n", [1, 50])
def test_the_delivery_log_costs_a_fixed_number_of_queries(editor_client, django_assert_max_num_queries, n):
    made = endpoint()
    for i in range(n):
        WebhookDelivery.objects.create(endpoint=made, message_id=f"msg_{i}", event="claim.published", payload={},
                                       state="failed", attempts=8, response_code=500,
                                       last_attempt_at=timezone.now() - dt.timedelta(minutes=i))
    with django_assert_max_num_queries(7):
        response = editor_client.get(f"{LIST}{made.pk}/")
    rows = parse(response).find_all(attrs={"data-testid": "delivery-row"})
    assert len(rows) == n
    cells = {td["data-label"]: td.get_text(" ", strip=True) for td in rows[0].find_all("td") if td.get("data-label")}
    assert cells["Event"] == "claim.published" and cells["Status"] == "Failed"
    assert cells["Attempts"].startswith("8") and cells["Response code"] == "500"


# --- the buttons -----------------------------------------------------------------------------------


def test_send_test_event_delivers_a_signed_test_to_the_endpoint(editor_client, receiver, run_jobs):  # noqa: F811
    made = endpoint(receiver.url)
    page = parse(editor_client.get(f"{LIST}{made.pk}/"))
    assert button(page, "Send test event")["class"] == ["button-primary"]
    response = editor_client.post(f"{LIST}{made.pk}/test/")
    assert response.status_code == 303 and response["Location"] == f"{LIST}{made.pk}/"
    delivery = WebhookDelivery.objects.get()
    assert (delivery.event, delivery.state) == ("webhook.test", "pending")
    assert len(jobs(task="webhooks.deliver")) == 1
    assert run_jobs(["webhooks"]) == 1
    payload = verified(made, receiver.received[0])
    assert payload["type"] == "webhook.test" and payload["data"]["sent_by"] == "Tom Hughes"
    row = parse(editor_client.get(f"{LIST}{made.pk}/")).find(attrs={"data-testid": "delivery-row"})
    cells = {td["data-label"]: td.get_text(" ", strip=True) for td in row.find_all("td") if td.get("data-label")}
    assert (cells["Status"], cells["Response code"]) == ("Delivered", "204")


def test_a_disabled_endpoint_gets_no_test_event(editor_client):
    made = endpoint(active=False, disabled_at=timezone.now())
    before = state()
    response = editor_client.post(f"{LIST}{made.pk}/test/")
    assert response.status_code == 409
    assert "enable it before sending a test event" in response.content.decode()
    assert state() == before


def test_disable_then_enable_starts_with_a_clean_slate(editor_client):
    made = endpoint(consecutive_failures=7, failing_since=timezone.now())
    assert editor_client.post(f"{LIST}{made.pk}/disable/").status_code == 303
    made.refresh_from_db()
    assert (made.active, made.disabled_reason) == (False, "")
    assert made.disabled_at is not None
    assert editor_client.post(f"{LIST}{made.pk}/enable/").status_code == 303
    made.refresh_from_db()
    assert (made.active, made.disabled_at, made.consecutive_failures, made.failing_since) == (True, None, 0, None)


def test_delete_asks_first_then_deletes_the_endpoint_and_its_log(editor_client):
    made = endpoint()
    WebhookDelivery.objects.create(endpoint=made, message_id="msg_x", event="claim.published", payload={})
    form_button = button(parse(editor_client.get(f"{LIST}{made.pk}/")), "Delete endpoint")
    assert form_button["class"] == ["button-danger"]
    assert form_button.find_parent("form").find("input", attrs={"name": "confirmed"})["value"] == "no"

    before = state()
    asked = editor_client.post(f"{LIST}{made.pk}/delete/", {"confirmed": "no"})
    assert asked.status_code == 200
    page = parse(asked)
    assert made.url in page.get_text() and button(page, "Delete endpoint") is not None
    assert state() == before

    response = editor_client.post(f"{LIST}{made.pk}/delete/", {"confirmed": "yes"})
    assert response.status_code == 303 and response["Location"] == LIST
    assert WebhookEndpoint.objects.count() == 0 and WebhookDelivery.objects.count() == 0


def test_a_second_click_on_add_endpoint_adds_nothing_more(editor_client):
    token = parse(editor_client.get(LIST)).find("input", attrs={"name": "form_token"})["value"]
    first = add(editor_client, form_token=token)
    again = add(editor_client, form_token=token)
    made = WebhookEndpoint.objects.get()
    assert first["Location"] == again["Location"] == f"{LIST}{made.pk}/"


def test_a_refused_endpoint_keeps_the_form_token_for_the_corrected_form(editor_client):
    token = parse(editor_client.get(LIST)).find("input", attrs={"name": "form_token"})["value"]
    assert add(editor_client, url="https://127.0.0.1/hooks", form_token=token).status_code == 422
    assert add(editor_client, form_token=token).status_code == 303
    assert WebhookEndpoint.objects.count() == 1


def test_it_records_who_added_disabled_enabled_and_deleted_an_endpoint_and_leaves_public_pages_cached(
        editor_client, editor, django_capture_on_commit_callbacks):
    from claims.models import Event
    from claims.public_cache import generation

    before = generation()
    with django_capture_on_commit_callbacks(execute=True):
        add(editor_client, events=["claim.published"])
        made = WebhookEndpoint.objects.get()
        for action in ("disable", "enable"):
            editor_client.post(f"{LIST}{made.pk}/{action}/")
        editor_client.post(f"{LIST}{made.pk}/delete/", {"confirmed": "yes"})
    assert not WebhookEndpoint.objects.exists()
    events = list(Event.objects.order_by("pk").values_list("actor", "claim", "action", "changes"))
    assert events == [
        (editor.pk, None, "webhook_added", {"url": [None, PUBLIC_URL], "events": [None, ["claim.published"]]}),
        (editor.pk, None, "webhook_disabled", {"url": [PUBLIC_URL, PUBLIC_URL]}),
        (editor.pk, None, "webhook_enabled", {"url": [PUBLIC_URL, PUBLIC_URL]}),
        (editor.pk, None, "webhook_deleted", {"url": [PUBLIC_URL, None]}),
    ]
    assert generation() == before
