"""Personal API tokens in the desk: who may list, create and revoke them, the secret shown once and
stored hashed, and refusals that change nothing."""

from __future__ import annotations

import hashlib

import pytest
from django.urls import reverse

from claims.models import ApiToken
from claims.services.tokens import token_create
from tests.html import button, field_by_label, parse, post_form, texts

pytestmark = pytest.mark.django_db

URL = "/desk/tokens/"
LOGIN = "/accounts/login/"


def tokens_state() -> list:
    return list(ApiToken.objects.order_by("pk").values_list("pk", "user_id", "name", "digest", "scopes",
                                                            "revoked_at", "last_used_at"))


def revoke_url(token: ApiToken) -> str:
    return reverse("desk:token_revoke", args=[token.pk])


def create(client, name="Monitoring pipeline", scopes=("read", "claims:write"), **extra):
    return post_form(client, URL, {"name": name, "scopes": list(scopes), **extra})


# --- Who may do what ---------------------------------------------------------------------------------

@pytest.fixture
def owned(journalist, editor):
    """One token of each desk persona."""
    return {"journalist": token_create(actor=journalist, name="Amira's", scopes=["read"])[0],
            "editor": token_create(actor=editor, name="Tom's", scopes=["read"])[0]}


@pytest.mark.parametrize("method", ["get", "post", "revoke"])
def test_it_sends_an_anonymous_visitor_to_sign_in_and_changes_nothing(client, owned, method):
    before = tokens_state()
    if method == "get":
        response = client.get(URL)
    elif method == "post":
        response = create(client)
    else:
        response = client.post(revoke_url(owned["journalist"]))
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert tokens_state() == before


@pytest.mark.parametrize("method", ["get", "post", "revoke", "revoke-unconfirmed"])
def test_it_refuses_an_outsider_and_changes_nothing(outsider_client, owned, method):
    before = tokens_state()
    if method == "get":
        response = outsider_client.get(URL)
    elif method == "post":
        response = create(outsider_client)
    else:
        data = {"confirmed": "no"} if method == "revoke-unconfirmed" else {}
        response = post_form(outsider_client, revoke_url(owned["journalist"]), data)
    assert response.status_code == 403
    assert tokens_state() == before


@pytest.mark.parametrize("persona", ["journalist", "editor"])
def test_a_desk_member_lists_creates_and_revokes_their_own_tokens(client, request, owned, persona):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    page = client.get(URL)
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    rows = parse(page).select("[data-testid=token-row]")
    assert len(rows) == 1 and owned[persona].name in rows[0].get_text()

    made = create(client)
    assert made.status_code == 201
    assert ApiToken.objects.filter(user=user).count() == 2
    token = ApiToken.objects.filter(user=user).latest("pk")
    assert token.name == "Monitoring pipeline" and sorted(token.scopes) == ["claims:write", "read"]

    assert post_form(client, revoke_url(token), {}).status_code == 303
    token.refresh_from_db()
    assert token.revoked_at is not None


@pytest.mark.parametrize("persona", ["journalist", "editor"])
def test_revoking_someone_elses_token_is_not_found_and_changes_nothing(client, request, owned, persona):
    client.force_login(request.getfixturevalue(persona))
    other = owned["editor" if persona == "journalist" else "journalist"]
    before = tokens_state()
    assert post_form(client, revoke_url(other), {"confirmed": "no"}).status_code == 404
    assert post_form(client, revoke_url(other), {"confirmed": "yes"}).status_code == 404
    assert post_form(client, revoke_url(other), {}).status_code == 404
    assert client.post("/desk/tokens/999999/revoke/").status_code == 404
    assert tokens_state() == before
    # Nor does it show up in the list.
    assert other.name not in parse(client.get(URL)).select_one("[data-testid=tokens-table]").get_text()


def test_revoke_accepts_only_post(journalist_client, owned):
    before = tokens_state()
    assert journalist_client.get(revoke_url(owned["journalist"])).status_code == 405
    assert journalist_client.put(URL).status_code == 405
    assert tokens_state() == before


# --- The secret, once --------------------------------------------------------------------------------

def test_the_secret_is_shown_once_and_only_its_digest_is_kept(journalist_client, journalist):
    response = create(journalist_client, name="Pipeline", scopes=["claims:write"])
    assert response.status_code == 201
    assert "no-store" in response["Cache-Control"]
    soup = parse(response)
    shown = field_by_label(soup, "Copy it now: it is shown only this once.")
    secret = shown["value"]
    assert secret.startswith("fcd_") and len(secret) >= 40 and shown.has_attr("readonly")
    token = ApiToken.objects.get(user=journalist)
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert token.prefix == secret[:len(token.prefix)] and len(token.prefix) < 16
    assert secret not in str(ApiToken.objects.filter(pk=token.pk).values().first())
    # Never again: not on the list, not in the session.
    again = journalist_client.get(URL)
    assert secret not in again.content.decode()
    assert parse(again).select_one("[data-testid=token-secret]") is None
    assert secret not in str(dict(journalist_client.session))
    row = parse(again).select_one("[data-testid=token-row]")
    assert "Pipeline" in row.get_text() and token.prefix in row.get_text() and "claims:write" in row.get_text()
    assert "Never" in row.get_text()


