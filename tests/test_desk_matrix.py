"""Every desk URL and action × every persona (and, for a claim's actions, × every state) → the
expected status; and whenever the answer is a refusal, nothing in the database has changed
(DESIGN §1: "A refusal never changes anything")."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Max
from django.test import Client

from claims.models import (
    Annotation,
    Appearance,
    Claim,
    Correction,
    Event,
    Evidence,
    ImportDraft,
    ReplyAttempt,
    ReviewVote,
    Source,
    Speaker,
    Tip,
    Topic,
    Verdict,
)
from tests import factories

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}
LOGIN = "/accounts/login/"
REDIRECT = (302, 303)  # test_desk_views pins 303 for the htmx forms; here the question is who may
REFUSALS = (403, 405, 409, 422)
CLAIMREVIEW = (b'{"@type": "ClaimReview", "url": "https://checks.example.org/2024/ferry", "claimReviewed": '
               b'"Ferry fares doubled.", "reviewRating": {"alternateName": "False"}}')


def db_state() -> dict:
    models = (Claim, Evidence, Verdict, Annotation, ReplyAttempt, ReviewVote, Correction, Speaker, Source, Topic,
              Tip, Event, Appearance)
    return {
        "counts": {model.__name__: model.objects.count() for model in models},
        "last_event": Event.objects.aggregate(last=Max("pk"))["last"],
        "claims": list(Claim.objects.order_by("pk").values_list(
            "pk", "status", "version", "assignee_id", "review_round", "quote", "claim_checked", "speaker_id",
            "source_id", "published_at")),
        "topics_of_claims": list(Claim.topics.through.objects.order_by("pk").values_list("claim_id", "topic_id")),
        "evidence": list(Evidence.objects.order_by("pk").values_list("pk", "version", "position", "title")),
        "verdicts": list(Verdict.objects.order_by("pk").values_list("pk", "version", "rating_id", "conclusion",
                                                                    "submitted_at", "published_at")),
        "notes": list(Annotation.objects.order_by("pk").values_list("pk", "resolved", "detached", "body")),
        "tips": list(Tip.objects.order_by("pk").values_list("pk", "status", "claim_id")),
        "speakers": list(Speaker.objects.order_by("pk").values_list("pk", "name", "role")),
        "appearances": list(Appearance.objects.order_by("pk").values_list("pk", "claim_id", "accepted", "primary")),
        "sources": list(Source.objects.order_by("pk").values_list("pk", "title", "url")),
        "topics": list(Topic.objects.order_by("pk").values_list("pk", "name")),
    }


# --- The world every request runs against -------------------------------------------------------


@pytest.fixture
def world(journalist, editor, outsider):
    speaker = factories.SpeakerFactory(name="Chris Example", slug="chris-example")
    duplicate = factories.SpeakerFactory(name="Chris Exampel", slug="chris-exampel")
    topic = factories.TopicFactory(name="Migration", slug="migration")
    source = factories.SourceFactory(title="Home Office statistics")
    logged = factories.ClaimFactory(speaker=speaker, quote="Over 50,000 people crossed the Channel last year.",
                                    with_verdict=True)
    logged.topics.add(topic)
    first = factories.EvidenceFactory(claim=logged)
    second = factories.EvidenceFactory(claim=logged)
    note = factories.AnnotationFactory(claim=logged, author=journalist)
    researching = factories.ClaimFactory(researching=True, assignee=journalist, speaker=duplicate,
                                         with_verdict=True)
    factories.EvidenceFactory(claim=researching)
    in_review = factories.ClaimFactory(in_review=True)
    factories.EvidenceFactory(claim=in_review)
    # What a public check shows: its speaker, its source and its topic change only through an editor.
    shown_speaker = factories.SpeakerFactory(name="Pat Published", slug="pat-published")
    shown_source = factories.SourceFactory(title="Published interview")
    shown_topic = factories.TopicFactory(name="Housing", slug="housing")
    published = factories.ClaimFactory(published=True, speaker=shown_speaker, source=shown_source)
    published.topics.add(shown_topic)
    pending = Appearance.objects.create(claim=published, speaker=speaker, quote=published.quote, accepted=False)
    return SimpleNamespace(
        journalist=journalist, editor=editor, speaker=speaker, duplicate=duplicate, topic=topic, source=source,
        logged=logged, first=first, second=second, note=note, verdict=logged.verdict, researching=researching,
        in_review=in_review, dismissed=factories.ClaimFactory(dismissed=True),
        published=published, shown_speaker=shown_speaker, shown_source=shown_source, shown_topic=shown_topic,
        pending=pending, tip=factories.TipFactory(),
        false=factories.rating("false"), unused=factories.rating("unproven"),
        in_use=factories.rating("mostly-false"),
        draft=ImportDraft.objects.create(editor=editor, name="checks.json", body=CLAIMREVIEW),
    )


def claim_data(claim: Claim, **changes) -> dict:
    data = {"quote": claim.quote, "claim_checked": claim.claim_checked, "speaker": claim.speaker.name,
            "source_url": claim.source.url if claim.source else "",
            "date_said": claim.date_said.isoformat() if claim.date_said else "",
            "topics": [str(t.pk) for t in claim.topics.all()], "version": str(claim.version)}
    data.update(changes)
    return data


@dataclass(frozen=True)
class Action:
    name: str
    method: str
    url: Callable[[SimpleNamespace], str]
    data: Callable[[SimpleNamespace], dict] = field(default=lambda w: {})
    journalist: int | tuple[int, ...] = 200
    editor: int | tuple[int, ...] = 200
    changes: bool = False  # a success writes to the database


def page(name, url, **kwargs) -> Action:
    return Action(name, "get", url, **kwargs)


def post(name, url, data=lambda w: {}, journalist=REDIRECT, editor=REDIRECT, changes=True) -> Action:
    return Action(name, "post", url, data, journalist, editor, changes)


ACTIONS = [
    # Pages
    page("dashboard", lambda w: "/desk/"),
    page("claims", lambda w: "/desk/claims/?status=logged&q=channel"),
    page("claim-new", lambda w: "/desk/claims/new/"),
    page("claim-new-from-tip", lambda w: f"/desk/claims/new/?tip={w.tip.pk}"),
    page("similar-claims", lambda w: "/desk/claims/similar/?quote=people+crossed+the+channel"),
    page("speaker-options", lambda w: "/desk/speakers/options/?speaker=Chr"),
    page("speaker-add-form", lambda w: "/desk/speakers/add/"),
    page("workspace", lambda w: f"/desk/claims/{w.logged.pk}/"),
    page("workspace-history", lambda w: f"/desk/claims/{w.logged.pk}/?fragment=history"),
    page("claim-preview", lambda w: f"/desk/claims/{w.logged.pk}/preview/"),
    page("evidence-add-form", lambda w: f"/desk/claims/{w.logged.pk}/evidence/"),
    page("evidence-edit-form", lambda w: f"/desk/evidence/{w.first.pk}/edit/"),
    page("tips", lambda w: "/desk/tips/"),
    page("intake", lambda w: "/desk/intake/"),
    post("intake-find", lambda w: "/desk/intake/",
         lambda w: {"article_text": 'Jo Bloggs said: "Crime fell by 20% in the last year."'},
         journalist=200, editor=200, changes=False),
    post("intake-log", lambda w: "/desk/intake/",
         lambda w: {"action": "log", "text": 'Jo Bloggs said: "Crime fell by 20% in the last year."', "pick": "0"}),
    page("speakers", lambda w: "/desk/speakers/"),
    page("speaker-create-form", lambda w: "/desk/speakers/new/"),
    page("speaker-edit-form", lambda w: f"/desk/speakers/{w.speaker.pk}/"),
    page("sources", lambda w: "/desk/sources/"),
    page("source-create-form", lambda w: "/desk/sources/new/"),
    page("source-edit-form", lambda w: f"/desk/sources/{w.source.pk}/"),
    page("topics", lambda w: "/desk/topics/"),
    page("topic-create-form", lambda w: "/desk/topics/new/"),
    page("topic-edit-form", lambda w: f"/desk/topics/{w.topic.pk}/"),
    # Claims
    post("bulk-assign", lambda w: "/desk/claims/assign/",
         lambda w: {"claims": [w.logged.pk, w.researching.pk], "assignee": w.editor.pk}, journalist=403),
    post("claim-create", lambda w: "/desk/claims/new/",
         lambda w: {"quote": "Crime fell by half.", "speaker": "Chris Example",
                    "source_url": "https://news.example.org/crime", "date_said": "2025-08-15",
                    "topics": [w.topic.pk]}),
    # The same words again stop at a choice; its answers join the claim or log a new one with a reason.
    post("claim-create-duplicate", lambda w: "/desk/claims/new/",
         lambda w: {"quote": w.logged.quote, "speaker": "Chris Example"}, journalist=409, editor=409, changes=False),
    post("claim-create-as-appearance", lambda w: "/desk/claims/new/",
         lambda w: {"quote": w.logged.quote, "speaker": "Chris Example", "decision": "appearance",
                    "duplicate_of": w.logged.pk}),
    post("claim-create-as-new-without-reason", lambda w: "/desk/claims/new/",
         lambda w: {"quote": w.logged.quote, "speaker": "Chris Example", "decision": "new",
                    "different_reason": "  "}, journalist=422, editor=422, changes=False),
    post("claim-create-as-new", lambda w: "/desk/claims/new/",
         lambda w: {"quote": w.logged.quote, "speaker": "Chris Example", "decision": "new",
                    "different_reason": "Said of another year."}),
    post("speaker-add", lambda w: "/desk/speakers/add/",
         lambda w: {"speaker-name": "Robin Example", "speaker-kind": "person"}),
    # Workspace
    post("claim-edit", lambda w: f"/desk/claims/{w.logged.pk}/edit/",
         lambda w: claim_data(w.logged, claim_checked="Restated by the matrix.")),
    post("evidence-add", lambda w: f"/desk/claims/{w.logged.pk}/evidence/",
         lambda w: {"url": "https://stats.example.org/new", "title": "New table", "stance": "context"}),
    post("evidence-edit", lambda w: f"/desk/evidence/{w.first.pk}/edit/",
         lambda w: {"url": w.first.url, "title": "Retitled", "stance": "supports", "version": w.first.version}),
    post("evidence-remove", lambda w: f"/desk/evidence/{w.first.pk}/remove/"),
    post("evidence-move", lambda w: f"/desk/evidence/{w.second.pk}/move/", lambda w: {"direction": "up"}),
    post("note-add", lambda w: f"/desk/claims/{w.logged.pk}/notes/",
         lambda w: {"body": "Which year?", "start": 0, "end": 4}),
    post("note-reply", lambda w: f"/desk/notes/{w.note.pk}/reply/", lambda w: {"body": "2024."}),
    post("note-resolve", lambda w: f"/desk/notes/{w.note.pk}/resolve/"),
    post("verdict-save", lambda w: f"/desk/claims/{w.logged.pk}/verdict/",
         lambda w: {"rating": w.false.pk, "conclusion": "Fewer crossed.", "analysis": "See the table.",
                    "version": w.verdict.version}),
    post("verdict-preview", lambda w: f"/desk/claims/{w.logged.pk}/verdict/preview/",
         lambda w: {"analysis": "**Bold**"}, journalist=200, editor=200, changes=False),
    post("reply-log", lambda w: f"/desk/claims/{w.logged.pk}/replies/",
         lambda w: {"contacted_on": "2025-08-18", "channel": "Email", "contact": "Press office",
                    "show_publicly": "on"}),
    # Workflow
    post("assign-self", lambda w: f"/desk/claims/{w.logged.pk}/assign-self/"),
    post("assign", lambda w: f"/desk/claims/{w.logged.pk}/assign/", lambda w: {"assignee": w.journalist.pk},
         journalist=403),
    post("submit", lambda w: f"/desk/claims/{w.researching.pk}/submit/"),
    post("approve", lambda w: f"/desk/claims/{w.in_review.pk}/approve/", lambda w: {"comment": "Sound."},
         journalist=403),
    post("request-changes", lambda w: f"/desk/claims/{w.in_review.pk}/request-changes/",
         lambda w: {"comment": "Add the 2024 figure."}, journalist=403),
    post("dismiss", lambda w: f"/desk/claims/{w.logged.pk}/dismiss/", lambda w: {"comment": "Not checkable."},
         journalist=403),
    post("reopen", lambda w: f"/desk/claims/{w.dismissed.pk}/reopen/", lambda w: {"comment": "New facts."},
         journalist=403),
    post("retract", lambda w: f"/desk/claims/{w.published.pk}/retract/", lambda w: {"comment": "Wrong source."},
         journalist=403),
    post("correct", lambda w: f"/desk/claims/{w.published.pk}/correct/",
         lambda w: {"correction-kind": "correction", "correction-note": "We gave the wrong year.",
                    "correction-conclusion": "Corrected."},
         journalist=403),
    post("merge", lambda w: f"/desk/claims/{w.logged.pk}/merge/", lambda w: {"into": str(w.researching.pk)},
         journalist=403),
    post("appearance-accept", lambda w: f"/desk/appearances/{w.pending.pk}/accept/", journalist=403),
    post("appearance-add", lambda w: f"/desk/claims/{w.logged.pk}/appearances/",
         lambda w: {"appearance-quote": "Over 50,000 crossed last year.", "appearance-speaker": "Chris Example"}),
    post("appearance-add-invalid", lambda w: f"/desk/claims/{w.logged.pk}/appearances/",
         lambda w: {"appearance-quote": "", "appearance-speaker": "Nobody Known"}, journalist=422, editor=422,
         changes=False),
    # The rating scale (editors)
    page("ratings", lambda w: "/desk/ratings/", journalist=403),
    page("rating-edit-form", lambda w: f"/desk/ratings/{w.unused.pk}/", journalist=403),
    post("rating-create", lambda w: "/desk/ratings/",
         lambda w: {"label": "Pants on fire", "value": "0", "definition": "Ridiculous.", "colour": "#ff0000"},
         journalist=403),
    post("rating-edit", lambda w: f"/desk/ratings/{w.unused.pk}/",
         lambda w: {"label": "Not proven", "value": "", "definition": "We cannot tell.", "colour": "#5f5f6e"},
         journalist=403),
    post("rating-move", lambda w: f"/desk/ratings/{w.unused.pk}/up/", journalist=403),
    post("rating-retire", lambda w: f"/desk/ratings/{w.unused.pk}/retire/", journalist=403),
    post("rating-delete", lambda w: f"/desk/ratings/{w.unused.pk}/delete/", journalist=403),
    post("rating-delete-in-use", lambda w: f"/desk/ratings/{w.in_use.pk}/delete/", journalist=403, editor=409),
    # ClaimReview import (editors): the preview keeps a draft, "Import" writes the records
    page("claimreview-import", lambda w: "/desk/import/claimreview/", journalist=403),
    post("claimreview-preview", lambda w: "/desk/import/claimreview/",
         lambda w: {"file": SimpleUploadedFile("checks.json", CLAIMREVIEW, content_type="application/json")},
         journalist=403, changes=False),
    post("claimreview-preview-invalid", lambda w: "/desk/import/claimreview/", journalist=403, editor=422,
         changes=False),
    page("claimreview-draft", lambda w: f"/desk/import/claimreview/{w.draft.pk}/", journalist=403),
    post("claimreview-draft-import", lambda w: f"/desk/import/claimreview/{w.draft.pk}/", journalist=403),
    # Directories
    post("tip-dismiss", lambda w: f"/desk/tips/{w.tip.pk}/dismiss/"),
    post("speaker-create", lambda w: "/desk/speakers/new/", lambda w: {"name": "Home Office",
                                                                       "kind": "organisation"}),
    post("speaker-edit", lambda w: f"/desk/speakers/{w.speaker.pk}/",
         lambda w: {"name": "Chris Renamed", "kind": "person", "role": "MP"}),
    post("speaker-merge", lambda w: "/desk/speakers/merge/",
         lambda w: {"keep": w.speaker.pk, "duplicate": w.duplicate.pk}, journalist=403),
    post("source-create", lambda w: "/desk/sources/new/",
         lambda w: {"title": "Speech in Dover", "url": "https://www.example.org/speech", "kind": "speech"}),
    post("source-edit", lambda w: f"/desk/sources/{w.source.pk}/",
         lambda w: {"title": "Immigration statistics", "url": w.source.url, "kind": "document"}),
    post("topic-create", lambda w: "/desk/topics/new/", lambda w: {"name": "Transport"}),
    post("public-speaker-rename", lambda w: f"/desk/speakers/{w.shown_speaker.pk}/",
         lambda w: {"name": "Pat Renamed", "kind": "person"}, journalist=403),
    post("public-source-edit", lambda w: f"/desk/sources/{w.shown_source.pk}/",
         lambda w: {"title": "Retitled interview", "url": w.shown_source.url, "kind": "article"}, journalist=403),
    post("public-topic-rename", lambda w: f"/desk/topics/{w.shown_topic.pk}/", lambda w: {"name": "Homes"},
         journalist=403),
    post("topic-edit", lambda w: f"/desk/topics/{w.topic.pk}/", lambda w: {"name": "Migration and asylum"}),
]
PERSONAS = ["anonymous", "outsider", "journalist", "editor"]


def _request(client: Client, action: Action, w, **headers):
    call = getattr(client, action.method)
    return call(action.url(w), action.data(w), headers=headers)


def _expected(action: Action, persona: str) -> tuple[int, ...]:
    wanted = {"outsider": 403, "journalist": action.journalist, "editor": action.editor}[persona]
    return wanted if isinstance(wanted, tuple) else (wanted,)


def test_it_covers_every_desk_url():
    """A new desk URL must join the matrix."""
    from claims.urls.desk import urlpatterns

    names = {pattern.name for pattern in urlpatterns}
    covered = {"dashboard", "claims", "claims_assign", "claim_new", "similar_claims", "claim", "claim_preview",
               "claim_edit", "evidence_add", "note_add", "verdict_save", "verdict_preview", "reply_log",
               "claim_transition", "evidence_edit", "evidence_remove", "evidence_move", "note_reply",
               "note_resolve", "tips", "tip_dismiss", "speakers", "speaker_create", "speaker_add",
               "speaker_options", "speaker_merge", "speaker_edit", "sources", "source_create", "source_edit",
               "topics", "topic_create", "topic_edit", "ratings", "rating_edit", "rating_action", "intake",
               "appearance_accept", "appearance_add", "claimreview_import", "claimreview_draft",
               # in their own matrices: tests/test_tokens.py, test_webhooks.py, test_jobs.py
               "tokens", "token_revoke", "webhooks", "webhook", "webhook_action", "jobs", "job_retry",
               "links", "link", "evidence_archive"}
    assert names == covered


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("action", ACTIONS, ids=[a.name for a in ACTIONS])
def test_it_answers_each_persona_as_the_design_says(client, world, action, persona, request):
    before = db_state()
    if persona == "anonymous":
        response = _request(client, action, world)
        assert response.status_code == 302
        assert response["Location"].startswith(f"{LOGIN}?next=")
        response = _request(client, action, world, **HX)
        assert response.get("HX-Redirect", "").startswith(f"{LOGIN}?next="), dict(response.headers)
        assert db_state() == before
        return

    client.force_login(request.getfixturevalue(persona))
    response = _request(client, action, world)
    expected = _expected(action, persona)
    assert response.status_code in expected, f"{action.name} as {persona}: {response.status_code}, not {expected}"
    if response.status_code in REFUSALS:
        assert db_state() == before
        if persona == "outsider":  # and an htmx request is refused alike
            assert _request(client, action, world, **HX).status_code == 403
            assert db_state() == before
    elif action.changes:
        assert db_state() != before, f"{action.name} as {persona} answered {response.status_code} but saved nothing"
    else:
        assert db_state() == before


# --- A claim's actions × its state --------------------------------------------------------------


STATES = ["logged", "researching", "in_review", "published", "dismissed", "retracted"]
OPEN = {"logged", "researching"}
NOT_FINAL = {"logged", "researching", "in_review", "published"}


def _claim_world(state: str, journalist):
    traits = {} if state == "logged" else {state: True}
    claim = factories.ClaimFactory(**traits, with_verdict=True)
    first = factories.EvidenceFactory(claim=claim)
    second = factories.EvidenceFactory(claim=claim)
    note = factories.AnnotationFactory(claim=claim, author=journalist)
    return SimpleNamespace(claim=claim, first=first, second=second, note=note, verdict=claim.verdict)


def _state_actions(w, assignee) -> dict:
    c = w.claim
    return {
        "workspace": ("get", f"/desk/claims/{c.pk}/", {}),
        "claim-preview": ("get", f"/desk/claims/{c.pk}/preview/", {}),
        "evidence-add-form": ("get", f"/desk/claims/{c.pk}/evidence/", {}),
        "evidence-edit-form": ("get", f"/desk/evidence/{w.first.pk}/edit/", {}),
        "claim-edit": ("post", f"/desk/claims/{c.pk}/edit/", claim_data(c, claim_checked="Changed.")),
        "evidence-add": ("post", f"/desk/claims/{c.pk}/evidence/",
                         {"url": "https://stats.example.org/new", "title": "New", "stance": "context"}),
        "evidence-edit": ("post", f"/desk/evidence/{w.first.pk}/edit/",
                          {"url": w.first.url, "title": "Retitled", "stance": "supports",
                           "version": w.first.version}),
        "evidence-remove": ("post", f"/desk/evidence/{w.first.pk}/remove/", {}),
        "evidence-move": ("post", f"/desk/evidence/{w.second.pk}/move/", {"direction": "up"}),
        "verdict-save": ("post", f"/desk/claims/{c.pk}/verdict/",
                         {"rating": factories.rating("true").pk, "conclusion": "Changed.",
                          "version": w.verdict.version}),
        "verdict-preview": ("post", f"/desk/claims/{c.pk}/verdict/preview/", {"analysis": "*x*"}),
        "note-add": ("post", f"/desk/claims/{c.pk}/notes/", {"body": "A note."}),
        "note-reply": ("post", f"/desk/notes/{w.note.pk}/reply/", {"body": "A reply."}),
        "note-resolve": ("post", f"/desk/notes/{w.note.pk}/resolve/", {}),
        "reply-log": ("post", f"/desk/claims/{c.pk}/replies/",
                      {"contacted_on": "2025-08-18", "channel": "Email", "contact": "Press office"}),
        "assign-self": ("post", f"/desk/claims/{c.pk}/assign-self/", {}),
        "assign": ("post", f"/desk/claims/{c.pk}/assign/", {"assignee": assignee.pk}),
        "submit": ("post", f"/desk/claims/{c.pk}/submit/", {}),
        "approve": ("post", f"/desk/claims/{c.pk}/approve/", {"comment": "Sound."}),
        "request-changes": ("post", f"/desk/claims/{c.pk}/request-changes/", {"comment": "Add a source."}),
        "dismiss": ("post", f"/desk/claims/{c.pk}/dismiss/", {"comment": "Not checkable."}),
        "reopen": ("post", f"/desk/claims/{c.pk}/reopen/", {"comment": "New facts."}),
        "retract": ("post", f"/desk/claims/{c.pk}/retract/", {"comment": "The source was wrong."}),
        "correct": ("post", f"/desk/claims/{c.pk}/correct/",
                    {"correction-kind": "correction", "correction-note": "We gave the wrong year.",
                     "correction-conclusion": "Corrected."}),
    }


EDITOR_ONLY = {"assign": {"logged", "researching"}, "approve": {"in_review"}, "request-changes": {"in_review"},
               "dismiss": {"logged", "researching"}, "reopen": {"dismissed"}, "retract": {"published"},
               "correct": {"published"}}


def _expected_in_state(name: str, state: str, persona: str) -> tuple[int, ...]:
    ok = REDIRECT
    if name in ("workspace", "claim-preview", "verdict-preview"):
        return (200,)
    if name in ("evidence-add-form", "evidence-edit-form"):
        return (200,) if state in OPEN else (409,)
    if name in ("claim-edit", "evidence-add", "evidence-edit", "evidence-remove", "evidence-move", "verdict-save"):
        return ok if state in OPEN else (409,)
    if name in ("note-add", "note-reply", "note-resolve", "reply-log"):
        return ok if state in NOT_FINAL else (409,)
    if name == "submit":
        return ok if state == "researching" else (409,)
    if name == "assign-self":
        # "Assign to me" on a claim someone already works on is a reassignment: an editor's call.
        if state == "logged":
            return ok
        if persona == "journalist":
            return (403,)
        return ok if state == "researching" else (409,)
    if persona == "journalist":
        return (403,)
    return ok if state in EDITOR_ONLY[name] else (409,)


STATE_ACTIONS = ["workspace", "claim-preview", "evidence-add-form", "evidence-edit-form", "claim-edit",
                 "evidence-add", "evidence-edit", "evidence-remove", "evidence-move", "verdict-save",
                 "verdict-preview", "note-add", "note-reply", "note-resolve", "reply-log", "assign-self", "assign",
                 "submit", "approve", "request-changes", "dismiss", "reopen", "retract", "correct"]


@pytest.mark.parametrize("persona", ["journalist", "editor"])
@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("name", STATE_ACTIONS)
def test_it_allows_each_claim_action_only_in_its_states(client, journalist, editor, name, state, persona):
    w = _claim_world(state, journalist)
    method, url, data = _state_actions(w, assignee=journalist)[name]
    user = journalist if persona == "journalist" else editor
    client.force_login(user)
    before = db_state()
    response = getattr(client, method)(url, data)
    expected = _expected_in_state(name, state, persona)
    assert response.status_code in expected, f"{name} on {state} as {persona}: {response.status_code}"
    if response.status_code in REFUSALS or method == "get" or name == "verdict-preview":
        assert db_state() == before
    else:
        assert db_state() != before
