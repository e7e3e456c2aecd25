"""The editorial workflow's rules, through the desk as people use it (DESIGN.md §1, §3).

Submission needs a rating, a conclusion and evidence; review is by a quorum of distinct editors
whose votes belong to a round; a claim in review is read-only except for notes and right of reply;
a published check changes only through a public, dated correction; every transition writes one
Event; mail goes out on commit; editors keep the rating scale; the audit trail cannot be edited.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Max
from django.test import Client
from django.utils import timezone

from claims import services
from claims.models import Annotation, Claim, Correction, Event, Evidence, Rating, ReplyAttempt, ReviewVote, Verdict
from claims.setup import EDITORS, JOURNALISTS
from tests import factories
from tests.factories import rating
from tests.html import button, field_by_label, parse, texts

pytestmark = pytest.mark.django_db

User = get_user_model()

ORIGINAL_CONCLUSION = "The total counts arrivals under both governments."
ORIGINAL_ANALYSIS = "The **Home Office** table counts from January."


# ---------------------------------------------------------------- helpers


@pytest.fixture(autouse=True)
def _one_approval_publishes(settings):
    settings.REVIEW_APPROVALS_REQUIRED = 1


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def reload(claim: Claim) -> Claim:
    return Claim.objects.get(pk=claim.pk)


def snapshot() -> dict[str, list[dict]]:
    """Every row the desk can touch (signing in, which sets `last_login`, aside)."""
    models = [*apps.get_app_config("claims").get_models(), Claim.topics.through, Group]
    rows = {m._meta.label: list(m._default_manager.order_by("pk").values()) for m in models}
    rows["auth.User"] = list(User.objects.order_by("pk").values(*(
        f.attname for f in User._meta.concrete_fields if f.name != "last_login")))
    return rows


def last_event_id() -> int:
    return Event.objects.aggregate(m=Max("pk"))["m"] or 0


def new_events(since: int) -> list[Event]:
    return list(Event.objects.filter(pk__gt=since).order_by("pk"))


def transition(claim: Claim, action: str) -> str:
    return f"/desk/claims/{claim.pk}/{action}/"


def assert_done(response, claim: Claim) -> None:
    """A plain POST that worked sees the workspace again (303: a reload never re-sends the POST)."""
    assert response.status_code == 303, response.content.decode()[:2000]
    assert response["Location"].split("#")[0] == claim.get_desk_url()


def error_of(page, field):
    """The error message tied to a field (aria-describedby), as assistive technology finds it."""
    for ref in (field.get("aria-describedby") or "").split():
        found = page.find(id=ref)
        if found is not None and "field-error" in (found.get("class") or []):
            return found.get_text(" ", strip=True)
    return None


def refusal(response):
    found = parse(response).find(attrs={"data-testid": "refusal"})
    assert found is not None, response.content.decode()[:2000]
    return found


def workflow(client: Client, claim: Claim):
    response = client.get(claim.get_desk_url())
    assert response.status_code == 200
    return parse(response).find(id="workflow")


def approvals_text(client: Client, claim: Claim) -> str | None:
    found = workflow(client, claim).find(attrs={"data-testid": "approvals"})
    return found.get_text(" ", strip=True) if found else None


def status_shown(client: Client, claim: Claim) -> str:
    page = parse(client.get(claim.get_desk_url()))
    return page.find(attrs={"data-testid": "claim-status"}).get_text(strip=True)


def researching(author) -> Claim:
    """Logged and taken by `author` through the services; nothing else yet."""
    claim = services.claim_create(
        actor=author, speaker=factories.SpeakerFactory(name="Chris Example"), source=factories.SourceFactory(),
        quote="Over 50,000 illegal immigrants have crossed the Channel in Labour's short time in power.",
        claim_checked="More than 50,000 people crossed the Channel by small boat since the election.",
    )
    services.claim_assign(claim_id=claim.pk, actor=author)
    return reload(claim)


def add_evidence(claim: Claim, actor, title: str = "Small boat arrivals, year to March") -> Evidence:
    return services.evidence_add(claim_id=claim.pk, actor=actor, data={
        "url": f"https://stats.example.org/{title.lower().replace(' ', '-').replace(',', '')}", "title": title,
        "stance": "contradicts", "passage": "1,900 Iraqis arrived by small boat, down from 2,600."})


@pytest.fixture
def ready(journalist) -> Claim:
    """In research with evidence and a verdict the journalist wrote: ready to submit."""
    claim = researching(journalist)
    add_evidence(claim, journalist)
    add_evidence(claim, journalist, "Small boat arrivals by nationality")
    services.verdict_save(claim_id=claim.pk, actor=journalist, version=None, data={
        "rating": rating("mostly-false"), "conclusion": ORIGINAL_CONCLUSION, "analysis": ORIGINAL_ANALYSIS})
    return reload(claim)


@pytest.fixture
def submitted(ready, journalist) -> Claim:
    services.claim_submit(claim_id=ready.pk, actor=journalist)
    return reload(ready)


@pytest.fixture
def published(submitted, editor2) -> Claim:
    services.review_approve(claim_id=submitted.pk, actor=editor2, comment="Agreed.")
    return reload(submitted)


@pytest.fixture
def dismissed(journalist, editor2) -> Claim:
    claim = researching(journalist)
    services.claim_dismiss(claim_id=claim.pk, actor=editor2, reason="Duplicate of an earlier check.")
    return reload(claim)


@pytest.fixture
def logged(journalist) -> Claim:
    return services.claim_create(actor=journalist, speaker=factories.SpeakerFactory(),
                                 quote="Crime fell by half in our first year.")


# ---------------------------------------------------------------- submit


@pytest.mark.parametrize(("present", "missing"), [
    ((), ["a rating", "a conclusion", "at least one piece of evidence"]),
    (("rating", "conclusion"), ["at least one piece of evidence"]),
    (("conclusion", "evidence"), ["a rating"]),
    (("rating", "evidence"), ["a conclusion"]),
])
def test_it_refuses_a_submission_listing_what_is_missing(present, missing, journalist, editor, mailoutbox,
                                                          django_capture_on_commit_callbacks):
    claim = researching(journalist)
    verdict = {"rating": rating("false")} if "rating" in present else {}
    if "conclusion" in present:
        verdict["conclusion"] = "Fewer people crossed than claimed."
    if verdict:
        services.verdict_save(claim_id=claim.pk, actor=journalist, version=None, data=verdict)
    if "evidence" in present:
        add_evidence(claim, journalist)
    before = snapshot()

    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(journalist).post(transition(claim, "submit"))

    assert response.status_code == 422
    message = refusal(response)
    assert texts(message.find_all("li")) == missing
    for item in missing:
        assert item in message.find("p").get_text()
    assert snapshot() == before
    assert mailoutbox == []


def test_it_submits_a_complete_verdict_for_review(ready, journalist):
    client = as_user(journalist)
    assert_done(client.post(transition(ready, "submit")), ready)
    claim = reload(ready)
    assert claim.status == "in_review"
    verdict = Verdict.objects.get(claim=claim)
    assert verdict.submitted_by == journalist and verdict.submitted_at is not None
    assert status_shown(client, claim) == "In review"


# ---------------------------------------------------------------- quorum and rounds


def test_it_keeps_the_claim_in_review_until_the_quorum_is_met(submitted, editor, editor2, settings):
    settings.REVIEW_APPROVALS_REQUIRED = 2
    first, second = as_user(editor), as_user(editor2)
    assert approvals_text(first, submitted) == "0 of 2 approvals"

    assert_done(first.post(transition(submitted, "approve"), {"comment": "Figures check out."}), submitted)
    assert reload(submitted).status == "in_review"
    assert approvals_text(second, submitted) == "1 of 2 approvals"
    assert status_shown(second, submitted) == "In review"
    assert button(workflow(second, submitted), "Approve") is not None

    assert_done(second.post(transition(submitted, "approve"), {"comment": "Agreed."}), submitted)
    claim = reload(submitted)
    assert claim.status == "published" and claim.published_at is not None
    assert status_shown(second, claim) == "Published"
    assert approvals_text(second, claim) is None
    assert sorted(ReviewVote.objects.filter(claim=claim, decision="approve").values_list("editor__username",
                                                                                        flat=True)) == [
        "editor", "editor2"]
    assert [e.action for e in Event.objects.filter(claim=claim, action__in=["approved", "published"])
            .order_by("pk")] == ["approved", "published"]


def test_it_counts_the_same_editor_approving_twice_once(submitted, editor, settings):
    settings.REVIEW_APPROVALS_REQUIRED = 2
    client = as_user(editor)
    client.post(transition(submitted, "approve"))
    before, since = snapshot(), last_event_id()

    assert_done(client.post(transition(submitted, "approve"), {"comment": "Again."}), submitted)

    assert snapshot() == before and last_event_id() == since
    assert ReviewVote.objects.filter(claim=submitted, decision="approve").count() == 1
    assert approvals_text(client, submitted) == "1 of 2 approvals"
    assert reload(submitted).status == "in_review"


def test_it_needs_a_comment_to_request_changes(submitted, editor, mailoutbox, django_capture_on_commit_callbacks):
    before = snapshot()
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(editor).post(transition(submitted, "request-changes"), {"comment": "  "})
    assert response.status_code == 422
    assert "Say what needs to change." in texts(refusal(response).find_all("li"))
    assert snapshot() == before
    assert mailoutbox == []


def test_it_ends_the_round_when_changes_are_requested(submitted, journalist, editor, editor2, settings):
    settings.REVIEW_APPROVALS_REQUIRED = 2
    first, second, writer = as_user(editor), as_user(editor2), as_user(journalist)
    first.post(transition(submitted, "approve"), {"comment": "Fine by me."})
    assert approvals_text(second, submitted) == "1 of 2 approvals"

    comment = "Say which twelve months the 1,900 figure covers."
    assert_done(second.post(transition(submitted, "request-changes"), {"comment": comment}), submitted)

    claim = reload(submitted)
    assert (claim.status, claim.review_round) == ("researching", 2)
    shown = workflow(writer, claim).find(attrs={"data-testid": "changes-requested"})
    assert shown is not None
    assert comment in shown.get_text(" ", strip=True)
    assert "Grace Okafor" in shown.get_text(" ", strip=True)

    assert_done(writer.post(transition(claim, "submit")), claim)
    assert approvals_text(first, claim) == "0 of 2 approvals"  # the earlier approval belonged to round 1
    assert workflow(writer, claim).find(attrs={"data-testid": "changes-requested"}) is None

    first.post(transition(claim, "approve"))
    assert reload(claim).status == "in_review"
    assert approvals_text(first, claim) == "1 of 2 approvals"
    second.post(transition(claim, "approve"))
    assert reload(claim).status == "published"


# ---------------------------------------------------------------- read-only in review, locked after publication


def _edits(claim: Claim) -> dict[str, tuple[str, dict]]:
    evidence = claim.evidence.order_by("position").last()
    verdict = Verdict.objects.get(claim=claim)
    return {
        "claim": (f"/desk/claims/{claim.pk}/edit/", {
            "quote": "A different quote.", "claim_checked": claim.claim_checked, "speaker": claim.speaker.name,
            "version": claim.version}),
        "evidence add": (f"/desk/claims/{claim.pk}/evidence/", {
            "url": "https://stats.example.org/new", "title": "A new table", "stance": "context"}),
        "evidence edit": (f"/desk/evidence/{evidence.pk}/edit/", {
            "url": evidence.url, "title": "A changed title", "stance": evidence.stance, "version": evidence.version}),
        "evidence remove": (f"/desk/evidence/{evidence.pk}/remove/", {}),
        "evidence move": (f"/desk/evidence/{evidence.pk}/move/", {"direction": "up"}),
        "verdict": (f"/desk/claims/{claim.pk}/verdict/", {
            "rating": rating("false").pk, "conclusion": "A changed conclusion.", "analysis": "Changed.",
            "version": verdict.version}),
    }


EDITS = ("claim", "evidence add", "evidence edit", "evidence remove", "evidence move", "verdict")


@pytest.mark.parametrize("edit", EDITS)
@pytest.mark.parametrize("persona", ["journalist", "editor"])
def test_it_keeps_a_claim_in_review_read_only(edit, persona, submitted, request):
    url, data = _edits(submitted)[edit]
    client = as_user(request.getfixturevalue(persona))
    before = snapshot()
    response = client.post(url, data)
    assert response.status_code == 409
    assert refusal(response).get_text(strip=True)
    assert snapshot() == before


@pytest.mark.parametrize("edit", EDITS)
@pytest.mark.parametrize("persona", ["journalist", "editor", "superuser"])
def test_it_locks_a_published_check_except_for_corrections(edit, persona, published, request):
    url, data = _edits(published)[edit]
    client = as_user(request.getfixturevalue(persona))
    before = snapshot()
    response = client.post(url, data)
    assert response.status_code == 409
    assert snapshot() == before


def test_it_shows_the_submitted_verdict_read_only_to_the_reviewer(submitted, editor):
    page = parse(as_user(editor).get(submitted.get_desk_url()))
    assert page.find(id="claim-form").find("fieldset").has_attr("disabled")
    # The verdict exactly as the public page will show it: rating, conclusion, analysis as HTML, evidence.
    shown = page.find(id="verdict-panel").find(attrs={"data-testid": "verdict-as-published"})
    assert page.find(id="verdict-panel").find("textarea") is None
    assert shown.find(attrs={"data-testid": "rating"}).get_text(strip=True) == "Mostly false"
    assert shown.find(attrs={"data-testid": "conclusion"}).get_text(strip=True) == ORIGINAL_CONCLUSION
    assert shown.find(attrs={"data-testid": "analysis"}).find(["p", "strong", "ul", "ol"]) is not None
    stances = [s.get_text(strip=True) for s in shown.find(attrs={"data-testid": "evidence"}).select(".stance")]
    assert len(stances) == 2
    evidence = page.find(id="evidence-panel")
    assert button(evidence, "Remove") is None and evidence.find("a", string="Add evidence") is None


def test_it_keeps_notes_and_right_of_reply_open_in_review(submitted, journalist, editor):
    client = as_user(editor)
    since = last_event_id()

    assert_done(client.post(f"/desk/claims/{submitted.pk}/notes/", {"body": "Which year is this?"}), submitted)
    note = Annotation.objects.get(claim=submitted)
    assert_done(as_user(journalist).post(f"/desk/notes/{note.pk}/reply/", {"body": "Year to March."}), submitted)
    assert_done(client.post(f"/desk/notes/{note.pk}/resolve/"), submitted)
    assert_done(client.post(f"/desk/claims/{submitted.pk}/replies/", {
        "contacted_on": "2025-08-18", "channel": "Email", "contact": "Press office",
        "response": "We stand by the figure.", "show_publicly": "on"}), submitted)

    assert Annotation.objects.get(pk=note.pk).resolved
    assert Annotation.objects.filter(parent=note).get().body == "Year to March."
    assert ReplyAttempt.objects.get(claim=submitted).response == "We stand by the figure."
    assert [e.action for e in new_events(since)] == ["note_added", "note_replied", "note_resolved", "reply_logged"]
    assert reload(submitted).status == "in_review"


# ---------------------------------------------------------------- correct


def _correct(claim: Claim, **overrides) -> dict:
    data = {"kind": "correction", "note": "We gave the wrong period for the Home Office figures.",
            "rating": "", "conclusion": "", "analysis": "", **overrides}
    return correction_fields(data)


def correction_fields(data: dict) -> dict:
    """The correction form's fields carry a prefix: they share the page with the verdict form."""
    return {f"correction-{name}": value for name, value in data.items()}


