"""The review rules a standards editor relies on: the consistency gate, four eyes across rounds, a
published record that changes only in the open, a review that shows what changed, and a status
message after every action."""

from __future__ import annotations

import pytest

from claims import services
from claims.matching import refresh_term_stats
from claims.models import Claim, ConsistencyNote, Event, Speaker, Submission
from tests import factories
from tests.html import button, field_by_label, parse
from tests.test_workflow import as_user, reload, snapshot

pytestmark = pytest.mark.django_db

QUOTE = "Over 50,000 illegal immigrants have crossed the Channel in Labour's short time in power."


def in_research(author, *, quote: str = QUOTE, rating: str = "mostly-false") -> Claim:
    claim = services.claim_create(actor=author, speaker=factories.SpeakerFactory(name="Chris Example"), quote=quote,
                                  check_duplicates=False)
    services.claim_assign(claim_id=claim.pk, actor=author)
    services.evidence_add(claim_id=claim.pk, actor=author, data={
        "url": "https://stats.example.org/boats", "title": "Small boat arrivals", "stance": "contradicts"})
    services.verdict_save(claim_id=claim.pk, actor=author, version=None, data={
        "rating": factories.rating(rating), "conclusion": "Fewer crossed than claimed.",
        "analysis": "The Home Office table gives **44,000** for the period."})
    return reload(claim)


@pytest.fixture
def earlier(db) -> Claim:
    """A published check of the same words, rated otherwise."""
    past = factories.ClaimFactory(published=True, quote=QUOTE, with_verdict=False)
    factories.VerdictFactory(claim=past, rating=factories.rating("half-true"), published_at=past.published_at)
    refresh_term_stats()
    return past


# ---------------------------------------------------------------- the consistency gate


def test_it_refuses_submit_until_the_journalist_says_how_the_verdict_relates(journalist, earlier):
    claim = in_research(journalist)
    client = as_user(journalist)
    before = snapshot()
    response = client.post(f"/desk/claims/{claim.pk}/submit/")
    assert response.status_code == 422
    page = parse(response)
    gate = page.find(attrs={"data-testid": "consistency-submit"})
    assert "Half true" in gate.get_text()
    radios = gate.find_all("input", attrs={"name": f"relation_{earlier.pk}"})
    assert {r["value"] for r in radios} == {"consistent", "differs"}
    assert {r.parent.get_text(strip=True) for r in radios} == {"Consistent with it", "Differs because…"}
    assert field_by_label(gate, "Why the rating differs").name == "textarea"
    assert gate.find(class_="field-error") is not None
    assert snapshot() == before

    response = client.post(f"/desk/claims/{claim.pk}/submit/", {f"relation_{earlier.pk}": "differs"})
    assert response.status_code == 422
    reason = field_by_label(parse(response).find(attrs={"data-testid": "consistency-submit"}),
                            "Why the rating differs")
    assert reason["aria-invalid"] == "true"
    assert snapshot() == before

    response = client.post(f"/desk/claims/{claim.pk}/submit/", {
        f"relation_{earlier.pk}": "differs", f"reason_{earlier.pk}": "The new figures cover a longer period."})
    assert response.status_code == 303
    assert reload(claim).status == "in_review"
    note = ConsistencyNote.objects.get(claim=claim)
    assert (note.past_claim, note.past_rating, note.rating, note.relation, note.action) == (
        earlier, "Half true", "Mostly false", "differs", "submit")
    history = Event.objects.get(claim=claim, action="consistency_stated")
    assert "The new figures cover a longer period." in history.comment


