"""The workflow through the desk's HTTP views: every transition × persona × state (DESIGN.md §1, §3).

Claims are brought into each state with the services, so verdict authorship, votes and events are
real. The expected answers are written out here from the design, not read from `permissions.TABLE`:
a wrong entry in the product's table must make this file fail.
"""

from __future__ import annotations

import json

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Max
from django.shortcuts import resolve_url

from claims import services
from claims.models import Claim, Correction, Event, ReviewVote, Verdict
from claims.setup import EDITORS, JOURNALISTS
from tests import factories
from tests.factories import rating
from tests.html import parse

pytestmark = pytest.mark.django_db

User = get_user_model()

STATES = ("logged", "researching", "in_review", "published", "dismissed", "retracted")
ACTIONS = ("assign-self", "assign", "submit", "approve", "request-changes", "correct", "retract", "dismiss",
           "reopen")
PERSONAS = ("anonymous", "journalist", "author", "editor", "changer", "inactive_editor", "superuser", "outsider")
SIGNED_OUT = frozenset({"anonymous", "inactive_editor"})  # an inactive user's session no longer counts

JOURNALIST_PERSONAS = frozenset({"journalist", "author"})
EDITOR_PERSONAS = frozenset({"editor", "changer", "superuser"})
DESK = JOURNALIST_PERSONAS | EDITOR_PERSONAS

# Who may take each transition in which state (DESIGN.md §1 and the diagram in §3).
ALLOWED: dict[str, dict[str, frozenset[str]]] = {
    # "Assign to me" on a claim that is no longer logged takes it over from its assignee: editors only.
    "assign-self": {"logged": DESK, "researching": EDITOR_PERSONAS},
    "assign": {"logged": EDITOR_PERSONAS, "researching": EDITOR_PERSONAS},
    "submit": {"researching": DESK},
    "approve": {"in_review": EDITOR_PERSONAS},
    "request-changes": {"in_review": EDITOR_PERSONAS},
    "correct": {"published": EDITOR_PERSONAS},
    "retract": {"published": EDITOR_PERSONAS},
    "dismiss": {"logged": EDITOR_PERSONAS, "researching": EDITOR_PERSONAS},
    "reopen": {"dismissed": EDITOR_PERSONAS},
}

# The workflow buttons of the workspace, by the action they take.
BUTTONS = {
    "Assign to me": {"logged": DESK},  # taking over a claim in research is done with "Assign to…"
    "Assign to…": ALLOWED["assign"],
    "Submit for review": ALLOWED["submit"],
    "Approve": {"in_review": EDITOR_PERSONAS - {"changer"}},  # four eyes
    "Request changes": {"in_review": EDITOR_PERSONAS - {"changer"}},  # nor may they end the round
    "Merge": {state: EDITOR_PERSONAS for state in ("logged", "researching", "dismissed", "published")},
    "Correct": ALLOWED["correct"],
    "Retract": ALLOWED["retract"],
    "Dismiss": ALLOWED["dismiss"],
    "Reopen": ALLOWED["reopen"],
}

NEXT_STATE = {
    "assign-self": lambda state: "researching",
    "assign": lambda state: "researching",
    "submit": lambda state: "in_review",
    "approve": lambda state: "published",  # one approval is the default quorum
    "request-changes": lambda state: "researching",
    "correct": lambda state: "published",
    "retract": lambda state: "retracted",
    "dismiss": lambda state: "dismissed",
    "reopen": lambda state: "logged",
}

EVENT_ACTION = {
    "assign-self": lambda state: "assigned" if state == "logged" else "reassigned",
    "assign": lambda state: "assigned" if state == "logged" else "reassigned",
    "submit": lambda state: "submitted",
    "approve": lambda state: "published",
    "request-changes": lambda state: "changes_requested",
    "correct": lambda state: "corrected",
    "retract": lambda state: "retracted",
    "dismiss": lambda state: "dismissed",
    "reopen": lambda state: "reopened",
}

# Actions whose form has a required field, and the same form with it left out (or blank).
INCOMPLETE = {
    "assign": {},
    "request-changes": {"comment": "   "},
    "correct": {"correction-conclusion": "A corrected conclusion."},
    "retract": {"comment": ""},
    "dismiss": {},
}


