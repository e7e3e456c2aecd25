"""One claim, one check: the same words said again stop "Save claim" at a choice, join the claim
as an appearance, or are logged as a new claim with a reason; editors merge claims.

The fixtures here justify ``DUPLICATE_MATCH_THRESHOLD`` (factcheck/settings.py)."""

from __future__ import annotations

import pytest
from django.conf import settings

from claims import services
from claims.errors import DuplicateClaim, Invalid
from claims.matching import find_duplicates, similarity
from claims.models import Appearance, Claim, Correction, Event, Evidence, Tip
from tests import factories
from tests.html import button, field_by_label, parse
from tests.test_workflow import as_user, reload, snapshot

pytestmark = pytest.mark.django_db

PHILP = "Over 50,000 illegal immigrants have crossed the Channel in Labour’s short time in power"
PHILP_FULL = f"{PHILP}, the worst illegal immigration crisis in our history."
IRAQI = "barely any small boat arrivals are Iraqi"
ARRIVALS = "116 migrants arrived aboard two small boats on August 15"

SAME_CLAIM = [
    (PHILP, PHILP),
    (PHILP, PHILP.upper()),
    (PHILP, PHILP.replace("’", "'") + "!"),
    (PHILP, f"“{PHILP.lower()}.”"),
    (PHILP, PHILP_FULL),
    (PHILP_FULL, PHILP),
    (IRAQI, "Barely any small-boat arrivals are Iraqi."),
]
OTHER_CLAIMS = [
    (ARRIVALS, IRAQI),
    (IRAQI, ARRIVALS),
    ("Crime fell by half in the city last year", "Crime rose by half in the city last year"),
    ("Unemployment is at its lowest level since 1975", "Unemployment is not at its lowest level since 1975"),
    ("Our town built 350 new homes last year, a record.", "Our town built 450 new homes last year, a record."),
]


@pytest.mark.parametrize(("logged", "typed"), SAME_CLAIM)
def test_it_finds_the_same_claim_whatever_the_case_punctuation_or_quotes(logged, typed):
    assert similarity(logged, typed) >= settings.DUPLICATE_MATCH_THRESHOLD
    claim = factories.ClaimFactory(quote=logged)
    assert [m.claim for m in find_duplicates(typed)] == [claim]


@pytest.mark.parametrize(("logged", "typed"), OTHER_CLAIMS)
def test_it_does_not_take_another_claim_for_a_duplicate(logged, typed):
    assert similarity(logged, typed) < settings.DUPLICATE_MATCH_THRESHOLD
    factories.ClaimFactory(quote=logged)
    assert find_duplicates(typed) == []


def test_it_never_offers_to_join_a_dismissed_merged_or_retracted_claim():
    for state in ("dismissed", "retracted"):
        factories.ClaimFactory(status=state, quote=PHILP)
    assert find_duplicates(PHILP) == []


# ---------------------------------------------------------------- the service


def test_it_saves_nothing_when_the_quote_matches(journalist):
    existing = factories.ClaimFactory(quote=PHILP)
    before = snapshot()
    with pytest.raises(DuplicateClaim) as stop:
        services.claim_create(actor=journalist, quote=PHILP_FULL, speaker=existing.speaker)
    assert [m.claim for m in stop.value.matches] == [existing]
    assert snapshot() == before


def test_it_gives_every_new_claim_its_first_appearance(journalist):
    speaker = factories.SpeakerFactory(role="Shadow Home Secretary", affiliation="Conservative")
    claim = services.claim_create(actor=journalist, quote=IRAQI, speaker=speaker,
                                  source_url="https://news.example.org/iraq")
    first = Appearance.objects.get(claim=claim)
    assert (first.primary, first.accepted, first.quote, first.speaker) == (True, True, IRAQI, speaker)
    assert (first.speaker_role, first.speaker_affiliation) == ("Shadow Home Secretary", "Conservative")
    assert first.source.url == "https://news.example.org/iraq"


# ---------------------------------------------------------------- New claim


def post_new(client, quote: str, speaker, **extra):
    return client.post("/desk/claims/new/", {"quote": quote, "speaker": speaker.name,
                                             "source_url": "https://news.example.org/again", **extra})