def test_it_shows_the_reviewer_both_ratings_and_the_note_then_gates_approve(journalist, editor, earlier, client,
                                                                            django_capture_on_commit_callbacks):
    claim = in_research(journalist)
    services.claim_submit(claim_id=claim.pk, actor=journalist,
                          consistency={earlier.pk: {"relation": "differs", "reason": "Newer figures."}})
    reviewer = as_user(editor)
    page = parse(reviewer.get(claim.get_desk_url()))
    side = page.find(attrs={"data-testid": "review-rulings"})
    assert "Half true" in side.get_text() and "Mostly false" in side.get_text() and "Newer figures." in side.get_text()

    before = snapshot()
    assert reviewer.post(f"/desk/claims/{claim.pk}/approve/").status_code == 422
    assert snapshot() == before
    gate = parse(reviewer.get(claim.get_desk_url())).find(attrs={"data-testid": "consistency-approve"})
    assert gate.find("input", attrs={"name": "show_publicly"}).parent.get_text(strip=True) == \
        "Show this note on the public page"

    with django_capture_on_commit_callbacks(execute=True):
        response = reviewer.post(f"/desk/claims/{claim.pk}/approve/", {
            f"relation_{earlier.pk}": "differs", f"reason_{earlier.pk}": "The period checked is longer.",
            "show_publicly": "on"})
    assert response.status_code == 303
    assert reload(claim).status == "published"
    public = parse(client.get(reload(claim).get_absolute_url()))
    notes = public.find(attrs={"data-testid": "differs-notes"})
    assert "The period checked is longer." in notes.get_text() and "Half true" in notes.get_text()
    assert public.find("h2", string="Why this differs from our earlier check") is not None


def test_it_passes_a_verdict_stated_consistent_without_a_reason(journalist, earlier):
    claim = in_research(journalist)
    response = as_user(journalist).post(f"/desk/claims/{claim.pk}/submit/", {f"relation_{earlier.pk}": "consistent"})
    assert response.status_code == 303
    assert ConsistencyNote.objects.get(claim=claim).relation == "consistent"


def test_it_asks_nothing_when_the_ratings_agree_or_the_claims_differ(journalist, earlier):
    same = in_research(journalist, rating="half-true")
    assert as_user(journalist).post(f"/desk/claims/{same.pk}/submit/").status_code == 303
    other = in_research(journalist, quote="Our town built 350 new homes last year, a record.")
    assert as_user(journalist).post(f"/desk/claims/{other.pk}/submit/").status_code == 303


def test_it_ignores_an_archive_record_without_a_rating_on_our_scale(journalist):
    record = factories.ClaimFactory(published=True, imported=True, quote=QUOTE, with_verdict=False,
                                    original_url="https://archive.example.org/checks/7")
    factories.VerdictFactory(claim=record, rating=None)
    refresh_term_stats()
    claim = in_research(journalist)
    assert as_user(journalist).post(f"/desk/claims/{claim.pk}/submit/").status_code == 303


# ---------------------------------------------------------------- four eyes across rounds


def test_it_refuses_the_self_approval_bypass_step_by_step(journalist, editor, editor2):
    """The editor saves the verdict on a journalist's claim; the journalist submits; requests for
    changes and an unchanged resubmission never let the author approve it."""
    claim = services.claim_create(actor=journalist, speaker=factories.SpeakerFactory(), quote="Crime fell by a third.")
    services.claim_assign(claim_id=claim.pk, actor=journalist)
    services.evidence_add(claim_id=claim.pk, actor=journalist, data={
        "url": "https://stats.example.org/crime", "title": "Crime table", "stance": "supports"})
    services.verdict_save(claim_id=claim.pk, actor=editor, version=None, data={
        "rating": factories.rating("true"), "conclusion": "It did.", "analysis": ""})
    services.claim_submit(claim_id=claim.pk, actor=journalist)
    author = as_user(editor)

    for step in ("approve", "request-changes"):
        before = snapshot()
        response = author.post(f"/desk/claims/{claim.pk}/{step}/", {"comment": "Looks fine to me."})
        assert response.status_code == 403, step
        assert snapshot() == before
        assert reload(claim).status == "in_review"
    workflow = parse(author.get(claim.get_desk_url())).find(id="workflow")
    assert button(workflow, "Approve") is None and button(workflow, "Request changes") is None

    services.review_request_changes(claim_id=claim.pk, actor=editor2, comment="Cite the table's year.")
    services.claim_submit(claim_id=claim.pk, actor=journalist)  # unchanged
    assert reload(claim).review_round == 2
    before = snapshot()
    assert author.post(f"/desk/claims/{claim.pk}/approve/").status_code == 403
    assert snapshot() == before
    assert as_user(editor2).post(f"/desk/claims/{claim.pk}/approve/").status_code == 303
    assert reload(claim).status == "published"


