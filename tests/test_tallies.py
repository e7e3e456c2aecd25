"""The tallies (claims.models.Tally): how many published checks each speaker, topic and language has,
per rating, kept by PostgreSQL triggers in the same transaction as every change, so that filters,
the speakers' list and scorecards never count a million claims. Each test compares them with a
count made the slow way, from the claims themselves."""

from __future__ import annotations

from collections import Counter

import pytest
from django.db import connection

from claims import services
from claims.models import Appearance, Claim, Tally
from tests import factories
from tests.factories import rating

pytestmark = pytest.mark.django_db


def counted_the_slow_way() -> Counter:
    """Every kind: published checks in small letters, retracted ones in capitals."""
    tally: Counter = Counter()
    public = Claim.objects.public().select_related("verdict").prefetch_related("topics", "appearances")
    for claim in public:
        rating_id = getattr(getattr(claim, "verdict", None), "rating_id", None) or 0

        def kind(letter: str, claim=claim) -> str:
            return letter.upper() if claim.status == "retracted" else letter

        tally[(kind("a"), "", rating_id)] += 1
        speakers = {claim.speaker_id} | {a.speaker_id for a in claim.appearances.all() if a.accepted}
        for speaker in speakers:
            tally[(kind("s"), str(speaker), rating_id)] += 1
        for topic in claim.topics.all():
            tally[(kind("t"), str(topic.pk), rating_id)] += 1
        if claim.language:
            tally[(kind("l"), claim.language.split("-")[0].lower(), rating_id)] += 1
    return tally


def tallied(kinds: str = "stl") -> Counter:
    """What the scorecards and filters read (published checks), or the kinds asked for."""
    return Counter({(kind, key, rating_id): n for kind, key, rating_id, n in
                    Tally.objects.filter(n__gt=0, kind__in=list(kinds)).values_list("kind", "key", "rating_id", "n")})


def assert_tallies_right() -> None:
    assert tallied("aAsStTlL") == counted_the_slow_way()


@pytest.fixture
def speaker():
    return factories.SpeakerFactory(name="Chris Example")


def published(speaker, rating_slug="false", **kwargs) -> Claim:
    claim = factories.ClaimFactory(published=True, speaker=speaker, with_verdict=False, **kwargs)
    factories.VerdictFactory(claim=claim, rating=rating(rating_slug), published_at=claim.published_at)
    return claim


def test_it_counts_a_published_check_under_its_speaker_topic_and_language(speaker):
    topic = factories.TopicFactory(name="Immigration")
    claim = published(speaker, "mostly-false", language="en-GB")
    claim.topics.add(topic)
    false = rating("mostly-false").pk
    assert tallied() == Counter({("s", str(speaker.pk), false): 1, ("t", str(topic.pk), false): 1,
                                 ("l", "en", false): 1})
    assert_tallies_right()


def test_it_leaves_desk_work_and_archive_records_out(speaker):
    factories.ClaimFactory(researching=True, speaker=speaker)
    factories.ClaimFactory(in_review=True, speaker=speaker)
    archived = published(speaker)
    Claim.objects.filter(pk=archived.pk).update(imported=True)
    assert tallied("aAsStTlL") == Counter()


def test_it_moves_a_count_when_a_correction_changes_the_rating(speaker, editor, django_capture_on_commit_callbacks):
    claim = published(speaker, "false")
    with django_capture_on_commit_callbacks(execute=True):
        services.verdict_correct(claim_id=claim.pk, actor=editor, kind="correction", note="Wrong table.",
                                 data={"rating": rating("half-true")})
    assert tallied() == Counter({("s", str(speaker.pk), rating("half-true").pk): 1,
                                 ("l", claim.language.split("-")[0], rating("half-true").pk): 1})
    assert_tallies_right()


def test_it_takes_a_retracted_check_off_the_scorecard_and_keeps_it_listed(speaker, editor):
    claim = published(speaker)
    services.claim_retract(claim_id=claim.pk, actor=editor, note="The figures were from the wrong year.")
    assert tallied() == Counter()
    assert tallied("AS")[("S", str(speaker.pk), claim.verdict.rating_id)] == 1
    assert_tallies_right()