def test_it_stops_save_claim_at_a_choice_between_two_buttons(journalist_client):
    existing = factories.ClaimFactory(quote=PHILP)
    before = snapshot()
    response = post_new(journalist_client, PHILP.replace("’", "'"), existing.speaker)
    assert response.status_code == 409
    choice = parse(response).find(attrs={"data-testid": "duplicate-choice"})
    assert button(choice, "Add as an appearance") and button(choice, "Log as a new claim")
    assert field_by_label(choice, "Why this is a different claim").name == "textarea"
    assert choice.find("input", attrs={"name": "duplicate_of", "value": str(existing.pk)}).has_attr("checked")
    assert snapshot() == before


def test_it_adds_the_quote_as_an_appearance_and_records_who(journalist, journalist_client):
    existing = factories.ClaimFactory(researching=True, quote=PHILP)
    other = factories.SpeakerFactory(name="Jo Deputy")
    response = post_new(journalist_client, PHILP_FULL, other, decision="appearance", duplicate_of=existing.pk)
    assert response.status_code == 303
    assert response["Location"] == f"/desk/claims/{existing.pk}/#appearances-panel"
    assert Claim.objects.count() == 1
    added = Appearance.objects.get(claim=existing, primary=False)
    assert (added.speaker, added.quote, added.accepted, added.added_by) == (other, PHILP_FULL, True, journalist)
    event = Event.objects.filter(claim=existing, action="appearance_added").get()
    assert event.actor == journalist
    page = parse(journalist_client.get(existing.get_desk_url()))
    assert len(page.find(attrs={"data-testid": "appearances"}).find_all(attrs={"data-testid": "appearance"})) == 2


def test_it_needs_a_reason_to_log_a_new_claim(journalist_client):
    existing = factories.ClaimFactory(quote=PHILP)
    before = snapshot()
    response = post_new(journalist_client, PHILP, existing.speaker, decision="new", different_reason="  ")
    assert response.status_code == 422
    page = parse(response)
    reason = field_by_label(page, "Why this is a different claim")
    assert reason["aria-invalid"] == "true"
    assert "Say why this is a different claim" in page.find(id=reason["aria-describedby"]).get_text()
    assert snapshot() == before


def test_it_logs_a_new_claim_with_its_reason_in_the_history(journalist, journalist_client):
    existing = factories.ClaimFactory(quote=PHILP)
    response = post_new(journalist_client, PHILP, existing.speaker, decision="new",
                        different_reason="Said of a different parliament.")
    assert response.status_code == 303
    claim = Claim.objects.exclude(pk=existing.pk).get()
    event = Event.objects.get(claim=claim, action="logged_as_new")
    assert (event.actor, event.comment) == (journalist, "Said of a different parliament.")
    assert event.changes["different_from"] == [None, [existing.pk]]


def test_it_lets_an_appearance_on_a_published_check_wait_for_an_editor(journalist, editor, client,
                                                                      django_capture_on_commit_callbacks):
    check = factories.ClaimFactory(published=True, quote=PHILP)
    other = factories.SpeakerFactory(name="Jo Deputy")
    appearance = services.appearance_add(claim_id=check.pk, actor=journalist, quote=PHILP, speaker=other,
                                         source_url="https://news.example.org/deputy")
    assert appearance.accepted is False
    assert parse(client.get(check.get_absolute_url())).find(attrs={"data-testid": "also-said"}) is None

    page = parse(as_user(editor).get(check.get_desk_url()))
    assert page.find(attrs={"data-testid": "appearance-pending"}) is not None
    assert button(page.find(id="appearances-panel"), "Accept appearance") is not None
    assert button(parse(as_user(journalist).get(check.get_desk_url())).find(id="appearances-panel"),
                  "Accept appearance") is None

    before = snapshot()
    assert as_user(journalist).post(f"/desk/appearances/{appearance.pk}/accept/").status_code == 403
    assert snapshot() == before

    with django_capture_on_commit_callbacks(execute=True):  # the public cache is dropped on commit
        response = as_user(editor).post(f"/desk/appearances/{appearance.pk}/accept/")
    assert response.status_code == 303
    assert Appearance.objects.get(pk=appearance.pk).accepted_by == editor
    also = parse(client.get(check.get_absolute_url())).find(attrs={"data-testid": "also-said"})
    assert "Jo Deputy" in also.get_text()
    assert reload(check).revised_at is not None


def test_it_converts_a_tip_added_as_an_appearance(journalist_client):
    existing = factories.ClaimFactory(researching=True, quote=PHILP)
    tip = factories.TipFactory(text=PHILP)
    post_new(journalist_client, PHILP, existing.speaker, decision="appearance", duplicate_of=existing.pk, tip=tip.pk)
    tip.refresh_from_db()
    assert (tip.status, tip.claim) == (Tip.TipStatus.CONVERTED, existing)