def complete_input(action: str, people: dict) -> dict:
    return {
        "assign-self": {},
        "assign": {"assignee": people["deputy"].pk},
        "submit": {"comment": "Ready for a second pair of eyes."},
        "approve": {"comment": "Checked against the Home Office table."},
        "request-changes": {"comment": "Cite the Home Office table for the year to March."},
        "correct": {"correction-kind": "correction", "correction-note": "We corrected the conclusion.",
                    "correction-conclusion": "A corrected conclusion."},
        "retract": {"comment": "We withdrew this check: the quote was misattributed."},
        "dismiss": {"comment": "Not a checkable claim."},
        "reopen": {},
    }[action]


def expected_status(action: str, persona: str, state: str, *, complete: bool = True) -> int:
    """Signed out → 302, wrong role → 403, wrong state → 409, missing input → 422, done → 303."""
    if persona in SIGNED_OUT:
        return 302
    if persona not in DESK:
        return 403
    allowed = ALLOWED[action]
    if persona not in frozenset().union(*allowed.values()):
        return 403
    if persona not in allowed.get(state, frozenset()):
        if action == "assign-self" and persona in JOURNALIST_PERSONAS:
            return 403  # beyond "logged" this takes a claim from someone: editors only
        return 409
    if action in ("approve", "request-changes") and persona == "changer":
        return 403  # four eyes: whoever changed the verdict may neither approve it nor end its round
    return 303 if complete else 422


def expected_buttons(persona: str, state: str) -> set[str]:
    return {name for name, allowed in BUTTONS.items() if persona in allowed.get(state, frozenset())}


# ---------------------------------------------------------------- people, claims, snapshots


@pytest.fixture(autouse=True)
def _one_approval_publishes(settings):
    settings.REVIEW_APPROVALS_REQUIRED = 1


@pytest.fixture
def people(db) -> dict[str, User]:
    journalists = Group.objects.get(name=JOURNALISTS)
    editors = Group.objects.get(name=EDITORS)

    def person(username, first, last, groups=(), **extra):
        return factories.UserFactory(username=username, first_name=first, last_name=last, groups=list(groups),
                                     **extra)

    return {
        "journalist": person("journalist", "Amira", "Khan", [journalists]),
        "author": person("author", "Ben", "Author", [journalists]),
        "editor": person("editor", "Tom", "Hughes", [editors]),
        "changer": person("changer", "Cara", "Changer", [editors]),
        "inactive_editor": person("inactive", "Ivo", "Inactive", [editors]),
        "superuser": person("admin", "Ada", "Admin", is_superuser=True, is_staff=True),
        "outsider": person("outsider", "Olly", "Outside"),
        # Not personas: they move claims along, or receive an assignment.
        "approver": person("approver", "Grace", "Okafor", [editors]),
        "deputy": person("deputy", "Dee", "Deputy", [journalists]),
    }


def reload(claim: Claim) -> Claim:
    return Claim.objects.get(pk=claim.pk)


def build(state: str, people: dict) -> Claim:
    """A claim in `state`, reached through the services: the author logged it, took it, added
    evidence and wrote the verdict; the changer (an editor) reworded it in the same round."""
    author, changer, approver = people["author"], people["changer"], people["approver"]
    claim = services.claim_create(
        actor=author, speaker=factories.SpeakerFactory(), source=factories.SourceFactory(),
        quote="Over 50,000 illegal immigrants have crossed the Channel in Labour's short time in power.",
        claim_checked="More than 50,000 people crossed the Channel by small boat since the election.",
    )
    if state == "logged":
        return reload(claim)
    services.claim_assign(claim_id=claim.pk, actor=author)
    services.evidence_add(claim_id=claim.pk, actor=author, data={
        "url": "https://stats.example.org/small-boats", "title": "Small boat arrivals, year to March",
        "stance": "contradicts", "passage": "1,900 Iraqis arrived by small boat, down from 2,600."})
    services.verdict_save(claim_id=claim.pk, actor=author, version=None, data={
        "rating": rating("mostly-false"), "conclusion": "The total counts arrivals under both governments.",
        "analysis": "The **Home Office** table counts from January."})
    version = Verdict.objects.get(claim=claim).version
    services.verdict_save(claim_id=claim.pk, actor=changer, version=version,
                          data={"conclusion": "Fewer people crossed under this government than claimed."})
    if state == "dismissed":
        services.claim_dismiss(claim_id=claim.pk, actor=approver, reason="Duplicate of an earlier check.")
    if state in ("researching", "dismissed"):
        return reload(claim)
    services.claim_submit(claim_id=claim.pk, actor=author)
    if state == "in_review":
        return reload(claim)
    services.review_approve(claim_id=claim.pk, actor=approver, comment="Agreed.")
    if state == "published":
        return reload(claim)
    services.claim_retract(claim_id=claim.pk, actor=approver, note="The quote was misattributed.")
    return reload(claim)