def test_it_holds_a_superuser_author_to_the_same_rule(journalist, superuser):
    claim = services.claim_create(actor=journalist, speaker=factories.SpeakerFactory(), quote="Crime fell by a third.")
    services.claim_assign(claim_id=claim.pk, actor=journalist)
    services.evidence_add(claim_id=claim.pk, actor=superuser, data={
        "url": "https://stats.example.org/crime", "title": "Crime table", "stance": "supports"})
    services.verdict_save(claim_id=claim.pk, actor=journalist, version=None, data={
        "rating": factories.rating("true"), "conclusion": "It did.", "analysis": ""})
    services.claim_submit(claim_id=claim.pk, actor=journalist)
    assert as_user(superuser).post(f"/desk/claims/{claim.pk}/approve/").status_code == 403


# ---------------------------------------------------------------- the published record


@pytest.fixture
def shown(db):
    speaker = factories.SpeakerFactory(name="Chris Example", role="Shadow Home Secretary")
    topic = factories.TopicFactory(name="Migration", slug="migration")
    checks = [factories.ClaimFactory(published=True, speaker=speaker) for _ in range(2)]
    source = checks[0].source
    for check in checks:
        check.topics.add(topic)
    factories.ClaimFactory(speaker=speaker)  # not public: no event, no date
    return speaker, topic, source, checks


REFUSED = "Only editors can change what a published fact-check shows."


@pytest.mark.parametrize(("what", "data"), [
    ("speaker", {"name": "Chris Renamed", "kind": "person"}),
    ("source", {"title": "Retitled", "url": "https://news.example.org/moved", "kind": "article"}),
    ("topic", {"name": "Asylum"}),
])
def test_it_refuses_a_journalist_changing_what_a_published_check_shows(journalist, shown, what, data):
    speaker, topic, source, _ = shown
    target = {"speaker": speaker, "source": source, "topic": topic}[what]
    before = snapshot()
    response = as_user(journalist).post(f"/desk/{what}s/{target.pk}/", data)
    assert response.status_code == 403
    assert REFUSED in parse(response).get_text()
    assert snapshot() == before


def test_it_lets_a_journalist_edit_a_speaker_no_public_check_shows(journalist):
    speaker = factories.SpeakerFactory(name="Robin Draft")
    factories.ClaimFactory(researching=True, speaker=speaker)
    assert as_user(journalist).post(f"/desk/speakers/{speaker.pk}/",
                                    {"name": "Robin Drafted", "kind": "person"}).status_code == 303
    assert Speaker.objects.get(pk=speaker.pk).name == "Robin Drafted"


def test_it_lets_a_journalist_change_a_published_speakers_current_role(journalist, shown, client):
    speaker, _, _, checks = shown
    assert as_user(journalist).post(f"/desk/speakers/{speaker.pk}/", {
        "name": speaker.name, "kind": "person", "role": "Home Secretary"}).status_code == 303
    # The page still says the role as it was when the words were said.
    said = parse(client.get(checks[0].get_absolute_url())).find(class_="said").get_text()
    assert "Shadow Home Secretary" in said


