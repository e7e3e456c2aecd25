"""A check's page is kept across other checks' publishes and rendered again only when something it
shows changes (claims.public_cache.keep_content): the check, a speaker or topic it shows, an earlier
check it links to, or the rating scale."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims import public_cache, services
from claims.models import ConsistencyNote, Rating, Speaker, Topic
from claims.views import public
from tests import factories
from tests.html import parse

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _site(settings):
    settings.REVIEW_APPROVALS_REQUIRED = 1
    cache.clear()


@pytest.fixture
def claim(db):
    speaker = factories.SpeakerFactory(name="Chris Example", slug="chris-example")
    claim = factories.ClaimFactory(quote="Over 50,000 people crossed the Channel.", speaker=speaker,
                                   published=True, with_verdict=False)
    claim.topics.add(factories.TopicFactory(name="Immigration", slug="immigration"))
    factories.VerdictFactory(claim=claim, rating=factories.rating("mostly-false"), conclusion="The old conclusion.",
                             published_at=claim.published_at)
    factories.EvidenceFactory(claim=claim)
    return claim


@pytest.fixture
def renders(monkeypatch):
    """How many times each kept page was really rendered."""
    counts = {"claim": 0, "embed": 0}

    def counting(name: str, function):
        def counted(*args, **kwargs):
            counts[name] += 1
            return function(*args, **kwargs)
        return counted

    monkeypatch.setattr(public, "render_claim_detail", counting("claim", public.render_claim_detail))
    monkeypatch.setattr(public, "render_claim_embed", counting("embed", public.render_claim_embed))
    return counts


def page(client, claim, query: str = ""):
    response = client.get(f"/claims/{claim.slug}/{query}")
    assert response.status_code == 200
    return response


def conclusion(response) -> str:
    return parse(response).find(attrs={"data-testid": "conclusion"}).get_text(strip=True)


def publish_another(editor, speaker=None):
    other = factories.ClaimFactory(quote="Barely any small boat arrivals are Iraqi.", in_review=True,
                                   **({"speaker": speaker} if speaker else {}))
    factories.EvidenceFactory(claim=other)
    services.review_approve(claim_id=other.pk, actor=editor)
    return other


def test_it_keeps_a_check_across_another_checks_publish(client, claim, editor, renders,
                                                      django_capture_on_commit_callbacks):
    first = page(client, claim)
    generation = public_cache.generation()
    with django_capture_on_commit_callbacks(execute=True):
        publish_another(editor)
    assert public_cache.generation() > generation  # every stored page went stale...
    again = page(client, claim)
    assert renders["claim"] == 1  # ...but this check's content was kept
    assert again.content == first.content
    assert again["Surrogate-Key"] == first["Surrogate-Key"]
    assert again["ETag"] == first["ETag"]


def test_a_new_address_for_a_kept_check_costs_no_database_read(client, claim, renders):
    page(client, claim)
    with CaptureQueriesContext(connection) as queries:
        response = page(client, claim, "?fbclid=IwAR0abc")
    assert renders["claim"] == 1
    tables = {q["sql"].split('FROM "')[1].split('"')[0] for q in queries.captured_queries if 'FROM "' in q["sql"]}
    assert tables == {"factcheck_cache"}  # the shared cache (the database one in tests), nothing else
    assert len(queries.captured_queries) == 4  # page lookup, kept content, its keys' versions, the page stored
    assert conclusion(response) == "The old conclusion."


def test_it_renders_the_check_again_after_its_correction(client, claim, editor, renders,
                                                       django_capture_on_commit_callbacks):
    page(client, claim)
    with django_capture_on_commit_callbacks(execute=True):
        services.verdict_correct(claim_id=claim.pk, actor=editor, kind="correction",
                                 note="We misread the table.", data={"conclusion": "The new conclusion."})
    assert conclusion(page(client, claim, "?after=correction")) == "The new conclusion."
    assert renders["claim"] == 2


def test_it_renders_the_check_again_when_its_speaker_is_renamed_in_the_admin(client, claim, renders,
                                                                           django_capture_on_commit_callbacks):
    page(client, claim)
    with django_capture_on_commit_callbacks(execute=True):
        speaker = Speaker.objects.get(pk=claim.speaker_id)
        speaker.name = "Christine Example"
        speaker.save()
    soup = parse(page(client, claim))
    assert soup.find("a", href="/speakers/chris-example/").get_text() == "Christine Example"
    assert renders["claim"] == 2


def test_it_renders_the_check_again_when_its_topic_is_renamed(client, claim, editor, renders,
                                                            django_capture_on_commit_callbacks):
    page(client, claim)
    topic = Topic.objects.get(slug="immigration")
    with django_capture_on_commit_callbacks(execute=True):
        services.topic_save(actor=editor, topic_id=topic.pk, name="Migration")
    assert parse(page(client, claim)).find("a", href=topic.get_absolute_url()).get_text() == "Migration"
    assert renders["claim"] == 2


def test_it_keeps_the_check_when_another_speaker_is_renamed(client, claim, editor, renders,
                                                          django_capture_on_commit_callbacks):
    other = factories.SpeakerFactory(name="Sam Other")
    with django_capture_on_commit_callbacks(execute=True):
        publish_another(editor, speaker=other)
    page(client, claim)
    with django_capture_on_commit_callbacks(execute=True):
        services.speaker_update(speaker_id=other.pk, actor=editor, data={"name": "Samantha Other"})
    page(client, claim)
    assert renders["claim"] == 1


def test_it_renders_every_check_again_when_a_rating_is_renamed(client, claim, editor, renders,
                                                             django_capture_on_commit_callbacks):
    page(client, claim)
    rating = Rating.objects.get(slug="mostly-false")
    with django_capture_on_commit_callbacks(execute=True):
        services.rating_save(actor=editor, rating_id=rating.pk, data={"label": "Largely false"})
    badge = parse(page(client, claim)).find(attrs={"data-testid": "rating"})
    assert badge.get_text(strip=True) == "Largely false"
    assert renders["claim"] == 2


def test_it_renders_the_check_again_when_an_earlier_check_it_links_to_is_retracted(
        client, claim, editor, renders, django_capture_on_commit_callbacks):
    earlier = factories.ClaimFactory(quote="Over 40,000 people crossed the Channel.", published=True)
    ConsistencyNote.objects.create(claim=claim, past_claim=earlier, past_rating="False", rating="Mostly false",
                                   relation="differs", reason="New figures.", show_publicly=True, round=1,
                                   author=editor, action="approve")
    soup = parse(page(client, claim))
    assert soup.find(attrs={"data-testid": "differs-notes"}).find("a", href=earlier.get_absolute_url())
    assert f"claim-{earlier.pk}" in page(client, claim)["Surrogate-Key"].split()
    with django_capture_on_commit_callbacks(execute=True):
        services.claim_retract(claim_id=earlier.pk, actor=editor, note="Wrong year.")
    page(client, claim)
    assert renders["claim"] == 2


def test_it_keeps_the_embed_card_with_its_own_headers(client, claim, editor, renders,
                                                    django_capture_on_commit_callbacks):
    first = client.get(f"/embed/claims/{claim.slug}/")
    with django_capture_on_commit_callbacks(execute=True):
        publish_another(editor)
    again = client.get(f"/embed/claims/{claim.slug}/?from=elsewhere")
    assert renders["embed"] == 1
    assert again.status_code == 200 and again.content == first.content
    assert again["Content-Security-Policy"] == first["Content-Security-Policy"]
    assert "frame-ancestors *" in again["Content-Security-Policy"]
    assert "X-Frame-Options" not in again


def test_a_lost_key_version_never_brings_old_content_back(client, claim, editor, renders,
                                                        django_capture_on_commit_callbacks):
    page(client, claim)
    cache.delete(public_cache._version_key(f"claim-{claim.pk}"))  # evicted from a full cache
    page(client, claim, "?after=eviction")
    assert renders["claim"] == 2
    with django_capture_on_commit_callbacks(execute=True):
        services.verdict_correct(claim_id=claim.pk, actor=editor, kind="correction",
                                 note="We misread the table.", data={"conclusion": "The new conclusion."})
    cache.delete(public_cache._version_key(f"claim-{claim.pk}"))
    assert conclusion(page(client, claim, "?after=both")) == "The new conclusion."


def test_it_keeps_nothing_rendered_while_a_change_landed(client, claim, editor, renders, monkeypatch,
                                                        django_capture_on_commit_callbacks):
    rendering = public.render_claim_detail

    def racing(request, slug):
        response = rendering(request, slug)
        with django_capture_on_commit_callbacks(execute=True):  # a correction commits during the render
            services.verdict_correct(claim_id=claim.pk, actor=editor, kind="correction",
                                     note="We misread the table.", data={"conclusion": "The new conclusion."})
        return response

    monkeypatch.setattr(public, "render_claim_detail", racing)
    assert conclusion(page(client, claim)) == "The old conclusion."  # read before the correction: served...
    monkeypatch.setattr(public, "render_claim_detail", rendering)
    assert conclusion(page(client, claim, "?next")) == "The new conclusion."  # ...never kept


def test_it_keeps_nothing_read_from_a_lagging_replica(client, claim, renders, monkeypatch):
    monkeypatch.setattr(public_cache, "may_store", lambda request: False)
    page(client, claim)
    page(client, claim, "?again")
    assert renders["claim"] == 2


def test_it_renders_every_time_when_keeping_is_off(client, claim, editor, renders, settings,
                                                   django_capture_on_commit_callbacks):
    settings.PUBLIC_CONTENT_CACHE_SECONDS = 0
    page(client, claim)
    page(client, claim, "?again")
    assert renders["claim"] == 2


def test_an_owed_bump_makes_every_kept_check_stale(client, claim, renders, monkeypatch):
    page(client, claim)
    monkeypatch.setattr(public_cache, "_bump_owed", True)  # a bump missed while the cache was down
    public_cache.bump_generation()
    page(client, claim, "?after=outage")
    assert renders["claim"] == 2


def test_it_keeps_no_missing_or_merged_check(client, claim, editor, renders):
    assert client.get("/claims/no-such-check/").status_code == 404
    assert client.get("/claims/no-such-check/?again").status_code == 404
    assert renders["claim"] == 2
    assert not any(key.startswith("public:v1:") for key in _cache_keys())


def _cache_keys() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM factcheck_cache")
        return [row[0].split(":", 2)[-1] for row in cursor.fetchall()]


def test_the_database_cache_writes_many_entries_in_one_statement():
    cache.set("kept:a", "old", timeout=60)
    with CaptureQueriesContext(connection) as queries:
        assert cache.set_many({"kept:a": "new", "kept:b": [1, 2], "kept:c": None}, timeout=None) == []
    assert len(queries.captured_queries) == 1
    assert cache.get_many(["kept:a", "kept:b", "kept:c"]) == {"kept:a": "new", "kept:b": [1, 2], "kept:c": None}
    cache.set_many({"kept:d": "brief"}, timeout=-1)  # already expired
    assert cache.get("kept:d") is None
    assert cache.set_many({}) == []


def test_the_database_cache_table_writes_no_write_ahead_log():
    # Stored pages are rendered again after a crash empties the table; they do not wait for the disk.
    with connection.cursor() as cursor:
        cursor.execute("SELECT relpersistence FROM pg_class WHERE relname = 'factcheck_cache'")
        assert cursor.fetchone() == ("u",)


def test_a_bump_without_keys_makes_every_kept_check_stale(client, claim, renders):
    page(client, claim)
    public_cache.bump_generation()  # what a change to every page (or an operator's reset) does
    page(client, claim, "?after=reset")
    assert renders["claim"] == 2
    public_cache.bump_generation([])  # a change no page shows yet (a new speaker): the check stays kept
    page(client, claim, "?after=new-speaker")
    assert renders["claim"] == 2


def test_a_new_release_starts_with_nothing_stored(client, claim, renders, settings):
    """A deploy (code, templates) or a changed setting that pages show: no page or check of the last
    release is served."""
    first = page(client, claim)
    assert "Factcheck Desk" in first.content.decode()
    settings.PUBLISHER_NAME = "The Other Desk"  # set with a restart in production
    public_cache.release.cache_clear()
    try:
        again = page(client, claim)
        assert "The Other Desk" in again.content.decode()
        assert renders["claim"] == 2
    finally:
        public_cache.release.cache_clear()