@pytest.mark.parametrize(("data", "invalid"), [
    ({"kind": "", "note": "", "conclusion": "Changed."}, {"Kind", "Public note"}),
    ({"note": "", "conclusion": "Changed."}, {"Public note"}),
    ({"note": "    ", "conclusion": "Changed."}, {"Public note"}),
    ({"kind": "", "conclusion": "Changed."}, {"Kind"}),
    ({"kind": "retraction", "conclusion": "Changed."}, {"Kind"}),  # retracting is its own transition
])
def test_it_needs_a_kind_and_a_public_note_to_correct(data, invalid, published, editor):
    before = snapshot()
    response = as_user(editor).post(transition(published, "correct"), _correct(published, **data))
    assert response.status_code == 422
    form = parse(response).find("details", class_="correct")
    assert form is not None and form.has_attr("open")
    for label in ("Kind", "Public note"):
        field = field_by_label(form, label)
        assert (field.get("aria-invalid") == "true") is (label in invalid), label
        assert bool(error_of(form, field)) is (label in invalid), label
    assert snapshot() == before


def test_it_refuses_a_correction_that_changes_nothing(published, editor):
    before = snapshot()
    response = as_user(editor).post(transition(published, "correct"),
                                    _correct(published, conclusion=ORIGINAL_CONCLUSION))
    assert response.status_code == 422
    assert "Nothing was changed." in texts(refusal(response).find_all("li"))
    assert snapshot() == before