def test_it_records_an_editors_rename_on_every_public_check_it_shows(editor, shown, client,
                                                                    django_capture_on_commit_callbacks):
    speaker, _, _, checks = shown
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(editor).post(f"/desk/speakers/{speaker.pk}/", {"name": "Christopher Example",
                                                                          "kind": "person"})
    assert response.status_code == 303
    events = Event.objects.filter(action="speaker_updated", claim__isnull=False)
    assert sorted(e.claim_id for e in events) == sorted(c.pk for c in checks)
    assert all(e.changes == {"name": ["Chris Example", "Christopher Example"]} for e in events)
    page = parse(client.get(checks[0].get_absolute_url()))
    published = page.find(lambda t: t.name == "p" and t.get_text(strip=True).startswith("Published"))
    assert "updated" in published.get_text()
    assert "Christopher Example" in page.find(class_="said").get_text()


def test_it_corrects_the_quote_and_the_claim_as_checked_in_the_open(editor, client):
    check = factories.ClaimFactory(published=True, quote="Crime fell by a quarter.")
    response = as_user(editor).post(f"/desk/claims/{check.pk}/correct/", {
        "correction-kind": "correction", "correction-note": "We misquoted the minister.",
        "correction-quote": "Crime fell by a third.", "correction-claim_checked": "Crime fell by a third."})
    assert response.status_code == 303
    check = reload(check)
    assert (check.quote, check.claim_checked) == ("Crime fell by a third.", "Crime fell by a third.")
    correction = check.corrections.get()
    assert correction.previous["quote"] == "Crime fell by a quarter."
    assert check.appearances.get(primary=True).quote == "Crime fell by a third."


# ---------------------------------------------------------------- the review


def test_it_shows_the_changes_since_the_last_round(journalist, editor, editor2):
    claim = in_research(journalist)
    services.claim_submit(claim_id=claim.pk, actor=journalist)
    services.review_request_changes(claim_id=claim.pk, actor=editor2, comment="Say which period.")
    verdict = reload(claim).verdict
    services.verdict_save(claim_id=claim.pk, actor=journalist, version=verdict.version, data={
        "rating": factories.rating("false"), "conclusion": "Far fewer crossed than claimed.",
        "analysis": verdict.analysis})
    services.evidence_add(claim_id=claim.pk, actor=journalist, data={
        "url": "https://stats.example.org/year", "title": "Arrivals by year", "stance": "contradicts"})
    services.claim_submit(claim_id=claim.pk, actor=journalist)
    assert Submission.objects.filter(claim=claim).count() == 2

    changes = parse(as_user(editor).get(claim.get_desk_url())).find(attrs={"data-testid": "round-changes"})
    assert changes.find("h3").get_text(strip=True) == "Changes since round 1"
    rating = changes.find(attrs={"data-testid": "rating-change"})
    assert (rating.find("del").get_text(), rating.find("ins").get_text()) == ("Mostly false", "False")
    conclusion = changes.find(attrs={"data-testid": "conclusion-diff"})
    assert conclusion.find("del").get_text() == "Fewer" and conclusion.find("ins").get_text() == "Far fewer"
    assert changes.find(attrs={"data-testid": "analysis-diff"}).get_text(strip=True) == "Unchanged."
    added = changes.find(attrs={"data-testid": "evidence-changes"}).find("li")
    assert added.get_text(" ", strip=True).startswith("Added:") and added.find("ins").get_text() == "Arrivals by year"


def test_it_shows_a_long_text_change_in_the_history_as_a_word_diff(journalist):
    claim = in_research(journalist)
    verdict = claim.verdict
    long_before = "The Home Office table gives **44,000** for the period, " + "and more context " * 10
    services.verdict_save(claim_id=claim.pk, actor=journalist, version=verdict.version, data={
        "rating": verdict.rating, "conclusion": verdict.conclusion, "analysis": long_before})
    services.verdict_save(claim_id=claim.pk, actor=journalist, version=verdict.version + 1, data={
        "rating": verdict.rating, "conclusion": verdict.conclusion,
        "analysis": long_before.replace("44,000", "46,000")})
    history = parse(as_user(journalist).get(claim.get_desk_url())).find(id="history")
    diff = history.find(attrs={"data-testid": "history-diff"})
    assert [d.get_text() for d in diff.find_all("del")] == ["44,000"]
    assert [i.get_text() for i in diff.find_all("ins")] == ["46,000"]