def test_it_finds_a_claim_by_the_words_of_any_appearance(journalist):
    check = factories.ClaimFactory(published=True, quote="Crossings are at a record high this summer.")
    services.appearance_add(claim_id=check.pk, actor=journalist, speaker=check.speaker,
                            quote="We have never seen so many small boats arrive as this August.")
    from claims.matching import find_similar

    assert [m.claim for m in find_similar("never seen so many small boats arrive")] == [check]


# ---------------------------------------------------------------- intake


ARTICLE = f"Chris Philp said: “{PHILP_FULL}”\n\nHe added later that “{IRAQI}.”\n"


def test_it_stops_intake_at_the_quote_already_logged_and_saves_nothing(journalist_client):
    factories.SpeakerFactory(name="Chris Philp")
    existing = factories.ClaimFactory(quote=PHILP)
    found = parse(journalist_client.post("/desk/intake/", {"article_text": ARTICLE, "action": "find"}))
    picks = [i["value"] for i in found.find_all("input", attrs={"name": "pick"})]
    assert len(picks) >= 1
    before = snapshot()
    response = journalist_client.post("/desk/intake/", {"action": "log", "text": ARTICLE, "pick": picks})
    assert response.status_code == 409
    choice = parse(response).find(attrs={"data-testid": "duplicate-choice"})
    assert button(choice, "Add as an appearance") and button(choice, "Log as a new claim")
    assert snapshot() == before
    index = choice.find("button", string="Add as an appearance")["value"].split(":")[0]
    response = journalist_client.post("/desk/intake/", {
        "action": "log", "text": ARTICLE, "pick": picks, "decide": f"{index}:appearance",
        f"duplicate_of_{index}": existing.pk})
    assert response.status_code == 303
    assert Appearance.objects.filter(claim=existing, primary=False).count() == 1


# ---------------------------------------------------------------- merge


@pytest.fixture
def two_checks(editor):
    keep = factories.ClaimFactory(published=True, quote=PHILP, with_verdict=False)
    factories.VerdictFactory(claim=keep, rating=factories.rating("mostly-true"), published_at=keep.published_at)
    gone = factories.ClaimFactory(published=True, quote=PHILP_FULL, with_verdict=False)
    factories.VerdictFactory(claim=gone, rating=factories.rating("half-true"), published_at=gone.published_at)
    factories.EvidenceFactory(claim=gone, title="Home Office small boats table")
    factories.AnnotationFactory(claim=gone, author=editor)
    factories.ReplyAttemptFactory(claim=gone)
    return keep, gone


def test_it_merges_a_claim_and_loses_nothing(editor, two_checks, client):
    keep, gone = two_checks
    response = as_user(editor).post(f"/desk/claims/{gone.pk}/merge/", {"into": str(keep.pk)})
    assert response.status_code == 303 and response["Location"] == keep.get_desk_url()
    gone, keep = reload(gone), reload(keep)
    assert (gone.status, gone.merged_into) == ("merged", keep)
    assert Appearance.objects.filter(claim=keep).count() == 2
    assert Evidence.objects.filter(claim=keep, title="Home Office small boats table").exists()
    assert keep.annotations.count() == 1 and keep.reply_attempts.count() == 1
    assert keep.verdict.rating.label == "Mostly true"  # the survivor keeps its own verdict
    assert gone.verdict.rating.label == "Half true"  # and the merged one's stays on record
    assert Event.objects.filter(claim=gone, action="merged").exists()
    assert Event.objects.filter(claim=keep, action="merged_in").exists()
    note = Correction.objects.get(claim=keep)
    assert note.note.startswith("Merged: this claim was also checked as") and "(rated Half true)" in note.note
    moved = client.get(f"/claims/{gone.slug}/")
    assert (moved.status_code, moved["Location"]) == (301, keep.get_absolute_url())
    assert "Merged: this claim was also checked" in parse(client.get(keep.get_absolute_url())).find(
        attrs={"data-testid": "corrections-log"}).get_text()


def test_it_refuses_a_journalist_merge_and_changes_nothing(journalist, two_checks):
    keep, gone = two_checks
    before = snapshot()
    assert as_user(journalist).post(f"/desk/claims/{gone.pk}/merge/", {"into": str(keep.pk)}).status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize("into", ["", "not a number", "999999"])