def test_it_keeps_the_previous_values_of_a_correction_machine_readable(published, editor):
    old_evidence = [{"title": e.title, "url": e.url, "stance": e.stance}
                    for e in published.evidence.order_by("position", "id")]
    assert len(old_evidence) == 2
    since = last_event_id()
    response = as_user(editor).post(transition(published, "correct"), _correct(
        published, rating=rating("false").pk, conclusion="Fewer than 50,000 crossed in that time.",
        analysis="The table for **July to June** gives 44,000.",
        evidence_url="https://stats.example.org/july-june", evidence_title="Arrivals, July to June",
        evidence_stance="contradicts", evidence_passage="44,000 people arrived."))
    assert_done(response, published)

    correction = Correction.objects.get(claim=published)
    assert correction.kind == "correction" and correction.created_by == editor
    assert correction.previous == {
        "quote": published.quote, "claim_checked": published.claim_checked,
        "rating": "Mostly false", "rating_value": 2, "conclusion": ORIGINAL_CONCLUSION,
        "analysis": ORIGINAL_ANALYSIS, "evidence": old_evidence,
    }
    verdict = Verdict.objects.get(claim=published)
    assert (verdict.rating.label, verdict.conclusion) == ("False", "Fewer than 50,000 crossed in that time.")
    assert verdict.analysis == "The table for **July to June** gives 44,000."
    assert list(published.evidence.order_by("position").values_list("title", flat=True)) == [
        *(e["title"] for e in old_evidence), "Arrivals, July to June"]
    assert reload(published).status == "published"
    [event] = new_events(since)
    assert (event.action, event.actor, event.comment) == ("corrected", editor, correction.note)
    assert event.changes["conclusion"] == [ORIGINAL_CONCLUSION, "Fewer than 50,000 crossed in that time."]