def test_sending_the_same_form_twice_makes_one_token(journalist_client, journalist):
    form_token = parse(journalist_client.get(URL)).find("input", attrs={"name": "form_token"})["value"]
    assert create(journalist_client, form_token=form_token).status_code == 201
    again = create(journalist_client, form_token=form_token)
    assert again.status_code == 303 and again["Location"] == URL
    assert ApiToken.objects.filter(user=journalist).count() == 1


def test_two_tokens_never_share_a_secret(journalist):
    secrets = {token_create(actor=journalist, name=f"t{i}", scopes=["read"])[1] for i in range(20)}
    assert len(secrets) == 20


# --- Bad input ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("data", "label", "message"), [
    ({"name": "", "scopes": ["read"]}, "Name", "This field is required."),
    ({"name": "x" * 101, "scopes": ["read"]}, "Name", "at most 100 characters"),
    ({"name": "bad\x00name", "scopes": ["read"]}, "Name", "Null characters are not allowed."),
    ({"name": "bad\x07name", "scopes": ["read"]}, "Name", "control characters"),
    ({"name": "Pipeline"}, None, "Choose at least one scope."),
    ({"name": "Pipeline", "scopes": ["admin"]}, None, "Select a valid choice."),
])
def test_it_refuses_bad_input_next_to_the_field_and_saves_nothing(journalist_client, data, label, message):
    response = post_form(journalist_client, URL, data)
    assert response.status_code == 422
    soup = parse(response)
    if label:
        field = field_by_label(soup, label)
        assert field["aria-invalid"] == "true"
        error = soup.find(id=f"{field['id']}_error")
    else:
        error = soup.find(id="id_scopes_error")
    assert message in error.get_text()
    assert ApiToken.objects.count() == 0
    assert soup.select_one("[data-testid=token-secret]") is None


# --- The page ----------------------------------------------------------------------------------------

def test_the_page_has_labelled_fields_and_named_buttons(journalist_client, journalist):
    token_create(actor=journalist, name="Old", scopes=["read"])
    soup = parse(journalist_client.get(URL))
    assert field_by_label(soup, "Name")["maxlength"] == "100"
    assert soup.find("legend", string="Scopes") is not None
    assert field_by_label(soup, "read: the review queue and the desk's claims")["type"] == "checkbox"
    assert field_by_label(soup, "claims:write: log claims and appearances")["type"] == "checkbox"
    assert "button-primary" in button(soup, "Create token")["class"]
    revoke = soup.select_one("[data-testid=token-row] button.button-danger")
    assert texts([revoke]) == ["Revoke token Old"]
    assert revoke.find_parent("form").find("input", attrs={"name": "confirmed"})["value"] == "no"
    headers = texts(soup.select("[data-testid=tokens-table] th"))
    assert headers[:6] == ["Name", "Prefix", "Scopes", "Created", "Last used", "Status"]
    assert all(td.has_attr("data-label") for td in soup.select("[data-testid=token-row] td")[1:6])


def test_revoke_asks_first_without_javascript_then_revokes(journalist_client, journalist):
    token = token_create(actor=journalist, name="Pipeline", scopes=["read"])[0]
    asked = post_form(journalist_client, revoke_url(token), {"confirmed": "no"})
    assert asked.status_code == 200
    soup = parse(asked)
    assert "Pipeline" in soup.find("h1").get_text()
    assert button(soup, "Revoke token") is not None
    token.refresh_from_db()
    assert token.revoked_at is None
    done = post_form(journalist_client, revoke_url(token), {"confirmed": "yes"}, follow=True)
    token.refresh_from_db()
    assert token.revoked_at is not None
    row = parse(done).select_one("[data-testid=token-row]")
    assert "Revoked" in row.get_text() and row.find("button") is None
    assert "Revoked the token “Pipeline”." in done.content.decode()
    # Revoking again changes nothing (the date stays the first one).
    first = token.revoked_at
    post_form(journalist_client, revoke_url(token), {})
    token.refresh_from_db()
    assert token.revoked_at == first


@pytest.mark.parametrize("rows", [1, 50])
def test_the_list_query_count_does_not_grow(journalist_client, journalist, django_assert_max_num_queries, rows):
    for i in range(rows):
        token_create(actor=journalist, name=f"token {i}", scopes=["read"])
    journalist_client.get(URL)
    with django_assert_max_num_queries(8):
        response = journalist_client.get(URL)
    assert len(parse(response).select("[data-testid=token-row]")) == rows


def test_it_records_who_created_and_revoked_a_token_without_the_secret(journalist_client, journalist,
                                                                      django_capture_on_commit_callbacks):
    from claims.models import Event
    from claims.public_cache import generation

    before = generation()
    with django_capture_on_commit_callbacks(execute=True):
        secret = field_by_label(parse(create(journalist_client, name="Pipeline", scopes=["read"])),
                                "Copy it now: it is shown only this once.")["value"]
        token = ApiToken.objects.get(user=journalist)
        journalist_client.post(revoke_url(token), {"confirmed": "yes"})
    events = list(Event.objects.order_by("pk").values_list("actor", "claim", "action", "changes"))
    assert events == [
        (journalist.pk, None, "token_created",
         {"name": [None, "Pipeline"], "prefix": [None, token.prefix], "scopes": [None, ["read"]]}),
        (journalist.pk, None, "token_revoked",
         {"name": ["Pipeline", "Pipeline"], "prefix": [token.prefix, token.prefix]}),
    ]
    assert secret not in str(events) and token.digest not in str(events)
    assert generation() == before  # no public page shows tokens
