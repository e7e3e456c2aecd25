"""The invariants PostgreSQL keeps for us (DESIGN.md §2), the audit-trail guard and the defaults."""

import pytest
from django.contrib.auth.models import Group
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import ProtectedError

from claims.models import (
    Annotation,
    Claim,
    Event,
    Evidence,
    Rating,
    ReviewVote,
    Source,
    Speaker,
    Tip,
    Topic,
    Verdict,
    display_name,
)
from claims.setup import DEFAULT_RATINGS, EDITORS, JOURNALISTS, ensure_defaults
from tests import factories

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------- unique slugs


def test_it_refuses_two_speakers_with_one_slug():
    factories.SpeakerFactory(slug="chris-philp")
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.SpeakerFactory(slug="chris-philp", name="Another Chris Philp")
    assert Speaker.objects.filter(slug="chris-philp").count() == 1


def test_it_refuses_two_topics_with_one_slug():
    Topic.objects.create(name="Immigration", slug="immigration")
    with pytest.raises(IntegrityError), transaction.atomic():
        Topic.objects.create(name="Migration", slug="immigration")
    assert Topic.objects.filter(slug="immigration").count() == 1


def test_it_refuses_two_topics_with_one_name():
    Topic.objects.create(name="Immigration", slug="immigration")
    with pytest.raises(IntegrityError), transaction.atomic():
        Topic.objects.create(name="Immigration", slug="immigration-2")
    assert Topic.objects.filter(name="Immigration").count() == 1


def test_it_refuses_two_ratings_with_one_slug():
    with pytest.raises(IntegrityError), transaction.atomic():
        Rating.objects.create(label="Pants on fire", slug="false", definition="Ridiculous.", colour="#ff0000")
    assert Rating.objects.filter(slug="false").count() == 1


def test_it_refuses_two_ratings_with_one_label():
    with pytest.raises(IntegrityError), transaction.atomic():
        Rating.objects.create(label="False", slug="false-2", definition="Again.", colour="#ff0000")
    assert Rating.objects.filter(label="False").count() == 1


def test_it_refuses_two_claims_with_one_slug():
    factories.ClaimFactory(slug="over-50000-crossed")
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.ClaimFactory(slug="over-50000-crossed")
    assert Claim.objects.filter(slug="over-50000-crossed").count() == 1


# ---------------------------------------------------------------- verdicts and votes


def test_it_refuses_a_second_verdict_for_a_claim():
    claim = factories.ClaimFactory(researching=True)
    factories.VerdictFactory(claim=claim)
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.VerdictFactory(claim=claim, conclusion="A second opinion.")
    assert Verdict.objects.filter(claim=claim).count() == 1


def test_it_refuses_a_second_approval_by_the_same_editor_in_one_round(editor):
    claim = factories.ClaimFactory(in_review=True)
    factories.ReviewVoteFactory(claim=claim, editor=editor)
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.ReviewVoteFactory(claim=claim, editor=editor)
    assert ReviewVote.objects.filter(claim=claim, editor=editor).count() == 1


def test_it_accepts_a_request_for_changes_alongside_an_approval(editor):
    claim = factories.ClaimFactory(in_review=True)
    factories.ReviewVoteFactory(claim=claim, editor=editor)
    factories.ReviewVoteFactory(claim=claim, editor=editor, decision=ReviewVote.Decision.REQUEST_CHANGES)
    factories.ReviewVoteFactory(claim=claim, editor=editor, decision=ReviewVote.Decision.REQUEST_CHANGES)
    assert ReviewVote.objects.filter(claim=claim, editor=editor).count() == 3


def test_it_accepts_the_same_editor_approving_again_in_the_next_round(editor, editor2):
    claim = factories.ClaimFactory(in_review=True)
    factories.ReviewVoteFactory(claim=claim, editor=editor, round=1)
    factories.ReviewVoteFactory(claim=claim, editor=editor2, round=1)
    factories.ReviewVoteFactory(claim=claim, editor=editor, round=2)
    assert ReviewVote.objects.filter(claim=claim, decision="approve").count() == 3