def test_it_shows_a_dated_correction_note_on_the_public_pages(published, editor, client):
    note = "We gave the wrong period for the Home Office figures."
    as_user(editor).post(transition(published, "correct"), _correct(
        published, note=note, rating=rating("false").pk, conclusion="Fewer than 50,000 crossed."))
    correction = Correction.objects.get(claim=published)
    day = timezone.localdate(correction.created_at).isoformat()

    page = parse(client.get(f"/claims/{published.slug}/"))
    assert page.find(attrs={"data-testid": "rating"}).get_text(strip=True) == "False"
    assert page.find(attrs={"data-testid": "conclusion"}).get_text(strip=True) == "Fewer than 50,000 crossed."
    log = page.find(attrs={"data-testid": "corrections-log"})
    assert log is not None
    [item] = log.find_all("li")
    assert item.find("strong").get_text(strip=True) == "Correction"
    assert item.find("time")["datetime"] == day
    assert note in item.get_text(" ", strip=True)

    listing = parse(client.get("/corrections/")).find(attrs={"data-testid": "corrections"})
    [entry] = listing.find_all("li", recursive=False)
    assert entry.find("time")["datetime"] == day
    assert entry.find("strong").get_text(strip=True) == "Correction"
    assert entry.find("a")["href"] == f"/claims/{published.slug}/"
    assert note in entry.get_text(" ", strip=True)