def test_it_asks_for_an_existing_claim_to_merge_into(editor, two_checks, into):
    _, gone = two_checks
    before = snapshot()
    response = as_user(editor).post(f"/desk/claims/{gone.pk}/merge/", {"into": into})
    assert response.status_code == 422
    field = field_by_label(parse(response), "Merge into claim")
    assert field["aria-invalid"] == "true"
    assert snapshot() == before


def test_it_will_not_merge_a_published_check_into_one_readers_cannot_see(editor):
    gone = factories.ClaimFactory(published=True)
    logged = factories.ClaimFactory()
    before = snapshot()
    response = as_user(editor).post(f"/desk/claims/{gone.pk}/merge/", {"into": str(logged.pk)})
    assert response.status_code == 422
    assert "can only be merged into another published one" in parse(response).get_text()
    assert snapshot() == before


def test_it_counts_a_claim_once_for_each_speaker_who_said_it(journalist, editor, client):
    check = factories.ClaimFactory(published=True, quote=PHILP)
    other = factories.SpeakerFactory(name="Jo Deputy", slug="jo-deputy")
    services.appearance_add(claim_id=check.pk, actor=editor, quote=PHILP, speaker=other)
    page = parse(client.get("/speakers/jo-deputy/"))
    assert len(page.find_all(attrs={"data-testid": "claim-card"})) == 1
    listed = {li.find("a").get_text(): li.get_text(" ", strip=True) for li in parse(client.get("/speakers/")).find_all(
        "li") if li.find("a", href=lambda h: h and h.startswith("/speakers/"))}
    assert "(1 fact-check)" in listed["Jo Deputy"] and "(1 fact-check)" in listed[check.speaker.name]


def test_it_refuses_raw_invalid_input_to_the_services(journalist, editor):
    claim = factories.ClaimFactory()
    with pytest.raises(Invalid):
        services.claim_merge(claim_id=claim.pk, into_id=claim.pk, actor=editor)
    with pytest.raises(Invalid):
        services.claim_create(actor=journalist, quote=claim.quote, speaker=claim.speaker, different_reason="")


def test_it_says_in_the_open_what_a_merge_adds_to_a_published_check(editor):
    keep = factories.ClaimFactory(published=True, quote=PHILP)
    gone = factories.ClaimFactory(researching=True, quote=PHILP_FULL)
    factories.EvidenceFactory(claim=gone)
    services.claim_merge(claim_id=gone.pk, into_id=keep.pk, actor=editor)
    note = Correction.objects.get(claim=keep).note
    assert note == "Merged: another record of this claim was folded in, with 1 appearance and 1 piece of evidence."


def test_it_joins_an_archive_record_at_once(journalist):
    record = factories.ClaimFactory(published=True, imported=True, quote=PHILP,
                                    original_url="https://archive.example.org/checks/9")
    appearance = services.appearance_add(claim_id=record.pk, actor=journalist, quote=PHILP,
                                         speaker=record.speaker)
    assert appearance.accepted is True  # archive records have no public page to wait for


def test_it_adds_an_appearance_from_the_workspace(journalist, journalist_client):
    check = factories.ClaimFactory(published=True, quote=PHILP)
    factories.SpeakerFactory(name="Jo Deputy")
    page = parse(journalist_client.get(check.get_desk_url()))
    form = page.find(id="appearances-panel").find("form")
    assert button(form, "Add appearance") is not None
    assert field_by_label(form, "Words said").name == "textarea" and field_by_label(form, "Said by")

    before = snapshot()
    bad = journalist_client.post(f"/desk/claims/{check.pk}/appearances/", {
        "appearance-quote": PHILP, "appearance-speaker": "Nobody Known"}, headers={"HX-Request": "true"})
    assert bad.status_code == 422
    speaker = field_by_label(parse(bad), "Said by")
    assert speaker["aria-invalid"] == "true"
    assert snapshot() == before

    done = journalist_client.post(f"/desk/claims/{check.pk}/appearances/", {
        "appearance-quote": PHILP, "appearance-speaker": "Jo Deputy", "appearance-source_url":
        "https://news.example.org/deputy", "appearance-date_said": "2025-08-20"}, headers={"HX-Request": "true"})
    assert done.status_code == 200
    assert "waits for an editor" in parse(done).find(attrs={"role": "status"}).get_text()
    added = Appearance.objects.get(claim=check, primary=False)
    assert (added.accepted, added.added_by, added.source.url) == (False, journalist, "https://news.example.org/deputy")