def test_it_refuses_an_unknown_vote_decision(editor):
    claim = factories.ClaimFactory(in_review=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.ReviewVoteFactory(claim=claim, editor=editor, decision="abstain")
    assert not ReviewVote.objects.filter(claim=claim).exists()


# ---------------------------------------------------------------- statuses and kinds


@pytest.mark.parametrize("status", ["draft", "", "PUBLISHED"])
def test_it_refuses_an_invalid_claim_status(status):
    claim = factories.ClaimFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.filter(pk=claim.pk).update(status=status)
    claim.refresh_from_db()
    assert claim.status == "logged"


def test_it_refuses_a_claim_created_with_an_invalid_status():
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.ClaimFactory(status="archived", slug="archived-claim")
    assert not Claim.objects.filter(slug="archived-claim").exists()


@pytest.mark.parametrize("status", ["spam", "", "NEW"])
def test_it_refuses_an_invalid_tip_status(status):
    tip = factories.TipFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Tip.objects.filter(pk=tip.pk).update(status=status)
    tip.refresh_from_db()
    assert tip.status == "new"


def test_it_refuses_a_tip_link_that_is_not_http():
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.TipFactory(url="javascript:alert(1)")
    assert not Tip.objects.exists()


def test_it_refuses_an_invalid_speaker_kind():
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.SpeakerFactory(kind="robot", slug="robot")
    assert not Speaker.objects.filter(slug="robot").exists()


def test_it_refuses_an_invalid_evidence_stance():
    claim = factories.ClaimFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.EvidenceFactory(claim=claim, stance="maybe")
    assert not claim.evidence.exists()


# ---------------------------------------------------------------- URLs


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "ftp://x", "data:text/html,hi", "//example.org/x", "", "HTTPS//x"]
)
def test_it_refuses_evidence_urls_that_are_not_http(url):
    claim = factories.ClaimFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.EvidenceFactory(claim=claim, url=url)
    assert not Evidence.objects.filter(claim=claim).exists()


@pytest.mark.parametrize("url", ["http://stats.example.org/a", "https://stats.example.org/b"])
def test_it_accepts_http_and_https_evidence_urls(url):
    evidence = factories.EvidenceFactory(url=url)
    assert Evidence.objects.get(pk=evidence.pk).url == url


def test_it_refuses_evidence_url_changed_to_javascript():
    evidence = factories.EvidenceFactory(url="https://stats.example.org/a")
    with pytest.raises(IntegrityError), transaction.atomic():
        Evidence.objects.filter(pk=evidence.pk).update(url="javascript:alert(1)")
    evidence.refresh_from_db()
    assert evidence.url == "https://stats.example.org/a"


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://x", "file:///etc/passwd"])
def test_it_refuses_source_urls_that_are_not_http(url):
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.SourceFactory(url=url, title="Bad source")
    assert not Source.objects.filter(title="Bad source").exists()


def test_it_accepts_a_source_without_a_url():
    source = factories.SourceFactory(url="", title="A speech in the Commons")
    assert Source.objects.get(pk=source.pk).url == ""


def test_it_refuses_an_original_url_that_is_not_http():
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.ClaimFactory(imported=True, original_url="javascript:alert(1)", slug="bad-import")
    assert not Claim.objects.filter(slug="bad-import").exists()


def test_it_refuses_two_claims_with_one_original_url():
    url = "https://archive.example.org/checks/1"
    factories.ClaimFactory(imported=True, original_url=url)
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.ClaimFactory(imported=True, original_url=url)
    assert Claim.objects.filter(original_url=url).count() == 1


def test_it_accepts_many_claims_without_an_original_url():
    factories.ClaimFactory(original_url=None)
    factories.ClaimFactory(original_url=None)
    assert Claim.objects.filter(original_url__isnull=True).count() == 2


