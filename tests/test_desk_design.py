"""The desk's shared design: refusals in its own layout, destructive actions that ask first, the
quiet user menu, lists that become cards on a phone."""

from __future__ import annotations

import re

import pytest

from claims import permissions
from claims.models import Rating, Tip
from tests import factories
from tests.html import button, parse
from tests.test_workflow import snapshot

pytestmark = pytest.mark.django_db


# --- refusals ---------------------------------------------------------------------------------------


def test_it_refuses_a_journalist_the_rating_scale_in_the_desks_own_layout(journalist_client):
    response = journalist_client.get("/desk/ratings/", HTTP_REFERER="http://testserver/desk/claims/")
    assert response.status_code == 403
    soup = parse(response)
    assert soup.find(attrs={"data-testid": "refusal"}).get_text(strip=True) == \
        "Only editors can manage the rating scale."
    nav = soup.find("nav", attrs={"aria-label": "Main"})
    assert nav.find("a", string="Claims") is not None and nav.find("a", string="Tips") is not None
    assert soup.find("a", string="Go back")["href"] == "http://testserver/desk/claims/"
    assert soup.find("a", string="Back to the desk")["href"] == "/desk/"


def test_it_offers_no_way_back_to_another_site(journalist_client):
    response = journalist_client.get("/desk/ratings/", HTTP_REFERER="https://evil.example/")
    soup = parse(response)
    assert soup.find("a", string="Go back") is None
    assert soup.find("a", string="Back to the desk") is not None


def test_every_refusal_is_a_sentence_people_say():
    for action in permissions.TABLE:
        sentence = permissions.DENIED[action]
        assert re.fullmatch(r"Only [a-z ]+ can [^.]+\.", sentence), sentence
        assert "_" not in sentence


def test_a_refusal_on_a_workflow_action_names_who_may(journalist_client):
    claim = factories.ClaimFactory(in_review=True)
    before = snapshot()
    response = journalist_client.post(f"/desk/claims/{claim.pk}/approve/")
    assert response.status_code == 403
    assert "Only editors can approve a verdict." in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize("path", ["/claims/x/", "/desk/claims/"])
def test_a_refusal_for_someone_off_the_desk_keeps_the_public_layout(path):
    from django.contrib.auth.models import AnonymousUser
    from django.test import RequestFactory

    from claims.views.errors import permission_denied

    request = RequestFactory().get(path)
    request.user = AnonymousUser()
    response = permission_denied(request, Exception("Not for you."))
    assert response.status_code == 403
    soup = parse(response)
    assert soup.find("main").find("p").get_text(strip=True) == "Not for you."
    nav = soup.find("nav", attrs={"aria-label": "Main"})
    assert nav.find("a", string="Speakers") is not None  # the public navigation
    assert nav.find("a", href="/desk/claims/") is None and soup.find(attrs={"data-testid": "refusal"}) is None


# --- destructive actions ask first ------------------------------------------------------------------


def test_the_tip_list_marks_dismiss_as_a_danger_that_asks_first(journalist_client):
    factories.TipFactory()
    soup = parse(journalist_client.get("/desk/tips/"))
    dismiss = button(soup, "Dismiss tip")
    assert "button-danger" in dismiss["class"]
    assert dismiss.find_parent("form").find("input", attrs={"name": "confirmed"})["value"] == "no"


def test_without_javascript_dismissing_a_tip_answers_a_confirmation_page(journalist_client):
    tip = factories.TipFactory()
    before = snapshot()
    response = journalist_client.post(f"/desk/tips/{tip.pk}/dismiss/", {"confirmed": "no"})
    assert response.status_code == 200
    assert snapshot() == before
    soup = parse(response)
    assert soup.find("h1").get_text(strip=True) == "Dismiss this tip? It leaves the list of new tips."
    confirm = button(soup, "Dismiss tip")
    form = confirm.find_parent("form")
    assert form["action"] == f"/desk/tips/{tip.pk}/dismiss/"
    assert form.find("input", attrs={"name": "confirmed"})["value"] == "yes"
    assert "button-danger" in confirm["class"]
    assert soup.find("a", string="Cancel") is not None


def test_the_confirmation_page_sends_the_same_fields_and_then_acts(journalist_client):
    tip = factories.TipFactory()
    soup = parse(journalist_client.post(f"/desk/tips/{tip.pk}/dismiss/", {"confirmed": "no"}))
    form = button(soup, "Dismiss tip").find_parent("form")
    data = {field["name"]: field["value"] for field in form.find_all("input", attrs={"type": "hidden"})}
    response = journalist_client.post(form["action"], data)
    assert response.status_code == 303
    assert Tip.objects.get(pk=tip.pk).status == Tip.TipStatus.DISMISSED


def test_deleting_a_rating_asks_with_the_ratings_name_and_changes_nothing(editor_client):
    rating = Rating.objects.create(label="Spin", value=None, colour="#555555", position=99)
    before = snapshot()
    response = editor_client.post(f"/desk/ratings/{rating.pk}/delete/", {"confirmed": "no"})
    assert response.status_code == 200
    assert snapshot() == before
    soup = parse(response)
    assert "Delete “Spin”?" in soup.find("h1").get_text()
    assert button(soup, "Delete") is not None


def test_moving_a_rating_never_asks(editor_client):
    rating = Rating.objects.order_by("position").last()
    response = editor_client.post(f"/desk/ratings/{rating.pk}/up/", {"confirmed": "no"})
    assert response.status_code == 303