# ---------------------------------------------------------------- every action says what happened


HX = {"HX-Request": "true"}


def status_text(page) -> str:
    return " ".join(s.get_text(" ", strip=True) for s in page.find_all(attrs={"role": "status"}))


def test_it_says_what_happened_after_each_action(journalist, editor, settings):
    settings.REVIEW_APPROVALS_REQUIRED = 1
    claim = in_research(journalist)
    client = as_user(journalist)
    response = client.post(f"/desk/claims/{claim.pk}/submit/", follow=True)
    assert "Submitted for review. Editors have been told." in status_text(parse(response))

    reviewer = as_user(editor)
    fragment = parse(reviewer.post(f"/desk/claims/{claim.pk}/approve/", headers=HX))
    assert fragment.find("html") is None
    message = fragment.find(attrs={"data-testid": "action-message"})
    assert message["role"] == "status" and message.get_text(" ", strip=True).startswith("Published.")
    live = message.find("a", string="View the fact-check")
    assert live["href"] == reload(claim).get_absolute_url()


def test_it_links_the_live_page_after_a_plain_post_correction(editor):
    check = factories.ClaimFactory(published=True)
    response = as_user(editor).post(f"/desk/claims/{check.pk}/correct/", {
        "correction-kind": "update", "correction-note": "We added the 2025 figure.",
        "correction-conclusion": "Still fewer than claimed."}, follow=True)
    status = parse(response).find(id="desk-messages").find(attrs={"role": "status"})
    assert status.get_text(" ", strip=True).startswith("Corrected.")
    assert status.find("a", string="View the fact-check")["href"] == check.get_absolute_url()


def test_it_counts_approvals_in_the_message(journalist, editor, settings):
    settings.REVIEW_APPROVALS_REQUIRED = 2
    claim = in_research(journalist)
    services.claim_submit(claim_id=claim.pk, actor=journalist)
    response = as_user(editor).post(f"/desk/claims/{claim.pk}/approve/", follow=True)
    assert "Approved (1 of 2 approvals)." in status_text(parse(response))


@pytest.mark.parametrize(("action", "data", "said"), [
    ("dismiss", {"comment": "Not checkable."}, "Dismissed."),
    ("request-changes", {"comment": "Cite the table."}, "Changes requested."),
])
def test_it_says_what_happened_after_an_htmx_swap_too(journalist, editor, action, data, said):
    claim = in_research(journalist)
    if action == "request-changes":
        services.claim_submit(claim_id=claim.pk, actor=journalist)
    fragment = parse(as_user(editor).post(f"/desk/claims/{claim.pk}/{action}/", data, headers=HX))
    assert fragment.find(attrs={"data-testid": "action-message"}).get_text(strip=True) == said


def test_it_marks_a_claim_sent_back_on_the_dashboard(journalist, editor):
    claim = in_research(journalist)
    services.claim_submit(claim_id=claim.pk, actor=journalist)
    services.review_request_changes(claim_id=claim.pk, actor=editor, comment="Say which period you mean.")
    mine = parse(as_user(journalist).get("/desk/")).find(attrs={"data-testid": "my-assignments"})
    sent_back = mine.find(attrs={"data-testid": "changes-requested"})
    assert "Changes requested" in sent_back.get_text() and "Say which period you mean." in sent_back.get_text()
    assert "Tom Hughes" in sent_back.get_text()


def test_it_records_a_new_rows_values_without_inventing_earlier_ones(journalist):
    claim = in_research(journalist)
    added = Event.objects.get(claim=claim, action="evidence_added")
    assert added.changes["stance"] == [None, "contradicts"]  # not the model's default "context"
    assert all(before is None for before, _ in added.changes.values())