def test_it_gives_the_correction_fields_ids_of_their_own(published, editor):
    """The correction form and the (read-only) verdict panel both have Rating, Conclusion and
    Analysis. With shared ids, each label names only the first field of that id: the verdict panel's
    fields lose their names for assistive technology, and clicking their labels jumps into the
    correction form."""
    page = parse(as_user(editor).get(published.get_desk_url()))
    form = page.find("details", class_="correct").find("form")
    for control in form.find_all(["input", "select", "textarea"]):
        if control.get("type") == "hidden":
            continue
        ids = page.find_all(id=control["id"])
        assert len(ids) == 1, f"{len(ids)} elements share the id {control['id']!r}"
        assert form.find("label", attrs={"for": control["id"]}) is not None


# ---------------------------------------------------------------- retract, dismiss, reopen


def test_it_needs_a_public_note_to_retract(published, editor):
    before = snapshot()
    response = as_user(editor).post(transition(published, "retract"), {"comment": " "})
    assert response.status_code == 422
    assert "A public note is required." in texts(refusal(response).find_all("li"))
    assert snapshot() == before


def test_it_keeps_the_retracted_page_with_its_note(published, editor, client):
    note = "We withdrew this check: the quote was attributed to the wrong minister."
    assert_done(as_user(editor).post(transition(published, "retract"), {"comment": note}), published)
    claim = reload(published)
    assert claim.status == "retracted"
    assert Correction.objects.get(claim=claim).kind == "retraction"

    response = client.get(f"/claims/{published.slug}/")
    assert response.status_code == 200
    retraction = parse(response).find(attrs={"data-testid": "retraction"})
    assert retraction is not None and retraction.get("role") == "note"
    assert note in retraction.get_text(" ", strip=True)
    day = timezone.localdate(Correction.objects.get(claim=claim).created_at).isoformat()
    assert retraction.find("time")["datetime"] == day


def test_it_needs_a_reason_to_dismiss(logged, editor):
    before = snapshot()
    response = as_user(editor).post(transition(logged, "dismiss"), {"comment": ""})
    assert response.status_code == 422
    assert "Give a reason." in texts(refusal(response).find_all("li"))
    assert snapshot() == before


def test_it_reopens_a_dismissed_claim_as_logged(dismissed, editor):
    client = as_user(editor)
    assert button(workflow(client, dismissed), "Reopen") is not None
    assert_done(client.post(transition(dismissed, "reopen")), dismissed)
    claim = reload(dismissed)
    assert claim.status == "logged"
    assert status_shown(client, claim) == "Logged"
    assert button(workflow(client, claim), "Dismiss") is not None


# ---------------------------------------------------------------- one event per transition


def _start(state: str, request) -> Claim:
    return request.getfixturevalue({"in_review": "submitted", "researching": "ready"}.get(state, state))


EVENTS = [
    # action, from state, actor, form, event action, to state, comment in the event
    ("assign-self", "logged", "editor", {}, "assigned", "researching", ""),
    ("assign", "logged", "editor", {"assignee": "journalist"}, "assigned", "researching", ""),
    ("assign", "researching", "editor", {"assignee": "editor2"}, "reassigned", "researching", ""),
    ("submit", "researching", "journalist", {"comment": "Please check the period."}, "submitted", "in_review",
     "Please check the period."),
    ("approve", "in_review", "editor", {"comment": "Solid."}, "published", "published", "Solid."),
    ("request-changes", "in_review", "editor", {"comment": "Cite table 4."}, "changes_requested", "researching",
     "Cite table 4."),
    ("correct", "published", "editor", {"kind": "update", "note": "New figures came out.",
                                        "conclusion": "Updated."}, "corrected", "published",
     "New figures came out."),
    ("retract", "published", "editor", {"comment": "Misattributed."}, "retracted", "retracted", "Misattributed."),
    ("dismiss", "logged", "editor", {"comment": "Not checkable."}, "dismissed", "dismissed", "Not checkable."),
    ("dismiss", "researching", "editor", {"comment": "Opinion."}, "dismissed", "dismissed", "Opinion."),
    ("reopen", "dismissed", "editor", {"comment": "New data."}, "reopened", "logged", "New data."),
]