def signed_in(client, persona: str, people: dict):
    if persona == "anonymous":
        return client
    user = people[persona]
    client.force_login(user)
    if persona == "inactive_editor":
        # Signed in while active, then switched off: the session must stop counting at once.
        user.is_active = False
        user.save(update_fields=["is_active"])
    return client


def snapshot() -> dict[str, list[dict]]:
    """Every row the desk can touch, so a refusal can be shown to have changed nothing."""
    models = [*apps.get_app_config("claims").get_models(), Claim.topics.through, User, Group]
    return {m._meta.label: list(m._default_manager.order_by("pk").values()) for m in models}


def summary(claim: Claim) -> dict:
    """The figures a refusal must leave alone, readable in a failure message."""
    claim = reload(claim)
    verdict = Verdict.objects.filter(claim=claim).values("rating_id", "conclusion", "analysis", "version",
                                                         "submitted_at", "published_at").first()
    return {
        "status": claim.status, "version": claim.version, "review_round": claim.review_round,
        "assignee": claim.assignee_id, "votes": ReviewVote.objects.filter(claim=claim).count(),
        "corrections": Correction.objects.filter(claim=claim).count(), "events": Event.objects.count(),
        "verdict": verdict,
    }


def last_event_id() -> int:
    return Event.objects.aggregate(m=Max("pk"))["m"] or 0


def transition_url(claim: Claim, action: str) -> str:
    return f"/desk/claims/{claim.pk}/{action}/"


def login_url() -> str:
    return resolve_url(settings.LOGIN_URL)


def assert_refused(response, expected: int) -> None:
    assert response.status_code == expected, response.content.decode()[:2000]
    if expected == 302:
        assert response["Location"].startswith(login_url() + "?next=")
    elif expected == 409:
        refusal = parse(response).find(attrs={"data-testid": "refusal"})
        assert refusal is not None and refusal.get_text(strip=True), "the refusal says why"
    # What a 422 shows next to the fields is checked form by form in test_workflow.py.


# ---------------------------------------------------------------- the matrix


MATRIX = [(action, persona, state) for action in ACTIONS for persona in PERSONAS for state in STATES]


@pytest.mark.parametrize(("action", "persona", "state"), MATRIX)
def test_it_answers_every_transition_for_every_persona_and_state(
        action, persona, state, people, client, mailoutbox, django_capture_on_commit_callbacks):
    claim = build(state, people)
    client = signed_in(client, persona, people)
    expected = expected_status(action, persona, state)
    before, figures, since = snapshot(), summary(claim), last_event_id()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(transition_url(claim, action), complete_input(action, people))

    if expected != 303:
        assert_refused(response, expected)
        assert summary(claim) == figures
        assert snapshot() == before
        assert callbacks == [] and mailoutbox == []
        return

    assert response.status_code == 303, response.content.decode()[:2000]
    assert response["Location"] == claim.get_desk_url()
    after = reload(claim)
    assert after.status == NEXT_STATE[action](state)
    events = list(Event.objects.filter(pk__gt=since))
    assert [(e.action, e.actor, e.status_before, e.status_after) for e in events] == [
        (EVENT_ACTION[action](state), people[persona], state, after.status)]
    if action == "assign-self":
        assert after.assignee == people[persona]
    if action == "assign":
        assert after.assignee == people["deputy"]
    if action == "approve":
        assert ReviewVote.objects.filter(claim=claim, editor=people[persona], decision="approve").count() == 1
    if action in ("correct", "retract"):
        assert Correction.objects.filter(claim=claim).count() == figures["corrections"] + 1