def test_it_counts_a_check_published_through_review(speaker, editor):
    claim = factories.ClaimFactory(in_review=True, speaker=speaker)
    factories.EvidenceFactory(claim=claim)
    assert tallied() == Counter()
    services.review_approve(claim_id=claim.pk, actor=editor)
    assert sum(n for (kind, _, _), n in tallied().items() if kind == "s") == 1
    assert_tallies_right()


def test_it_counts_a_check_under_everyone_who_said_it(speaker, editor):
    claim = published(speaker)
    other = factories.SpeakerFactory(name="Second Speaker")
    appearance = Appearance.objects.create(claim=claim, speaker=other, quote=claim.quote, accepted=False)
    assert ("s", str(other.pk), claim.verdict.rating_id) not in tallied()
    services.appearance_accept(appearance_id=appearance.pk, actor=editor)
    assert tallied()[("s", str(other.pk), claim.verdict.rating_id)] == 1
    assert_tallies_right()


def test_it_moves_counts_to_the_speaker_kept_in_a_merge(speaker, editor):
    duplicate = factories.SpeakerFactory(name="C. Example")
    published(speaker)
    published(duplicate, "true")
    services.speaker_merge(keep_id=speaker.pk, duplicate_id=duplicate.pk, actor=editor)
    assert not [key for key in tallied() if key[:2] == ("s", str(duplicate.pk))]
    assert sum(n for (kind, key, _), n in tallied().items() if (kind, key) == ("s", str(speaker.pk))) == 2
    assert_tallies_right()


def test_it_takes_a_merged_check_out_and_keeps_the_survivor(speaker, editor):
    keep = published(speaker)
    gone = published(speaker)
    services.claim_merge(claim_id=gone.pk, into_id=keep.pk, actor=editor)
    assert sum(n for (kind, _, _), n in tallied().items() if kind == "s") == 1
    assert_tallies_right()


def test_it_follows_changes_made_outside_the_services(speaker):
    """The admin or a bulk UPDATE: the triggers are in the database, not in Python."""
    claims = [published(speaker) for _ in range(3)]
    other = factories.SpeakerFactory(name="Someone Else")
    Claim.objects.filter(pk__in=[c.pk for c in claims[:2]]).update(speaker=other)
    Appearance.objects.filter(claim__in=claims[:2], primary=True).update(speaker=other)
    assert_tallies_right()
    Claim.objects.filter(pk=claims[2].pk).update(status="retracted")
    assert_tallies_right()
    topic = factories.TopicFactory()
    claims[0].topics.add(topic)
    assert_tallies_right()
    claims[0].topics.remove(topic)
    assert_tallies_right()


def test_it_keeps_the_counts_right_over_many_changes(speaker, editor):
    speakers = [speaker, *(factories.SpeakerFactory() for _ in range(3))]
    topics = [factories.TopicFactory() for _ in range(3)]
    slugs = ["true", "mostly-true", "half-true", "mostly-false", "false"]
    for i in range(20):
        claim = published(speakers[i % 4], slugs[i % 5], language=["en", "es-MX", "pt"][i % 3])
        claim.topics.add(topics[i % 3], topics[(i + 1) % 3])
    with connection.cursor() as cursor:  # a bulk rating change, as a data fix would make it
        cursor.execute("UPDATE claims_verdict SET rating_id = %s WHERE claim_id IN "
                       "(SELECT id FROM claims_claim WHERE speaker_id = %s)", [rating("true").pk, speakers[1].pk])
    assert_tallies_right()


def test_it_answers_the_listings_from_the_tallies(client, speaker):
    claim = published(speaker, language="es")
    published(speaker, language="en")  # one language alone offers no choice
    topic = factories.TopicFactory(name="Housing")
    claim.topics.add(topic)
    silent = factories.SpeakerFactory(name="Never Checked")
    factories.ClaimFactory(researching=True, speaker=silent)
    home = client.get("/").content.decode()
    assert "Chris Example" in home and "Never Checked" not in home and "Housing" in home
    assert "Español" in home
    listing = client.get("/speakers/").content.decode()
    assert "Chris Example" in listing and "Never Checked" not in listing