@pytest.mark.parametrize(("action", "state", "actor", "form", "event_action", "after", "comment"), EVENTS,
                         ids=[f"{e[0]}-{e[1]}" for e in EVENTS])
def test_it_writes_exactly_one_event_per_transition(action, state, actor, form, event_action, after, comment,
                                                    request):
    claim = _start(state, request)
    user = request.getfixturevalue(actor)
    if "assignee" in form:
        form = {"assignee": request.getfixturevalue(form["assignee"]).pk}
    if action == "correct":
        form = correction_fields(form)
    since = last_event_id()

    assert_done(as_user(user).post(transition(claim, action), form), claim)

    [event] = new_events(since)
    assert (event.actor, event.claim_id, event.action) == (user, claim.pk, event_action)
    assert (event.status_before, event.status_after) == (state, after)
    assert event.comment == comment
    assert reload(claim).status == after


def test_it_records_an_approval_short_of_the_quorum_as_one_event(submitted, editor, settings):
    settings.REVIEW_APPROVALS_REQUIRED = 2
    since = last_event_id()
    as_user(editor).post(transition(submitted, "approve"), {"comment": "One of two."})
    [event] = new_events(since)
    assert (event.actor, event.action, event.status_before, event.status_after, event.comment) == (
        editor, "approved", "in_review", "in_review", "One of two.")


def test_it_shows_the_transitions_in_the_history(submitted, journalist, editor):
    as_user(editor).post(transition(submitted, "request-changes"), {"comment": "Cite table 4."})
    history = parse(as_user(journalist).get(submitted.get_desk_url())).find(attrs={"data-testid": "history"})
    latest = history.find("li").get_text(" ", strip=True)
    assert "Tom Hughes" in latest and "Cite table 4." in latest
    assert "in_review → researching" in latest


# ---------------------------------------------------------------- mail


def test_it_mails_the_editors_when_a_verdict_is_submitted(ready, journalist, editor, editor2, mailoutbox,
                                                          run_jobs):
    factories.UserFactory(username="gone", is_active=False, groups=[Group.objects.get(name=EDITORS)])
    factories.UserFactory(username="colleague", groups=[Group.objects.get(name=JOURNALISTS)])
    as_user(journalist).post(transition(ready, "submit"))
    run_jobs()
    [mail] = mailoutbox
    assert sorted(mail.to) == sorted([editor.email, editor2.email])
    assert mail.subject.startswith("For review:")
    assert ready.get_desk_url() in mail.body


def test_it_mails_the_verdicts_author_when_it_is_published(ready, journalist, editor, editor2, mailoutbox,
                                                           run_jobs):
    # Someone else reworded and submitted it: the mail still goes to whoever wrote the verdict.
    services.verdict_save(claim_id=ready.pk, actor=editor2, version=1, data={"conclusion": "Reworded."})
    services.claim_submit(claim_id=ready.pk, actor=editor2)
    run_jobs()
    mailoutbox.clear()  # "For review" to the editors
    as_user(editor).post(transition(ready, "approve"))
    run_jobs()
    assert [m.to for m in mailoutbox] == [[journalist.email]]
    assert mailoutbox[0].subject.startswith("Published:")
    assert "Tom Hughes" in mailoutbox[0].body


def test_it_mails_the_verdicts_author_when_changes_are_requested(submitted, journalist, editor, mailoutbox,
                                                                 run_jobs):
    as_user(editor).post(transition(submitted, "request-changes"), {"comment": "Cite table 4."})
    run_jobs()
    assert [m.to for m in mailoutbox] == [[journalist.email]]
    assert mailoutbox[0].subject.startswith("Changes requested:")
    assert "Cite table 4." in mailoutbox[0].body


def test_it_mails_nobody_for_an_approval_short_of_the_quorum(submitted, editor, mailoutbox, settings,
                                                             run_jobs):
    settings.REVIEW_APPROVALS_REQUIRED = 2
    as_user(editor).post(transition(submitted, "approve"))
    run_jobs()
    assert mailoutbox == []


# ---------------------------------------------------------------- the rating scale


def scale() -> list[str]:
    return list(Rating.objects.order_by("position", "id").values_list("label", flat=True))


def rows_shown(client: Client) -> list[list[str]]:
    table = parse(client.get("/desk/ratings/")).find(attrs={"data-testid": "ratings-table"})
    return [texts(row.find_all("td"))[:6] for row in table.find_all(attrs={"data-testid": "rating-row"})]