MISSING_INPUT = [(action, persona, state) for action in INCOMPLETE for persona in PERSONAS for state in STATES]


@pytest.mark.parametrize(("action", "persona", "state"), MISSING_INPUT)
def test_it_checks_role_and_state_before_asking_for_missing_input(
        action, persona, state, people, client, mailoutbox, django_capture_on_commit_callbacks):
    """A missing comment is only worth mentioning to someone who may take the action now."""
    claim = build(state, people)
    client = signed_in(client, persona, people)
    expected = expected_status(action, persona, state, complete=False)
    before, figures = snapshot(), summary(claim)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(transition_url(claim, action), INCOMPLETE[action])

    assert_refused(response, expected)
    assert summary(claim) == figures
    assert snapshot() == before
    assert callbacks == [] and mailoutbox == []


# ---------------------------------------------------------------- the buttons


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("persona", sorted(DESK))
def test_it_shows_only_the_workflow_buttons_this_person_may_use(persona, state, people, client):
    claim = build(state, people)
    response = signed_in(client, persona, people).get(claim.get_desk_url())
    assert response.status_code == 200
    workflow = parse(response).find(id="workflow")
    assert workflow is not None
    shown = {button.get_text(strip=True) for button in workflow.find_all("button")}
    assert shown == expected_buttons(persona, state)


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize(("persona", "expected"), [("anonymous", 302), ("inactive_editor", 302), ("outsider", 403)])
def test_it_keeps_the_workspace_from_people_off_the_desk(persona, expected, state, people, client):
    claim = build(state, people)
    response = signed_in(client, persona, people).get(claim.get_desk_url())
    assert_refused(response, expected)


def test_it_hides_approve_from_the_editor_who_changed_the_verdict_but_not_from_others(people, client):
    claim = build("in_review", people)
    assert services.verdict_writers(claim) == {people["author"].pk, people["changer"].pk}
    for persona, reviews in (("changer", False), ("editor", True), ("superuser", True)):
        client.force_login(people[persona])
        workflow = parse(client.get(claim.get_desk_url())).find(id="workflow")
        names = {b.get_text(strip=True) for b in workflow.find_all("button")}
        assert ("Approve" in names) is reviews, persona
        assert ("Request changes" in names) is reviews, persona


# ---------------------------------------------------------------- htmx answers


def test_it_sends_htmx_requests_of_signed_out_people_to_sign_in(people, client):
    claim = build("in_review", people)
    before = snapshot()
    response = client.post(transition_url(claim, "approve"), headers={"HX-Request": "true"})
    assert response["HX-Redirect"].startswith(login_url() + "?next=")
    assert snapshot() == before


def test_it_answers_a_wrong_state_htmx_request_with_a_message_fragment(people, client):
    claim = build("published", people)
    client.force_login(people["editor"])
    before = snapshot()
    response = client.post(transition_url(claim, "approve"), headers={"HX-Request": "true"})
    assert response.status_code == 409
    assert b"<html" not in response.content
    assert response["HX-Retarget"] == "#desk-messages"
    assert parse(response).find(attrs={"data-testid": "refusal"}).get_text(strip=True)
    assert snapshot() == before


def test_it_answers_a_successful_htmx_transition_with_the_workspace(people, client):
    claim = build("in_review", people)
    client.force_login(people["editor"])
    response = client.post(transition_url(claim, "approve"), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert b"<html" not in response.content
    root = parse(response).find(True)
    assert root.get("id") == "workspace"
    assert "claim-changed" in json.loads(response["HX-Trigger"])
    assert root.find(attrs={"data-testid": "claim-status"}).get_text(strip=True) == "Published"
    assert reload(claim).status == "published"