# ---------------------------------------------------------------- annotation spans


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (-1, 4),  # a positive integer column: negative offsets cannot be stored
        (0, -1),
        (5, 5),  # empty span
        (6, 5),  # backwards span
        (3, None),  # start without end
        (None, 3),  # end without start
    ],
)
def test_it_refuses_impossible_annotation_spans(start, end, journalist):
    claim = factories.ClaimFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.AnnotationFactory(claim=claim, author=journalist, start=start, end=end)
    assert not Annotation.objects.filter(claim=claim).exists()


@pytest.mark.parametrize(("start", "end"), [(0, 1), (3, 10), (None, None)])
def test_it_accepts_valid_annotation_spans(start, end, journalist):
    note = factories.AnnotationFactory(author=journalist, start=start, end=end)
    note.refresh_from_db()
    assert (note.start, note.end) == (start, end)


def test_it_refuses_a_span_made_backwards_by_an_update(journalist):
    note = factories.AnnotationFactory(author=journalist, start=2, end=8)
    with pytest.raises(IntegrityError), transaction.atomic():
        Annotation.objects.filter(pk=note.pk).update(start=9)
    note.refresh_from_db()
    assert (note.start, note.end) == (2, 8)


# ---------------------------------------------------------------- ratings and scores


@pytest.mark.parametrize("colour", ["red", "#fff", "#12345g", "123456", "#12345", ""])
def test_it_refuses_a_rating_colour_that_is_not_hex(colour):
    with pytest.raises(IntegrityError), transaction.atomic():
        Rating.objects.create(label="Pants on fire", slug="pants-on-fire", definition="Absurd.", colour=colour)
    assert not Rating.objects.filter(slug="pants-on-fire").exists()


@pytest.mark.parametrize("colour", ["#000000", "#A1b2C3"])
def test_it_accepts_hex_rating_colours(colour):
    rating = Rating.objects.create(label="Pants on fire", slug="pants-on-fire", definition="Absurd.", colour=colour)
    assert Rating.objects.get(pk=rating.pk).colour == colour


@pytest.mark.parametrize("score", [-0.01, 1.01, 2.0, -5.0])
def test_it_refuses_checkworthiness_outside_zero_to_one(score):
    claim = factories.ClaimFactory(checkworthiness=0.5)
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.filter(pk=claim.pk).update(checkworthiness=score)
    claim.refresh_from_db()
    assert claim.checkworthiness == 0.5


@pytest.mark.parametrize("score", [0.0, 1.0, 0.37, None])
def test_it_accepts_checkworthiness_from_zero_to_one(score):
    claim = factories.ClaimFactory(checkworthiness=score)
    assert Claim.objects.get(pk=claim.pk).checkworthiness == score


def test_it_refuses_a_claim_version_of_zero():
    claim = factories.ClaimFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.filter(pk=claim.pk).update(version=0)
    claim.refresh_from_db()
    assert claim.version == 1


# ---------------------------------------------------------------- the audit trail


def make_event(actor=None, claim=None) -> Event:
    claim = claim or factories.ClaimFactory()
    return Event.objects.create(actor=actor, claim=claim, action="claim_created", status_after="logged",
                                changes={"quote": [None, claim.quote]})


def test_it_refuses_to_save_an_existing_event():
    event = make_event()
    event.action = "claim_deleted"
    with pytest.raises(ValueError, match="never edited"):
        event.save()
    assert Event.objects.get(pk=event.pk).action == "claim_created"


def test_it_refuses_to_delete_an_event():
    event = make_event()
    with pytest.raises(ValueError, match="never deleted"):
        event.delete()
    assert Event.objects.filter(pk=event.pk).exists()