def test_it_lets_an_editor_add_a_rating(editor):
    client = as_user(editor)
    response = client.post("/desk/ratings/", {"label": "Needs context", "value": "", "colour": "#336699",
                                              "definition": "Accurate, but misleading without context."})
    assert response.status_code == 303 and response["Location"] == "/desk/ratings/"
    added = Rating.objects.get(label="Needs context")
    assert (added.value, added.colour, added.retired) == (None, "#336699", False)
    assert scale()[-1] == "Needs context"
    assert rows_shown(client)[-1][:2] == ["Needs context", "—"]
    assert Event.objects.filter(action="rating_added", actor=editor, comment="Needs context").count() == 1


def test_it_refuses_a_rating_with_a_bad_colour(editor):
    before = snapshot()
    response = as_user(editor).post("/desk/ratings/", {"label": "Odd", "value": "", "definition": "Odd.",
                                                       "colour": "red"})
    assert response.status_code == 422
    assert field_by_label(parse(response), "Colour").get("aria-invalid") == "true"
    assert snapshot() == before


def test_it_lets_an_editor_rename_redefine_and_recolour_a_rating(editor):
    target = rating("mostly-false")
    response = as_user(editor).post(f"/desk/ratings/{target.pk}/", {
        "label": "Largely false", "value": "2", "definition": "Mostly wrong, with a grain of truth.",
        "colour": "#aa3300"})
    assert response.status_code == 303
    target.refresh_from_db()
    assert (target.label, target.value, target.definition, target.colour) == (
        "Largely false", 2, "Mostly wrong, with a grain of truth.", "#aa3300")
    event = Event.objects.get(action="rating_updated")
    assert event.changes["label"] == ["Mostly false", "Largely false"]
    assert event.changes["colour"] == ["#b35400", "#aa3300"]


def test_it_lets_an_editor_reorder_the_scale(editor):
    client = as_user(editor)
    start = scale()
    assert start[:2] == ["True", "Mostly true"]
    client.post(f"/desk/ratings/{rating('mostly-true').pk}/up/")
    assert scale() == ["Mostly true", "True", *start[2:]]
    assert [row[0] for row in rows_shown(client)] == scale()
    client.post(f"/desk/ratings/{rating('true').pk}/down/")
    assert scale() == ["Mostly true", "Half true", "True", *start[3:]]


def test_it_lets_an_editor_retire_and_restore_a_rating(editor, ready, journalist):
    client = as_user(editor)
    half = rating("half-true")
    client.post(f"/desk/ratings/{half.pk}/retire/")
    assert Rating.objects.get(pk=half.pk).retired
    assert dict((row[0], row[5]) for row in rows_shown(client))["Half true"] == "Retired"
    assert "Half true" not in offered_ratings(as_user(journalist), ready)

    client.post(f"/desk/ratings/{half.pk}/restore/")
    assert not Rating.objects.get(pk=half.pk).retired
    assert "Half true" in offered_ratings(as_user(journalist), ready)
    assert [e.action for e in Event.objects.filter(comment="Half true").order_by("pk")] == [
        "rating_retired", "rating_restored"]


def offered_ratings(client: Client, claim: Claim) -> list[str]:
    page = parse(client.get(claim.get_desk_url()))
    select = field_by_label(page.find(id="verdict-panel"), "Rating")
    return [option.get_text(strip=True) for option in select.find_all("option") if option.get("value")]


def test_it_does_not_offer_a_retired_rating_for_a_verdict_or_a_correction(editor, ready, published, journalist):
    services.rating_retire(actor=editor, rating_id=rating("unproven").pk)
    offered = offered_ratings(as_user(journalist), factories.ClaimFactory(researching=True))  # `ready` is published
    assert "Unproven" not in offered and "False" in offered
    form = parse(as_user(editor).get(published.get_desk_url())).find("details", class_="correct")
    correction_choices = [o.get_text(strip=True) for o in form.find("select", attrs={"name": "correction-rating"})
                          .find_all("option") if o.get("value")]
    assert "Unproven" not in correction_choices and "False" in correction_choices


def test_it_refuses_to_delete_a_rating_in_use(editor, ready):
    in_use = Verdict.objects.get(claim=ready).rating
    before = snapshot()
    response = as_user(editor).post(f"/desk/ratings/{in_use.pk}/delete/")
    assert response.status_code == 409
    assert "retire it instead" in refusal(response).get_text(" ", strip=True)
    assert Rating.objects.filter(pk=in_use.pk).exists()
    assert snapshot() == before


def test_it_refuses_to_delete_a_rating_kept_by_a_correction(editor, published):
    """A corrected verdict no longer uses its old rating, but the correction still names it."""
    as_user(editor).post(transition(published, "correct"), _correct(published, rating=rating("false").pk))
    old = rating("mostly-false")
    assert not Verdict.objects.filter(rating=old).exists()
    response = as_user(editor).post(f"/desk/ratings/{old.pk}/delete/")
    assert response.status_code == 409
    assert Rating.objects.filter(pk=old.pk).exists()


