"""Services: one Event per write, safe concurrent edits, refusals that change nothing (DESIGN.md §1–3)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, Group
from django.contrib.postgres.search import SearchQuery
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max

from claims import services
from claims.errors import Conflict, Invalid, WrongState
from claims.models import (
    Annotation,
    Claim,
    Correction,
    Event,
    Evidence,
    ReplyAttempt,
    ReviewVote,
    Source,
    Speaker,
    Status,
    Verdict,
)
from claims.setup import EDITORS
from claims.textnorm import normalise
from tests import factories
from tests.factories import rating

pytestmark = pytest.mark.django_db

User = get_user_model()


# ---------------------------------------------------------------- helpers


def snapshot() -> dict[str, list[dict]]:
    """Every row the desk can touch, so a refusal can be shown to have changed nothing."""
    models = [*apps.get_app_config("claims").get_models(), Claim.topics.through, User, Group]
    return {m._meta.label: list(m._default_manager.order_by("pk").values()) for m in models}


def last_event_id() -> int:
    return Event.objects.aggregate(m=Max("pk"))["m"] or 0


def the_new_event(since: int) -> Event:
    events = list(Event.objects.filter(pk__gt=since))
    assert len(events) == 1, [e.action for e in events]
    return events[0]


def search(text: str) -> set[int]:
    query = SearchQuery(normalise(text), config="english", search_type="websearch")
    return set(Claim.objects.filter(search_vector=query).values_list("pk", flat=True))


def reload(claim: Claim) -> Claim:
    return Claim.objects.get(pk=claim.pk)


@pytest.fixture
def ready(journalist):
    """A claim in research with everything submission needs, the verdict written by the journalist."""
    claim = factories.ClaimFactory(researching=True, assignee=journalist)
    factories.EvidenceFactory(claim=claim)
    services.verdict_save(claim_id=claim.pk, actor=journalist, version=None,
                          data={"rating": rating("mostly-false"), "conclusion": "Fewer homes were built."})
    return reload(claim)


@pytest.fixture
def submitted(ready, journalist):
    services.claim_submit(claim_id=ready.pk, actor=journalist)
    return reload(ready)


# ---------------------------------------------------------------- one event per write: claims


def test_it_records_claim_create(journalist):
    speaker = factories.SpeakerFactory(name="Chris Philp")
    topic = factories.TopicFactory(name="Immigration", slug="immigration")
    since = last_event_id()
    claim = services.claim_create(actor=journalist, speaker=speaker, topics=[topic],
                                  quote="Over 50,000 illegal immigrants have crossed the Channel.",
                                  claim_checked="More than 50,000 people crossed the Channel since July 2024.")
    event = the_new_event(since)
    assert (event.actor, event.claim, event.action) == (journalist, claim, "claim_created")
    assert event.status_after == "logged"
    assert event.changes == {
        "quote": [None, "Over 50,000 illegal immigrants have crossed the Channel."],
        "claim_checked": [None, "More than 50,000 people crossed the Channel since July 2024."],
        "speaker": [None, "Chris Philp"],
        "topics": [None, ["Immigration"]],
    }
    assert claim.status == Status.LOGGED and claim.created_by == journalist
    assert claim.slug.startswith("chris-philp-")


def test_it_records_no_status_before_a_claim_existed(journalist):
    since = last_event_id()
    services.claim_create(actor=journalist, speaker=factories.SpeakerFactory(), quote="Crime fell by half.")
    event = the_new_event(since)
    assert (event.status_before, event.status_after) == ("", "logged")


def test_it_gives_each_new_claim_its_own_slug(journalist):
    speaker = factories.SpeakerFactory(name="Chris Philp")
    first = services.claim_create(actor=journalist, speaker=speaker, quote="Crime fell by half.")
    second = services.claim_create(actor=journalist, speaker=speaker, quote="Crime fell by half.",
                                   different_reason="Said again about another city.")
    assert first.slug != second.slug


def test_it_records_claim_update(journalist):
    claim = factories.ClaimFactory(researching=True, quote="Crime fell by half.")
    since = last_event_id()
    updated = services.claim_update(claim_id=claim.pk, actor=journalist, version=1,
                                    data={"quote": "Crime fell by a third.", "claim_checked": claim.claim_checked})
    event = the_new_event(since)
    assert (event.actor, event.claim, event.action) == (journalist, claim, "claim_updated")
    assert (event.status_before, event.status_after) == ("researching", "researching")
    assert event.changes == {"quote": ["Crime fell by half.", "Crime fell by a third."]}
    assert updated.version == 2
    assert reload(claim).quote == "Crime fell by a third."


def test_it_records_topic_changes_on_claim_update(journalist):
    claim = factories.ClaimFactory()
    claim.topics.set([factories.TopicFactory(name="Crime", slug="crime")])
    housing = factories.TopicFactory(name="Housing", slug="housing")
    since = last_event_id()
    services.claim_update(claim_id=claim.pk, actor=journalist, version=1, data={"topics": [housing]})
    assert the_new_event(since).changes == {"topics": [["Crime"], ["Housing"]]}
    assert list(claim.topics.values_list("name", flat=True)) == ["Housing"]


def test_it_writes_nothing_when_claim_update_changes_nothing(journalist):
    claim = factories.ClaimFactory()
    since = last_event_id()
    services.claim_update(claim_id=claim.pk, actor=journalist, version=1, data={"quote": claim.quote})
    assert last_event_id() == since
    assert reload(claim).version == 1


def test_it_moves_a_claim_to_another_speaker_of_the_same_name(journalist):
    """Duplicate speakers exist until an editor merges them; picking the other one must stick."""
    first = factories.SpeakerFactory(name="Chris Philp", slug="chris-philp")
    duplicate = factories.SpeakerFactory(name="Chris Philp", slug="chris-philp-2")
    claim = factories.ClaimFactory(speaker=first)
    services.claim_update(claim_id=claim.pk, actor=journalist, version=1, data={"speaker": duplicate})
    assert reload(claim).speaker_id == duplicate.pk


# ---------------------------------------------------------------- one event per write: evidence


def test_it_records_evidence_add(journalist):
    claim = factories.ClaimFactory(researching=True)
    since = last_event_id()
    evidence = services.evidence_add(claim_id=claim.pk, actor=journalist, data={
        "url": "https://stats.example.org/small-boats", "title": "Small boat arrivals", "stance": "contradicts",
    })
    event = the_new_event(since)
    assert (event.actor, event.claim, event.action) == (journalist, claim, "evidence_added")
    assert (event.status_before, event.status_after) == ("researching", "researching")
    assert {field: after for field, (_, after) in event.changes.items()} == {
        "url": "https://stats.example.org/small-boats", "title": "Small boat arrivals", "stance": "contradicts",
    }
    assert evidence.added_by == journalist and evidence.position == 1


def test_it_records_figures_as_plain_numbers(journalist):
    claim = factories.ClaimFactory(researching=True)
    since = last_event_id()
    services.evidence_add(claim_id=claim.pk, actor=journalist, data={
        "url": "https://stats.example.org/t", "title": "Iraqi arrivals", "figure_value": Decimal("1900"),
    })
    assert the_new_event(since).changes["figure_value"] == [None, "1900"]


def test_it_writes_nothing_when_an_unchanged_figure_is_saved_again(journalist):
    evidence = factories.EvidenceFactory(claim=factories.ClaimFactory(researching=True),
                                         figure_value=Decimal("1900.5"), figure_unit="people")
    evidence.refresh_from_db()  # the database hands back Decimal("1900.5000")
    since = last_event_id()
    services.evidence_update(evidence_id=evidence.pk, actor=journalist, version=evidence.version, data={
        "title": evidence.title, "figure_value": Decimal("1900.5"), "figure_unit": "people",
    })
    assert last_event_id() == since
    assert Evidence.objects.get(pk=evidence.pk).version == 1


def test_it_records_evidence_update(journalist):
    evidence = factories.EvidenceFactory(claim=factories.ClaimFactory(researching=True), title="Old title")
    since = last_event_id()
    updated = services.evidence_update(evidence_id=evidence.pk, actor=journalist, version=1,
                                       data={"title": "Home Office table 4", "url": evidence.url})
    event = the_new_event(since)
    assert (event.actor, event.claim_id, event.action) == (journalist, evidence.claim_id, "evidence_updated")
    assert event.changes == {"title": ["Old title", "Home Office table 4"]}
    assert updated.version == 2


def test_it_records_evidence_remove(journalist):
    evidence = factories.EvidenceFactory(claim=factories.ClaimFactory(researching=True), title="Gone table")
    since = last_event_id()
    services.evidence_remove(evidence_id=evidence.pk, actor=journalist)
    event = the_new_event(since)
    assert (event.actor, event.claim_id, event.action) == (journalist, evidence.claim_id, "evidence_removed")
    assert event.changes["title"] == ["Gone table", None]
    assert event.changes["url"] == [evidence.url, None]
    assert not Evidence.objects.filter(pk=evidence.pk).exists()


def test_it_records_evidence_move(journalist):
    claim = factories.ClaimFactory(researching=True)
    first = factories.EvidenceFactory(claim=claim, position=1)
    second = factories.EvidenceFactory(claim=claim, position=2)
    since = last_event_id()
    services.evidence_move(evidence_id=second.pk, actor=journalist, direction="up")
    event = the_new_event(since)
    assert (event.actor, event.claim, event.action) == (journalist, claim, "evidence_moved")
    assert set(event.changes) == {"order"}
    before, after = event.changes["order"]
    assert before in ([first.pk, second.pk], [first.title, second.title])  # rows named by id or by title
    assert after == [before[1], before[0]]
    assert list(claim.evidence.order_by("position").values_list("pk", flat=True)) == [second.pk, first.pk]


def test_it_writes_nothing_when_evidence_cannot_move_further(journalist):
    claim = factories.ClaimFactory(researching=True)
    first = factories.EvidenceFactory(claim=claim, position=1)
    factories.EvidenceFactory(claim=claim, position=2)
    since = last_event_id()
    services.evidence_move(evidence_id=first.pk, actor=journalist, direction="up")
    assert last_event_id() == since


# ---------------------------------------------------------------- one event per write: verdict, notes, replies


def test_it_records_the_first_verdict_save(journalist):
    claim = factories.ClaimFactory(researching=True)
    since = last_event_id()
    verdict = services.verdict_save(claim_id=claim.pk, actor=journalist, version=None,
                                    data={"rating": rating("false"), "conclusion": "The figure is wrong."})
    event = the_new_event(since)
    assert (event.actor, event.claim, event.action) == (journalist, claim, "verdict_saved")
    assert event.changes["rating"] == [None, "False"]
    assert event.changes["conclusion"][1] == "The figure is wrong."
    assert (verdict.author, verdict.version) == (journalist, 1)


def test_it_records_a_later_verdict_save(ready, journalist):
    since = last_event_id()
    verdict = services.verdict_save(claim_id=ready.pk, actor=journalist, version=1,
                                    data={"rating": rating("mostly-false"), "conclusion": "Far fewer were built."})
    event = the_new_event(since)
    assert event.action == "verdict_saved"
    assert event.changes == {"conclusion": ["Fewer homes were built.", "Far fewer were built."]}
    assert verdict.version == 2


def test_it_records_annotation_add_and_reply(journalist, editor):
    claim = factories.ClaimFactory(researching=True, quote="Over 50,000 illegal immigrants have crossed.")
    since = last_event_id()
    note = services.annotation_add(claim_id=claim.pk, actor=journalist, body="Since when?", start=5, end=11)
    event = the_new_event(since)
    assert (event.actor, event.claim, event.action) == (journalist, claim, "note_added")
    assert event.changes == {"body": [None, "Since when?"], "span": [None, [5, 11]]}
    assert (note.start, note.end) == (5, 11)

    since = last_event_id()
    reply = services.annotation_add(claim_id=claim.pk, actor=editor, body="July 2024.", parent_id=note.pk)
    event = the_new_event(since)
    assert (event.actor, event.claim, event.action) == (editor, claim, "note_replied")
    assert event.changes == {"body": [None, "July 2024."]}
    assert reply.parent == note and (reply.start, reply.end) == (None, None)


def test_it_records_annotation_resolve_once(journalist):
    claim = factories.ClaimFactory(in_review=True)
    note = factories.AnnotationFactory(claim=claim, author=journalist)
    since = last_event_id()
    services.annotation_resolve(annotation_id=note.pk, actor=journalist)
    event = the_new_event(since)
    assert (event.actor, event.claim, event.action) == (journalist, claim, "note_resolved")
    assert (event.status_before, event.status_after) == ("in_review", "in_review")
    assert event.changes == {"resolved": [False, True]}
    since = last_event_id()
    services.annotation_resolve(annotation_id=note.pk, actor=journalist)
    assert last_event_id() == since
    assert Annotation.objects.get(pk=note.pk).resolved is True


def test_it_records_reply_log(journalist):
    claim = factories.ClaimFactory(in_review=True)
    since = last_event_id()
    attempt = services.reply_log(claim_id=claim.pk, actor=journalist, data={
        "contacted_on": dt.date(2025, 8, 18), "channel": "Email", "contact": "Press office",
        "response": "We stand by it.",
    })
    event = the_new_event(since)
    assert (event.actor, event.claim, event.action) == (journalist, claim, "reply_logged")
    assert {field: after for field, (_, after) in event.changes.items()} == {
        "contacted_on": "2025-08-18", "channel": "Email", "contact": "Press office", "response": "We stand by it.",
    }
    assert attempt.logged_by == journalist


# ---------------------------------------------------------------- one event per write: transitions


def test_it_records_assign_to_me(journalist):
    claim = factories.ClaimFactory()
    since = last_event_id()
    services.claim_assign(claim_id=claim.pk, actor=journalist)
    event = the_new_event(since)
    assert (event.actor, event.claim, event.action) == (journalist, claim, "assigned")
    assert (event.status_before, event.status_after) == ("logged", "researching")
    assert event.changes == {"assignee": [None, "Amira Khan"]}
    claim = reload(claim)
    assert (claim.status, claim.assignee, claim.version) == ("researching", journalist, 2)


def test_it_records_reassignment_by_an_editor(journalist, editor):
    claim = factories.ClaimFactory(researching=True, assignee=journalist)
    since = last_event_id()
    services.claim_assign(claim_id=claim.pk, actor=editor, assignee=editor)
    event = the_new_event(since)
    assert (event.actor, event.action) == (editor, "reassigned")
    assert (event.status_before, event.status_after) == ("researching", "researching")
    assert event.changes == {"assignee": ["Amira Khan", "Tom Hughes"]}
    assert reload(claim).assignee == editor


def test_it_refuses_to_assign_someone_outside_the_desk(editor, outsider):
    claim = factories.ClaimFactory()
    before = snapshot()
    with pytest.raises(Invalid):
        services.claim_assign(claim_id=claim.pk, actor=editor, assignee=outsider)
    assert snapshot() == before


def test_it_records_submit(ready, journalist):
    since = last_event_id()
    services.claim_submit(claim_id=ready.pk, actor=journalist, comment="Ready.")
    event = the_new_event(since)
    assert (event.actor, event.claim, event.action, event.comment) == (journalist, ready, "submitted", "Ready.")
    assert (event.status_before, event.status_after) == ("researching", "in_review")
    verdict = Verdict.objects.get(claim=ready)
    assert verdict.submitted_by == journalist and verdict.submitted_at is not None


def test_it_records_approve_and_publishes(submitted, editor):
    since = last_event_id()
    services.review_approve(claim_id=submitted.pk, actor=editor, comment="Solid.")
    event = the_new_event(since)
    assert (event.actor, event.claim, event.action, event.comment) == (editor, submitted, "published", "Solid.")
    assert (event.status_before, event.status_after) == ("in_review", "published")
    assert event.changes == {"approvals": [0, 1]}
    claim = reload(submitted)
    assert claim.status == "published" and claim.published_at is not None
    assert claim.verdict.published_at is not None
    assert list(claim.votes.values_list("editor__username", "decision", "comment")) == [
        ("editor", "approve", "Solid.")
    ]


def test_it_records_request_changes(submitted, editor):
    since = last_event_id()
    services.review_request_changes(claim_id=submitted.pk, actor=editor, comment="Cite the table.")
    event = the_new_event(since)
    assert (event.actor, event.claim, event.action) == (editor, submitted, "changes_requested")
    assert (event.status_before, event.status_after) == ("in_review", "researching")
    assert event.comment == "Cite the table."
    claim = reload(submitted)
    assert (claim.status, claim.review_round) == ("researching", 2)
    assert claim.votes.get().decision == "request_changes"


def test_it_refuses_request_changes_without_a_comment(submitted, editor):
    before = snapshot()
    with pytest.raises(Invalid):
        services.review_request_changes(claim_id=submitted.pk, actor=editor, comment="  ")
    assert snapshot() == before


def test_it_records_dismiss_and_reopen(editor):
    claim = factories.ClaimFactory()
    since = last_event_id()
    services.claim_dismiss(claim_id=claim.pk, actor=editor, reason="Opinion, not fact.")
    event = the_new_event(since)
    assert (event.actor, event.claim, event.action, event.comment) == (
        editor, claim, "dismissed", "Opinion, not fact.")
    assert (event.status_before, event.status_after) == ("logged", "dismissed")

    since = last_event_id()
    services.claim_reopen(claim_id=claim.pk, actor=editor, comment="New data.")
    event = the_new_event(since)
    assert (event.actor, event.action) == (editor, "reopened")
    assert (event.status_before, event.status_after) == ("dismissed", "logged")
    assert reload(claim).status == "logged"


def test_it_records_retract(editor):
    claim = factories.ClaimFactory(published=True)
    since = last_event_id()
    services.claim_retract(claim_id=claim.pk, actor=editor, note="The quote was misattributed.")
    event = the_new_event(since)
    assert (event.actor, event.claim, event.action) == (editor, claim, "retracted")
    assert (event.status_before, event.status_after) == ("published", "retracted")
    correction = Correction.objects.get(claim=claim)
    assert (correction.kind, correction.note, correction.previous) == (
        "retraction", "The quote was misattributed.", {"status": "published"})


def test_it_records_verdict_correct(editor):
    claim = factories.ClaimFactory(published=True)
    old = claim.verdict
    since = last_event_id()
    correction = services.verdict_correct(claim_id=claim.pk, actor=editor, kind="correction",
                                          note="We misread the table.", data={"rating": rating("false")})
    event = the_new_event(since)
    assert (event.actor, event.claim, event.action, event.comment) == (
        editor, claim, "corrected", "We misread the table.")
    assert (event.status_before, event.status_after) == ("published", "published")
    assert event.changes == {"rating": ["Mostly false", "False"]}
    assert correction.previous == {"quote": claim.quote, "claim_checked": claim.claim_checked,
                                   "rating": "Mostly false", "rating_value": 2, "conclusion": old.conclusion,
                                   "analysis": old.analysis, "evidence": []}
    verdict = Verdict.objects.get(claim=claim)
    assert (verdict.rating.slug, verdict.version) == ("false", 2)


def test_it_records_speaker_create_and_update(journalist):
    since = last_event_id()
    speaker = services.speaker_create(actor=journalist, data={"name": "Chris Philp", "role": "MP"})
    event = the_new_event(since)
    assert (event.actor, event.claim, event.action) == (journalist, None, "speaker_created")
    assert {field: after for field, (_, after) in event.changes.items()} == {"name": "Chris Philp", "role": "MP"}
    assert speaker.slug == "chris-philp"

    since = last_event_id()
    services.speaker_update(speaker_id=speaker.pk, actor=journalist,
                            data={"name": "Chris Philp", "role": "Shadow Home Secretary"})
    event = the_new_event(since)
    assert (event.actor, event.claim, event.action) == (journalist, None, "speaker_updated")
    assert event.changes == {"role": ["MP", "Shadow Home Secretary"]}


# ---------------------------------------------------------------- stale versions


def test_it_refuses_a_stale_claim_update(journalist, editor):
    claim = factories.ClaimFactory(researching=True, quote="Crime fell by half.")
    services.claim_update(claim_id=claim.pk, actor=editor, version=1, data={"quote": "Crime fell by 40%."})
    before, since = snapshot(), last_event_id()
    with pytest.raises(Conflict) as conflict:
        services.claim_update(claim_id=claim.pk, actor=journalist, version=1, data={"quote": "Crime rose."})
    assert conflict.value.message.startswith("Someone else changed this")
    assert conflict.value.current["quote"] == "Crime fell by 40%."
    assert conflict.value.current["speaker"] == claim.speaker.name
    assert snapshot() == before and last_event_id() == since


def test_it_refuses_a_stale_evidence_update(journalist, editor):
    evidence = factories.EvidenceFactory(claim=factories.ClaimFactory(researching=True), title="Table 1")
    services.evidence_update(evidence_id=evidence.pk, actor=editor, version=1, data={"title": "Table 2"})
    before, since = snapshot(), last_event_id()
    with pytest.raises(Conflict) as conflict:
        services.evidence_update(evidence_id=evidence.pk, actor=journalist, version=1, data={"title": "Table 3"})
    assert conflict.value.message.startswith("Someone else changed this")
    assert conflict.value.current["title"] == "Table 2"
    assert snapshot() == before and last_event_id() == since


def test_it_refuses_a_stale_verdict_save(ready, journalist, editor):
    services.verdict_save(claim_id=ready.pk, actor=editor, version=1, data={"conclusion": "Editor's words."})
    before, since = snapshot(), last_event_id()
    with pytest.raises(Conflict) as conflict:
        services.verdict_save(claim_id=ready.pk, actor=journalist, version=1, data={"conclusion": "Mine."})
    assert conflict.value.message.startswith("Someone else changed this")
    assert conflict.value.current["conclusion"] == "Editor's words."
    assert conflict.value.current["rating"] == "Mostly false"
    assert snapshot() == before and last_event_id() == since


# ---------------------------------------------------------------- refusals change nothing


def _claim(state: str) -> Claim:
    claim = factories.ClaimFactory(**({state: True} if state != "logged" else {}), with_verdict=True)
    factories.EvidenceFactory(claim=claim, position=1)
    factories.EvidenceFactory(claim=claim, position=2)
    factories.AnnotationFactory(claim=claim, author=factories.UserFactory())
    factories.UserFactory(username="deputy", groups=[Group.objects.get(name=EDITORS)])
    return reload(claim)


def _evidence(claim: Claim) -> Evidence:
    return claim.evidence.order_by("position").last()


CALLS = {
    "claim_update": lambda c, u: services.claim_update(claim_id=c.pk, actor=u, version=c.version,
                                                       data={"quote": "Changed."}),
    "evidence_add": lambda c, u: services.evidence_add(claim_id=c.pk, actor=u,
                                                       data={"url": "https://x.example.org", "title": "X"}),
    "evidence_update": lambda c, u: services.evidence_update(evidence_id=_evidence(c).pk, actor=u, version=1,
                                                             data={"title": "Changed"}),
    "evidence_remove": lambda c, u: services.evidence_remove(evidence_id=_evidence(c).pk, actor=u),
    "evidence_move": lambda c, u: services.evidence_move(evidence_id=_evidence(c).pk, actor=u, direction="up"),
    "verdict_save": lambda c, u: services.verdict_save(claim_id=c.pk, actor=u, version=1,
                                                       data={"conclusion": "Changed."}),
    "annotation_add": lambda c, u: services.annotation_add(claim_id=c.pk, actor=u, body="Note"),
    "annotation_resolve": lambda c, u: services.annotation_resolve(annotation_id=c.annotations.get().pk, actor=u),
    "reply_log": lambda c, u: services.reply_log(claim_id=c.pk, actor=u, data={
        "contacted_on": dt.date(2025, 8, 18), "channel": "Phone", "contact": "Office"}),
    "assign_self": lambda c, u: services.claim_assign(claim_id=c.pk, actor=u),
    "assign_other": lambda c, u: services.claim_assign(claim_id=c.pk, actor=u,
                                                       assignee=User.objects.get(username="deputy")),
    "claim_submit": lambda c, u: services.claim_submit(claim_id=c.pk, actor=u),
    "review_approve": lambda c, u: services.review_approve(claim_id=c.pk, actor=u),
    "review_request_changes": lambda c, u: services.review_request_changes(claim_id=c.pk, actor=u,
                                                                           comment="Fix it."),
    "claim_dismiss": lambda c, u: services.claim_dismiss(claim_id=c.pk, actor=u, reason="Not checkable."),
    "claim_reopen": lambda c, u: services.claim_reopen(claim_id=c.pk, actor=u),
    "claim_retract": lambda c, u: services.claim_retract(claim_id=c.pk, actor=u, note="Withdrawn."),
    "verdict_correct": lambda c, u: services.verdict_correct(claim_id=c.pk, actor=u, kind="correction",
                                                             note="Fixed.", data={"rating": rating("false")}),
}

REFUSALS = [
    # a journalist calling editor-only services
    ("journalist", "logged", "claim_dismiss", PermissionDenied),
    ("journalist", "researching", "claim_dismiss", PermissionDenied),
    ("journalist", "researching", "assign_other", PermissionDenied),
    ("journalist", "in_review", "review_approve", PermissionDenied),
    ("journalist", "in_review", "review_request_changes", PermissionDenied),
    ("journalist", "published", "verdict_correct", PermissionDenied),
    ("journalist", "published", "claim_retract", PermissionDenied),
    ("journalist", "dismissed", "claim_reopen", PermissionDenied),
    # the right role in the wrong state
    ("journalist", "in_review", "claim_update", WrongState),
    ("editor", "in_review", "claim_update", WrongState),
    ("journalist", "in_review", "evidence_add", WrongState),
    ("journalist", "in_review", "evidence_update", WrongState),
    ("journalist", "in_review", "evidence_remove", WrongState),
    ("journalist", "in_review", "evidence_move", WrongState),
    ("journalist", "in_review", "verdict_save", WrongState),
    ("editor", "published", "claim_update", WrongState),
    ("editor", "published", "evidence_update", WrongState),
    ("editor", "published", "verdict_save", WrongState),
    ("journalist", "retracted", "annotation_add", WrongState),
    ("journalist", "dismissed", "reply_log", WrongState),
    ("journalist", "retracted", "annotation_resolve", WrongState),
    ("journalist", "logged", "claim_submit", WrongState),
    ("journalist", "researching", "assign_self", PermissionDenied),  # taking over someone's claim: editors only
    ("editor", "in_review", "assign_other", WrongState),
    ("editor", "researching", "review_approve", WrongState),
    ("editor", "published", "review_request_changes", WrongState),
    ("editor", "published", "claim_dismiss", WrongState),
    ("editor", "logged", "claim_reopen", WrongState),
    ("editor", "in_review", "claim_retract", WrongState),
    ("editor", "retracted", "verdict_correct", WrongState),
    # signed in but not on the desk
    ("outsider", "logged", "claim_update", PermissionDenied),
    ("outsider", "logged", "evidence_add", PermissionDenied),
    ("outsider", "logged", "annotation_add", PermissionDenied),
    ("outsider", "logged", "assign_self", PermissionDenied),
    ("outsider", "researching", "verdict_save", PermissionDenied),
    ("outsider", "researching", "claim_submit", PermissionDenied),
    ("outsider", "in_review", "reply_log", PermissionDenied),
    ("outsider", "in_review", "review_approve", PermissionDenied),
]


@pytest.mark.parametrize(("persona", "state", "call", "error"), REFUSALS)
def test_it_refuses_and_changes_nothing(persona, state, call, error, request, mailoutbox,
                                        django_capture_on_commit_callbacks):
    user = request.getfixturevalue(persona)
    claim = _claim(state)
    before = snapshot()
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(error):
        CALLS[call](claim, user)
    assert snapshot() == before
    assert callbacks == [] and mailoutbox == []


@pytest.mark.parametrize("persona", ["outsider", "anonymous"])
def test_it_refuses_claim_and_speaker_creation_outside_the_desk(persona, request):
    user = AnonymousUser() if persona == "anonymous" else request.getfixturevalue(persona)
    speaker = factories.SpeakerFactory()
    before = snapshot()
    with pytest.raises(PermissionDenied):
        services.claim_create(actor=user, speaker=speaker, quote="Crime fell by half.")
    with pytest.raises(PermissionDenied):
        services.speaker_create(actor=user, data={"name": "New Speaker"})
    with pytest.raises(PermissionDenied):
        services.speaker_update(speaker_id=speaker.pk, actor=user, data={"name": "Renamed"})
    assert snapshot() == before


def test_it_refuses_submission_listing_what_is_missing(journalist):
    claim = factories.ClaimFactory(researching=True, assignee=journalist)
    before = snapshot()
    with pytest.raises(Invalid) as refusal:
        services.claim_submit(claim_id=claim.pk, actor=journalist)
    assert refusal.value.errors["__all__"] == ["a rating", "a conclusion", "at least one piece of evidence"]
    for missing in ("a rating", "a conclusion", "at least one piece of evidence"):
        assert missing in refusal.value.message
    assert snapshot() == before


def test_it_refuses_submission_with_only_the_conclusion_missing(journalist):
    claim = factories.ClaimFactory(researching=True, assignee=journalist)
    factories.EvidenceFactory(claim=claim)
    factories.VerdictFactory(claim=claim, conclusion="   ")
    before = snapshot()
    with pytest.raises(Invalid) as refusal:
        services.claim_submit(claim_id=claim.pk, actor=journalist)
    assert refusal.value.errors["__all__"] == ["a conclusion"]
    assert snapshot() == before


# ---------------------------------------------------------------- quorum


def test_it_needs_two_distinct_editors_when_the_quorum_is_two(submitted, editor, editor2, settings):
    settings.REVIEW_APPROVALS_REQUIRED = 2
    since = last_event_id()
    services.review_approve(claim_id=submitted.pk, actor=editor, comment="Fine by me.")
    event = the_new_event(since)
    assert (event.action, event.changes) == ("approved", {"approvals": [0, 1]})
    assert (event.status_before, event.status_after) == ("in_review", "in_review")
    assert reload(submitted).status == "in_review"

    services.review_approve(claim_id=submitted.pk, actor=editor2, comment="Agreed.")
    assert reload(submitted).status == "published"
    assert set(ReviewVote.objects.filter(claim=submitted).values_list("editor__username", flat=True)) == {
        "editor", "editor2"}


def test_it_counts_the_same_editor_approving_twice_once(submitted, editor, settings):
    settings.REVIEW_APPROVALS_REQUIRED = 2
    services.review_approve(claim_id=submitted.pk, actor=editor)
    before, since = snapshot(), last_event_id()
    services.review_approve(claim_id=submitted.pk, actor=editor)
    assert reload(submitted).status == "in_review"
    assert ReviewVote.objects.filter(claim=submitted, decision="approve").count() == 1
    assert snapshot() == before and last_event_id() == since


def test_it_forgets_approvals_when_changes_are_requested(submitted, journalist, editor, editor2, settings):
    settings.REVIEW_APPROVALS_REQUIRED = 2
    services.review_approve(claim_id=submitted.pk, actor=editor)
    services.review_request_changes(claim_id=submitted.pk, actor=editor2, comment="Add the 2023 figure.")
    services.claim_submit(claim_id=submitted.pk, actor=journalist)
    services.review_approve(claim_id=submitted.pk, actor=editor2)
    claim = reload(submitted)
    assert (claim.status, claim.review_round) == ("in_review", 2)
    assert services.approvals_in_round(claim) == 1

    services.review_approve(claim_id=submitted.pk, actor=editor)
    assert reload(submitted).status == "published"


# ---------------------------------------------------------------- four eyes


def test_it_refuses_approval_by_the_editor_who_saved_the_verdict(ready, journalist, editor, editor2):
    services.verdict_save(claim_id=ready.pk, actor=editor, version=1, data={"conclusion": "Sharper wording."})
    services.claim_submit(claim_id=ready.pk, actor=journalist)
    claim = reload(ready)
    assert services.can_approve(editor, claim) is False
    before = snapshot()
    with pytest.raises(PermissionDenied):
        services.review_approve(claim_id=ready.pk, actor=editor)
    assert snapshot() == before
    services.review_approve(claim_id=ready.pk, actor=editor2)
    assert reload(ready).status == "published"


def test_it_refuses_approval_by_the_editor_who_submitted(ready, editor):
    services.claim_submit(claim_id=ready.pk, actor=editor)
    before = snapshot()
    with pytest.raises(PermissionDenied):
        services.review_approve(claim_id=ready.pk, actor=editor)
    assert snapshot() == before


def test_it_refuses_approval_by_a_superuser_who_changed_the_verdict(ready, journalist, superuser):
    services.verdict_save(claim_id=ready.pk, actor=superuser, version=1, data={"rating": rating("false")})
    services.claim_submit(claim_id=ready.pk, actor=journalist)
    before = snapshot()
    with pytest.raises(PermissionDenied):
        services.review_approve(claim_id=ready.pk, actor=superuser)
    assert snapshot() == before


def test_it_lets_an_editor_who_only_reviewed_approve_the_next_round(submitted, journalist, editor):
    services.review_request_changes(claim_id=submitted.pk, actor=editor, comment="Cite the table.")
    services.verdict_save(claim_id=submitted.pk, actor=journalist, version=1, data={"conclusion": "Cited."})
    services.claim_submit(claim_id=submitted.pk, actor=journalist)
    assert services.can_approve(editor, reload(submitted)) is True
    services.review_approve(claim_id=submitted.pk, actor=editor)
    assert reload(submitted).status == "published"


# ---------------------------------------------------------------- annotation spans


@pytest.mark.parametrize(("start", "end"), [(0, 999), (10, 10), (12, 4), (3, None), (None, 3)])
def test_it_refuses_a_span_outside_the_quote(start, end, journalist):
    claim = factories.ClaimFactory(quote="Crime fell by half.")
    before = snapshot()
    with pytest.raises(Invalid):
        services.annotation_add(claim_id=claim.pk, actor=journalist, body="Hm", start=start, end=end)
    assert snapshot() == before


def test_it_accepts_a_span_covering_the_whole_quote(journalist):
    claim = factories.ClaimFactory(quote="Crime fell by half.")
    note = services.annotation_add(claim_id=claim.pk, actor=journalist, body="All of it", start=0, end=19)
    assert (note.start, note.end) == (0, 19)


def test_it_refuses_a_reply_to_a_note_on_another_claim(journalist):
    other = factories.AnnotationFactory(author=journalist)
    claim = factories.ClaimFactory()
    before = snapshot()
    with pytest.raises(Invalid):
        services.annotation_add(claim_id=claim.pk, actor=journalist, body="Reply", parent_id=other.pk)
    assert snapshot() == before


def test_it_detaches_notes_whose_span_no_longer_fits_the_quote(journalist):
    claim = factories.ClaimFactory(researching=True, quote="Over 50,000 illegal immigrants have crossed the Channel.")
    early = services.annotation_add(claim_id=claim.pk, actor=journalist, body="Number", start=5, end=11)
    late = services.annotation_add(claim_id=claim.pk, actor=journalist, body="Channel", start=48, end=55)
    services.claim_update(claim_id=claim.pk, actor=journalist, version=1,
                          data={"quote": "Over 50,000 illegal immigrants have crossed."})
    early, late = Annotation.objects.get(pk=early.pk), Annotation.objects.get(pk=late.pk)
    assert early.detached is False
    assert late.detached is True
    assert (late.start, late.end, late.body) == (48, 55, "Channel")


# ---------------------------------------------------------------- mail


def test_it_mails_the_editors_on_submit(ready, journalist, editor, editor2, superuser, mailoutbox,
                                        run_jobs):
    factories.UserFactory(username="retired", email="retired@newsroom.example.org", is_active=False,
                          groups=[Group.objects.get(name=EDITORS)])
    services.claim_submit(claim_id=ready.pk, actor=journalist)
    run_jobs()
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert sorted(mail.to) == sorted([editor.email, editor2.email])
    assert mail.subject.startswith("For review:")
    assert ready.get_desk_url() in mail.body


def test_it_mails_nothing_until_the_job_runs_and_nothing_when_the_change_rolls_back(ready, journalist, editor,
                                                                                    mailoutbox, run_jobs):
    with pytest.raises(RuntimeError), transaction.atomic():
        services.claim_submit(claim_id=ready.pk, actor=journalist)
        raise RuntimeError("the rest of the request failed")
    assert run_jobs() == 0 and mailoutbox == []
    services.claim_submit(claim_id=ready.pk, actor=journalist)
    assert mailoutbox == []
    assert run_jobs() == 1 and len(mailoutbox) == 1


def test_it_mails_the_author_on_approval(submitted, journalist, editor, mailoutbox,
                                         run_jobs):
    services.review_approve(claim_id=submitted.pk, actor=editor)
    run_jobs()
    assert [m.to for m in mailoutbox] == [[journalist.email]]
    assert mailoutbox[0].subject.startswith("Published:")
    assert "Tom Hughes approved your verdict." in mailoutbox[0].body


def test_it_mails_nobody_on_an_approval_short_of_the_quorum(submitted, editor, mailoutbox, settings,
                                                            run_jobs):
    settings.REVIEW_APPROVALS_REQUIRED = 2
    services.review_approve(claim_id=submitted.pk, actor=editor)
    run_jobs()
    assert mailoutbox == []


def test_it_mails_the_author_when_changes_are_requested(submitted, journalist, editor, mailoutbox,
                                                        run_jobs):
    services.review_request_changes(claim_id=submitted.pk, actor=editor, comment="Cite table 4.")
    run_jobs()
    assert [m.to for m in mailoutbox] == [[journalist.email]]
    assert mailoutbox[0].subject.startswith("Changes requested:")
    assert "Cite table 4." in mailoutbox[0].body


# ---------------------------------------------------------------- the search vector


def test_it_finds_a_new_claim_by_a_number_with_a_thousands_separator(journalist):
    speaker = factories.SpeakerFactory(name="Chris Philp")
    found = services.claim_create(actor=journalist, speaker=speaker,
                                  quote="Over 50,000 people have crossed the Channel.")
    services.claim_create(actor=journalist, speaker=speaker, quote="Over 5,000 people have crossed the Channel.")
    assert search("50,000") == {found.pk}
    assert search("50000") == {found.pk}
    assert search("51,000") == set()


def test_it_finds_a_claim_by_its_speakers_new_name_only(journalist):
    speaker = factories.SpeakerFactory(name="Chris Philp", role="Shadow Home Secretary")
    claim = services.claim_create(actor=journalist, speaker=speaker, quote="Barely any arrivals are Iraqi.")
    assert search("Philp") == {claim.pk}
    services.speaker_update(speaker_id=speaker.pk, actor=journalist, data={"name": "Yvette Cooper"})
    assert search("Cooper") == {claim.pk}
    assert search("Philp") == set()


def test_it_folds_accents_in_search(journalist):
    speaker = factories.SpeakerFactory(name="José Núñez")
    claim = services.claim_create(actor=journalist, speaker=speaker, quote="The Café on the square closed.")
    assert search("Cafe") == {claim.pk}
    assert search("Café") == {claim.pk}
    assert search("Nunez") == {claim.pk}


def test_it_finds_a_claim_by_its_conclusion_once_the_verdict_is_saved(journalist):
    claim = factories.ClaimFactory(researching=True)
    assert claim.pk not in search("misattributed")
    services.verdict_save(claim_id=claim.pk, actor=journalist, version=None,
                          data={"conclusion": "The quote was misattributed."})
    assert search("misattributed") == {claim.pk}


def test_it_finds_a_claim_by_its_edited_quote(journalist):
    claim = factories.ClaimFactory(researching=True, quote="Crime fell by half.")
    services.claim_update(claim_id=claim.pk, actor=journalist, version=1, data={"quote": "Burglaries doubled."})
    assert search("burglaries") == {claim.pk}
    assert search("crime") == set()


# ---------------------------------------------------------------- misc


def test_it_keeps_speakers_slugs_unique(journalist):
    first = services.speaker_create(actor=journalist, data={"name": "Home Office", "kind": "organisation"})
    second = services.speaker_create(actor=journalist, data={"name": "Home Office", "kind": "organisation"})
    assert (first.slug, second.slug) == ("home-office", "home-office-2")
    assert Speaker.objects.filter(name="Home Office").count() == 2


def test_it_keeps_reply_attempts_and_notes_open_in_review(journalist):
    claim = factories.ClaimFactory(in_review=True)
    services.annotation_add(claim_id=claim.pk, actor=journalist, body="Still checking.")
    services.reply_log(claim_id=claim.pk, actor=journalist,
                       data={"contacted_on": dt.date(2025, 8, 18), "channel": "Phone", "contact": "Office"})
    assert Annotation.objects.filter(claim=claim).count() == 1
    assert ReplyAttempt.objects.filter(claim=claim).count() == 1
    assert reload(claim).status == "in_review"


def test_it_creates_no_source_when_logging_the_claim_fails(journalist):
    handled = factories.TipFactory(status="converted")
    with pytest.raises(WrongState):
        services.claim_create(actor=journalist, quote="Crime fell by half.", speaker=factories.SpeakerFactory(),
                              source_url="https://news.example.org/never-saved", tip=handled)
    assert not Source.objects.filter(url="https://news.example.org/never-saved").exists()


def test_it_finds_or_creates_the_source_of_a_new_claim(journalist):
    existing = factories.SourceFactory(url="https://news.example.org/known")
    known = services.claim_create(actor=journalist, quote="Crime fell by half.", speaker=factories.SpeakerFactory(),
                                  source_url="https://news.example.org/known")
    fresh = services.claim_create(actor=journalist, quote="Crime rose.", speaker=factories.SpeakerFactory(),
                                  source_url="https://news.example.org/fresh")
    assert known.source == existing
    assert fresh.source.url == "https://news.example.org/fresh"
