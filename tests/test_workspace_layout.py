"""The workspace built around the claim, server-rendered: the quote as the heading with its status,
an action bar holding exactly the actions this person may take, panel headings that fold, the
quote's words with their code point offsets, and the focus target in swapped fragments."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims import permissions
from claims.models import Claim
from tests import factories
from tests.html import parse

pytestmark = pytest.mark.django_db

STATES = ("logged", "researching", "in_review", "published", "dismissed", "retracted")
# What the bar shows, written out from DESIGN.md §1 and §3 (and checked against actions_for below).
EXPECTED = {
    ("journalist", "logged"): {"assign_self"},
    ("journalist", "researching"): {"submit"},
    ("journalist", "in_review"): set(),
    ("journalist", "published"): set(),
    ("journalist", "dismissed"): set(),
    ("journalist", "retracted"): set(),
    ("editor", "logged"): {"assign_self", "assign", "dismiss", "merge"},
    ("editor", "researching"): {"assign", "submit", "dismiss", "merge"},
    ("editor", "in_review"): {"approve", "request_changes"},
    ("editor", "published"): {"correct", "retract", "merge"},
    ("editor", "dismissed"): {"reopen", "merge"},
    ("editor", "retracted"): set(),
}


def make(state: str) -> Claim:
    return factories.ClaimFactory(quote="Over 50,000 people crossed the Channel last year.",
                                  **({} if state == "logged" else {state: True}))


def page(client, claim: Claim):
    response = client.get(claim.get_desk_url())
    assert response.status_code == 200
    return parse(response)


def shown_actions(soup) -> list[str]:
    bar = soup.find(id="workflow")
    assert bar is not None
    actions = bar.find(attrs={"data-testid": "actions"})
    return [el["data-action"] for el in actions.find_all(attrs={"data-action": True})]


def test_it_heads_the_workspace_with_the_quote_and_its_status(journalist_client):
    claim = factories.ClaimFactory(researching=True, quote="Crossings rose by 20% this summer.")
    soup = page(journalist_client, claim)
    [h1] = soup.find_all("h1")
    assert h1.find(attrs={"data-testid": "quote"}).get_text() == claim.quote
    badge = h1.find("span", class_="status")
    assert badge is not None and "status-researching" in badge["class"]
    assert badge.get_text(strip=True) == "Researching"
    assert h1.get_text(" ", strip=True) == f"{claim.quote} Researching"
    meta = soup.find(attrs={"data-testid": "claim-meta"}).get_text(" ", strip=True)
    assert claim.speaker.name in meta


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("persona", ["journalist", "editor"])
def test_it_shows_exactly_the_actions_this_person_may_take(persona, state, request, client):
    user = request.getfixturevalue(persona)
    claim = make(state)
    client.force_login(user)
    shown = shown_actions(page(client, claim))
    # The same actions, each once (the bar puts the one that moves the claim on first).
    assert sorted(shown) == sorted(permissions.actions_for(user, claim))
    assert set(shown) == EXPECTED[(persona, state)]
    # The workflow buttons live in the bar only: no second set anywhere else.
    soup = page(client, claim)
    outside = [b.get_text(strip=True) for b in soup.find_all("button")
               if b.find_parent(id="workflow") is None and b.get_text(strip=True) in (
                   "Assign to me", "Submit for review", "Approve", "Request changes", "Dismiss", "Reopen", "Retract",
                   "Merge")]
    assert outside == []


def test_it_opens_the_comment_of_an_action_in_place(editor_client):
    claim = make("in_review")
    bar = page(editor_client, claim).find(id="workflow")
    details = bar.find(attrs={"data-action": "request_changes"})
    assert details.name == "details" and not details.has_attr("open")
    assert details.find("summary") is not None
    form = details.find("form")
    assert form.find("input", attrs={"name": "comment"}).has_attr("required")
    assert form.find("button").get_text(strip=True) == "Request changes"


def test_it_gives_every_panel_a_heading_that_folds_it(journalist_client):
    claim = make("researching")
    soup = page(journalist_client, claim)
    panels = soup.find_all("section", class_="panel")
    assert {p["id"] for p in panels} >= {"claim-form", "evidence-panel", "verdict-panel", "notes-panel",
                                         "appearances-panel", "numbers-panel", "past-rulings", "replies-panel",
                                         "history"}
    for panel in panels:
        heading = panel.find("h2")
        assert heading["tabindex"] == "-1", panel["id"]
        button = heading.find("button")
        assert button is not None and button["type"] == "button", panel["id"]
        assert button["aria-expanded"] == "true", panel["id"]
        body = soup.find(id=button["aria-controls"])
        assert body is not None and panel in body.parents, panel["id"]
        assert not body.has_attr("hidden"), panel["id"]  # without JavaScript every panel is open


def test_it_gives_each_word_its_code_point_offsets(journalist_client):
    quote = "🚤 Ça a augmenté de 20 % — «vraiment» déjà."
    claim = factories.ClaimFactory(researching=True, quote=quote)
    soup = page(journalist_client, claim)
    words = soup.find(id="quote-text")
    assert words.find_parent("h1") is not None
    options = words.find_all("span", class_="word")
    assert [o["tabindex"] for o in options].count("0") == 1  # one tab stop
    assert [quote[int(o["data-start"]):int(o["data-end"])] for o in options] == quote.split()
    assert words.get_text() == quote  # the text a mouse selection counts in is the quote itself


def test_it_marks_noted_words_inside_the_word_list(journalist_client):
    claim = factories.ClaimFactory(researching=True, quote="Crossings rose by 20% this summer.")
    factories.AnnotationFactory(claim=claim, start=10, end=21)  # "rose by 20%"
    words = page(journalist_client, claim).find(id="quote-text")
    assert "".join(m.get_text() for m in words.find_all("mark")) == "rose by 20%"
    assert all("word" in child["class"] for child in words.find_all(recursive=False))


def fragment(response):
    soup = parse(response)
    assert soup.find("html") is None
    return soup


def test_it_focuses_the_workspace_heading_after_assign_to_me(journalist_client):
    claim = make("logged")
    response = journalist_client.post(f"/desk/claims/{claim.pk}/assign-self/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    soup = fragment(response)
    [target] = soup.find_all(attrs={"autofocus": True})
    assert target.name == "h1" and target["tabindex"] == "-1"
    assert soup.find(True)["id"] == "workspace"


def test_it_focuses_the_notes_heading_after_add_note_and_refreshes_the_quote(journalist_client):
    claim = make("researching")
    response = journalist_client.post(f"/desk/claims/{claim.pk}/notes/", {"body": "Which year?", "start": "5",
                                                                         "end": "11"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    soup = fragment(response)
    assert soup.find(True)["id"] == "notes-panel"
    [target] = soup.find_all(attrs={"autofocus": True})
    assert target["id"] == "notes-heading" and target["tabindex"] == "-1"
    assert "note-added" in response["HX-Trigger"]
    # The quote's region refreshes on that event, and its fragment shows the new highlight.
    region = page(journalist_client, claim).find(id="quote-region")
    assert "note-added from:body" in region["data-hx-trigger"]
    quote = fragment(journalist_client.get(region["data-hx-get"], HTTP_HX_REQUEST="true"))
    assert quote.find(True)["id"] == "quote-text"
    assert quote.find("mark").get_text() == claim.quote[5:11]


def test_it_focuses_the_first_invalid_field_not_the_heading(journalist_client):
    claim = make("researching")
    response = journalist_client.post(f"/desk/claims/{claim.pk}/notes/", {"body": ""}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    soup = fragment(response)
    assert soup.find(attrs={"aria-invalid": "true"}) is not None  # desk.js focuses it first


def test_it_renders_no_focus_target_on_a_whole_page(journalist_client):
    soup = page(journalist_client, make("researching"))
    assert soup.find(id="workspace").find_all(attrs={"autofocus": True}) == []


@pytest.mark.parametrize("words", [1, 50])
def test_it_opens_the_word_list_in_the_same_number_of_queries(journalist_client, words):
    counts = {}
    for n in (1, words):
        claim = factories.ClaimFactory(researching=True, quote=" ".join(["word"] * n))
        for i in range(min(n, 5)):
            factories.AnnotationFactory(claim=claim, start=i * 5, end=i * 5 + 4)
        journalist_client.get(claim.get_desk_url())
        with CaptureQueriesContext(connection) as context:
            journalist_client.get(claim.get_desk_url())
        counts[n] = len(context.captured_queries)
    assert counts[words] == counts[1]