def test_it_deletes_an_unused_rating(editor):
    client = as_user(editor)
    unused = rating("unproven")
    response = client.post(f"/desk/ratings/{unused.pk}/delete/")
    assert response.status_code == 303
    assert not Rating.objects.filter(pk=unused.pk).exists()
    assert "Unproven" not in [row[0] for row in rows_shown(client)]
    assert Event.objects.filter(action="rating_deleted", comment="Unproven").count() == 1


RATING_FORM = {"label": "Renamed", "value": "1", "definition": "Changed.", "colour": "#000000"}
RATING_REQUESTS = [
    ("get", "", {}), ("post", "", RATING_FORM), ("get", "{pk}/", {}), ("post", "{pk}/", RATING_FORM),
    *[("post", f"{{pk}}/{action}/", {}) for action in ("up", "down", "retire", "restore", "delete")],
]


@pytest.mark.parametrize(("method", "path", "data"), RATING_REQUESTS,
                         ids=[f"{m}-{p or 'list'}" for m, p, _ in RATING_REQUESTS])
def test_it_refuses_every_ratings_url_to_a_journalist(method, path, data, journalist, ready):
    target = rating("half-true")
    if path.endswith("restore/"):
        services.rating_retire(actor=_an_editor(), rating_id=target.pk)
    before = snapshot()
    response = getattr(as_user(journalist), method)("/desk/ratings/" + path.format(pk=target.pk), data)
    assert response.status_code == 403
    assert snapshot() == before


def _an_editor():
    return factories.UserFactory(username="scale-keeper", groups=[Group.objects.get(name=EDITORS)])


def test_it_hides_the_ratings_link_from_journalists(journalist, editor):
    def nav_links(user):
        return texts(parse(as_user(user).get("/desk/")).find_all("a"))

    assert "Ratings" in nav_links(editor)
    assert "Ratings" not in nav_links(journalist)


# ---------------------------------------------------------------- the audit trail in the admin


@pytest.fixture
def event(submitted) -> Event:
    return Event.objects.filter(claim=submitted, action="submitted").get()


def _event_row(event: Event) -> dict:
    return Event.objects.filter(pk=event.pk).values().get()


def test_it_shows_an_event_in_the_admin_without_a_save_button(event, superuser):
    response = as_user(superuser).get(f"/admin/claims/event/{event.pk}/change/")
    assert response.status_code == 200
    page = parse(response)
    for name in ("_save", "_continue", "_addanother", "_saveasnew"):
        assert page.find(attrs={"name": name}) is None, name
    assert page.find(attrs={"name": "comment"}) is None and page.find(attrs={"name": "action"}) is None


def test_it_refuses_to_change_an_event_in_the_admin(event, superuser):
    before = _event_row(event)
    response = as_user(superuser).post(f"/admin/claims/event/{event.pk}/change/", {
        "action": "approved", "comment": "Rewritten history.", "status_before": "in_review",
        "status_after": "published", "changes": "{}", "_save": "Save"})
    assert response.status_code == 403
    assert _event_row(event) == before


@pytest.mark.parametrize("method", ["get", "post"])
def test_it_refuses_to_delete_an_event_in_the_admin(method, event, superuser):
    response = getattr(as_user(superuser), method)(f"/admin/claims/event/{event.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert Event.objects.filter(pk=event.pk).exists()


def test_it_offers_no_bulk_delete_of_events_in_the_admin(event, superuser):
    client = as_user(superuser)
    count = Event.objects.count()
    client.post("/admin/claims/event/", {"action": "delete_selected", "_selected_action": [event.pk],
                                         "post": "yes"})
    assert Event.objects.count() == count
    changelist = parse(client.get("/admin/claims/event/"))
    action = changelist.find("select", attrs={"name": "action"})
    assert action is None or "delete_selected" not in [o.get("value") for o in action.find_all("option")]


@pytest.mark.parametrize("method", ["get", "post"])
def test_it_refuses_to_add_an_event_in_the_admin(method, event, superuser):
    count = Event.objects.count()
    response = getattr(as_user(superuser), method)("/admin/claims/event/add/", {
        "action": "published", "comment": "Forged.", "changes": "{}"})
    assert response.status_code == 403
    assert Event.objects.count() == count


# ---------------------------------------------------------------- forms that say why


def test_it_shows_why_an_assignment_was_refused(logged, editor):
    """An invalid form answers 422 with the error next to its field (DESIGN.md §1)."""
    before = snapshot()
    response = as_user(editor).post(transition(logged, "assign"), {"assignee": "999999"})
    assert response.status_code == 422
    page = parse(response)
    select = field_by_label(page.find(id="workflow"), "Assign to")
    assert select.get("aria-invalid") == "true"
    assert error_of(page, select)
    assert snapshot() == before