def test_a_journalist_gets_no_confirmation_page_for_a_rating_but_the_refusal(journalist_client):
    rating = Rating.objects.order_by("position").last()
    response = journalist_client.post(f"/desk/ratings/{rating.pk}/delete/", {"confirmed": "yes"})
    assert response.status_code == 403


def test_the_desk_has_the_confirmation_dialog(journalist_client):
    soup = parse(journalist_client.get("/desk/"))
    dialog = soup.find("dialog", id="confirm-dialog")
    assert dialog is not None and dialog["aria-labelledby"] == "confirm-question"
    assert dialog.find("form")["method"] == "dialog"
    assert "button-danger" in dialog.find(id="confirm-button")["class"]


# --- the user menu and phone lists ------------------------------------------------------------------


def test_sign_out_is_a_quiet_button_in_the_user_menu(journalist_client):
    soup = parse(journalist_client.get("/desk/"))
    menu = soup.find("details", class_="user-menu")
    assert "Amira Khan" in menu.find("summary").get_text()
    sign_out = button(menu, "Sign out")
    assert "button-quiet" in sign_out["class"]


@pytest.mark.parametrize("url,testid", [("/desk/claims/", "claims-table"), ("/desk/speakers/", "speakers-table"),
                                        ("/desk/sources/", "sources-table"), ("/desk/tips/", "tips-table"),
                                        ("/desk/topics/", "topics-table")])
def test_desk_lists_label_each_cell_for_their_phone_cards(journalist_client, url, testid):
    factories.ClaimFactory(researching=True)
    factories.TipFactory()
    factories.TopicFactory()
    soup = parse(journalist_client.get(url))
    table = soup.find(attrs={"data-testid": testid})
    assert "cards" in table["class"]
    row = table.find("tbody").find("tr")
    cells = row.find_all("td")
    if len(cells) > 1:
        assert any(cell.get("data-label") for cell in cells[1:])


def test_a_journalist_is_refused_before_being_asked_to_delete_a_rating(journalist_client):
    rating = Rating.objects.order_by("position").last()
    before = snapshot()
    response = journalist_client.post(f"/desk/ratings/{rating.pk}/delete/", {"confirmed": "no"})
    assert response.status_code == 403
    assert snapshot() == before


def test_merging_speakers_asks_naming_both_and_then_merges(editor_client):
    from claims.models import Speaker

    keep, duplicate = factories.SpeakerFactory(name="Dana Whitfield"), factories.SpeakerFactory(name="D. Whitfield")
    data = {"keep": keep.pk, "duplicate": duplicate.pk, "confirmed": "no"}
    before = snapshot()
    response = editor_client.post("/desk/speakers/merge/", data)
    assert response.status_code == 200
    assert snapshot() == before
    soup = parse(response)
    assert soup.find("h1").get_text(strip=True).startswith("Merge “D. Whitfield” into “Dana Whitfield”?")
    assert editor_client.post("/desk/speakers/merge/", {**data, "confirmed": "yes"}).status_code == 303
    assert not Speaker.objects.filter(pk=duplicate.pk).exists()


def test_a_journalist_is_refused_a_speaker_merge_without_being_asked(journalist_client):
    keep, duplicate = factories.SpeakerFactory(), factories.SpeakerFactory()
    response = journalist_client.post("/desk/speakers/merge/", {"keep": keep.pk, "duplicate": duplicate.pk,
                                                                 "confirmed": "no"})
    assert response.status_code == 403


def test_the_desk_navigation_marks_the_current_page(journalist_client):
    nav = parse(journalist_client.get("/desk/claims/")).find("nav", attrs={"aria-label": "Main"})
    assert nav.find("a", string="Claims")["aria-current"] == "page"
    assert nav.find("a", string="Tips").get("aria-current") is None


@pytest.mark.parametrize("action,state,button_name,data", [
    ("dismiss", "researching", "Dismiss", {"comment": "Not a checkable claim."}),
    ("retract", "published", "Retract", {"comment": "The figures were wrong."}),
    ("merge", "researching", "Merge", {"into": "1"}),
])
def test_without_javascript_a_destructive_workflow_action_asks_on_a_page(editor_client, action, state, button_name,
                                                                         data):
    claim = factories.ClaimFactory(**{state: True})
    before = snapshot()
    response = editor_client.post(f"/desk/claims/{claim.pk}/{action}/", {**data, "confirmed": "no"})
    assert response.status_code == 200
    assert snapshot() == before
    form = button(parse(response), button_name).find_parent("form")
    sent = {field["name"]: field["value"] for field in form.find_all("input", attrs={"type": "hidden"})}
    assert sent["confirmed"] == "yes"
    assert all(sent[key] == value for key, value in data.items())


def test_a_journalist_is_refused_a_retraction_before_being_asked(journalist_client):
    claim = factories.ClaimFactory(published=True)
    before = snapshot()
    response = journalist_client.post(f"/desk/claims/{claim.pk}/retract/", {"comment": "x", "confirmed": "no"})
    assert response.status_code == 403
    assert snapshot() == before


def test_the_workspaces_destructive_actions_ask_first(editor_client):
    claim = factories.ClaimFactory(researching=True)
    soup = parse(editor_client.get(f"/desk/claims/{claim.pk}/"))
    for name in ("Dismiss", "Merge"):
        control = button(soup, name)
        assert "button-danger" in control["class"]
        assert control.find_parent("form").find("input", attrs={"name": "confirmed"})["value"] == "no"