def test_it_refuses_a_raw_update_of_an_event():
    event = make_event()
    with pytest.raises(DatabaseError, match="audit trail"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE claims_event SET action = 'forged' WHERE id = %s", [event.pk])
    assert Event.objects.get(pk=event.pk).action == "claim_created"


def test_it_refuses_a_raw_delete_of_an_event():
    event = make_event()
    with pytest.raises(DatabaseError, match="audit trail"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM claims_event WHERE id = %s", [event.pk])
    assert Event.objects.filter(pk=event.pk).exists()


def test_it_refuses_a_bulk_update_or_delete_of_events():
    event = make_event()
    with pytest.raises(DatabaseError, match="audit trail"), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(comment="rewritten")
    with pytest.raises(DatabaseError, match="audit trail"), transaction.atomic():
        Event.objects.filter(pk=event.pk).delete()
    event.refresh_from_db()
    assert event.comment == ""


def test_it_refuses_to_delete_a_claim_that_has_events():
    claim = factories.ClaimFactory()
    event = make_event(claim=claim)
    with pytest.raises(ProtectedError), transaction.atomic():
        claim.delete()
    assert Claim.objects.filter(pk=claim.pk).exists()
    assert Event.objects.filter(pk=event.pk, claim=claim).exists()


def test_it_refuses_to_delete_a_user_who_has_events(journalist):
    event = make_event(actor=journalist)
    with pytest.raises(ProtectedError), transaction.atomic():
        journalist.delete()
    assert type(journalist).objects.filter(pk=journalist.pk).exists()
    assert Event.objects.filter(pk=event.pk, actor=journalist).exists()


def test_it_deletes_a_claim_without_events():
    """The protection is about events, not claims: a claim with no history can go."""
    claim = factories.ClaimFactory()
    claim.delete()
    assert not Claim.objects.filter(pk=claim.pk).exists()


# ---------------------------------------------------------------- defaults


def test_it_has_the_two_desk_groups():
    assert set(Group.objects.filter(name__in=[JOURNALISTS, EDITORS]).values_list("name", flat=True)) == {
        "Journalists",
        "Editors",
    }


def test_it_has_the_six_default_ratings_in_order():
    rows = list(Rating.objects.order_by("position").values_list("label", "slug", "value", "retired"))
    assert rows == [
        ("True", "true", 5, False),
        ("Mostly true", "mostly-true", 4, False),
        ("Half true", "half-true", 3, False),
        ("Mostly false", "mostly-false", 2, False),
        ("False", "false", 1, False),
        ("Unproven", "unproven", None, False),
    ]
    assert all(r.definition and r.colour.startswith("#") for r in Rating.objects.all())
    assert len(DEFAULT_RATINGS) == 6


def _defaults_snapshot():
    return (
        list(Group.objects.order_by("pk").values()),
        list(Rating.objects.order_by("pk").values()),
    )


def test_it_changes_nothing_when_defaults_are_ensured_twice():
    before = _defaults_snapshot()
    ensure_defaults()
    ensure_defaults()
    assert _defaults_snapshot() == before


def test_it_keeps_an_edited_rating_scale_when_defaults_are_ensured():
    Rating.objects.filter(slug="half-true").update(label="Half-true", colour="#123456")
    Rating.objects.filter(slug="unproven").delete()
    before = _defaults_snapshot()
    ensure_defaults()
    assert _defaults_snapshot() == before


def test_it_recreates_a_missing_group_when_defaults_are_ensured():
    Group.objects.filter(name=EDITORS).delete()
    ensure_defaults()
    assert Group.objects.filter(name=EDITORS).count() == 1


# ---------------------------------------------------------------- display names


def test_it_shows_first_and_last_name():
    user = factories.UserFactory(username="akhan", first_name="Amira", last_name="Khan")
    assert display_name(user) == "Amira Khan"


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [("", "", "A member of the desk"), ("Amira", "", "Amira"), ("", "Khan", "Khan"), ("  ", " ", None)],
)
def test_it_never_shows_the_username(first, last, expected):
    user = factories.UserFactory(username="secret-handle", first_name=first, last_name=last)
    shown = display_name(user)
    assert "secret-handle" not in shown
    assert shown.strip()
    if expected is not None:
        assert shown == expected


def test_it_names_the_desk_when_there_is_no_person():
    assert display_name(None) == "Factcheck Desk"
