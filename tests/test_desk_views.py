"""The desk as its people use it (DESIGN §1, §4): what each page shows, what each form and htmx
request answers, and what is in the database afterwards."""

from __future__ import annotations

import datetime as dt
import json
from types import SimpleNamespace

import pytest
from django.db import connection
from django.db.models import Max
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from claims import services
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
    Tip,
    Topic,
    Verdict,
)
from tests import factories
from tests.html import button, field_by_label, parse, texts

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}
# Exactly 303 is pinned where the contract is tested (the new claim, every htmx form posted plainly);
# elsewhere any redirect will do, so one wrong status does not hide what else a test checks.
REDIRECT = (302, 303)
XSS_QUOTE = "<script>alert(1)</script><b>x</b>"


# --- Helpers ------------------------------------------------------------------------------------


def fragment_root(response):
    """An htmx answer is a fragment: no <html>, one root element."""
    soup = parse(response)
    assert soup.find("html") is None, "a whole page where a fragment was expected"
    assert soup.find("body") is None
    root = soup.find(True)
    assert root is not None, "empty fragment"
    return root


def is_full_page(response) -> bool:
    return parse(response).find("html") is not None


def hx_triggers(response) -> dict:
    assert "HX-Trigger" in response.headers, dict(response.headers)
    return json.loads(response["HX-Trigger"])


def varies_on_hx_request(response) -> bool:
    return "hx-request" in [v.strip().lower() for v in response.get("Vary", "").split(",")]


def textarea_value(element) -> str:
    text = element.get_text()
    return text[1:] if text.startswith("\n") else text  # Django writes a newline after <textarea>


def value_of(element) -> str:
    return textarea_value(element) if element.name == "textarea" else element.get("value", "")


def error_next_to(soup, label: str) -> str:
    """The message the field points at with aria-describedby."""
    field = field_by_label(soup, label)
    assert field is not None, f"no field labelled {label!r}"
    assert field.get("aria-invalid") == "true", f"{label!r} is not marked invalid"
    ids = (field.get("aria-describedby") or "").split()
    assert ids, f"{label!r} points at no error message"
    messages = [soup.find(id=i) for i in ids]
    assert all(messages), f"{label!r} points at a missing element: {ids}"
    return " ".join(m.get_text(" ", strip=True) for m in messages)


def form_values(form) -> dict:
    """What the browser would send for this form as it stands."""
    data: dict[str, list[str]] = {}
    for element in form.find_all(["input", "textarea", "select"]):
        name = element.get("name")
        if not name or element.has_attr("disabled"):
            continue
        kind = element.get("type", "text")
        if element.name == "textarea":
            value = textarea_value(element)
        elif element.name == "select":
            chosen = element.find("option", selected=True) or element.find("option")
            value = chosen.get("value", chosen.get_text()) if chosen else ""
        elif kind in ("checkbox", "radio"):
            if not element.has_attr("checked"):
                continue
            value = element.get("value", "on")
        elif kind in ("submit", "button", "reset"):
            continue
        else:
            value = element.get("value", "")
        data.setdefault(name, []).append(value)
    return {name: values if len(values) > 1 else values[0] for name, values in data.items()}


def rows(soup) -> list:
    table = soup.find(attrs={"data-testid": "claims-table"})
    assert table is not None, "no claims table"
    return table.find_all(attrs={"data-testid": "claim-row"})


def row_claim_ids(soup) -> list[int]:
    ids = []
    for row in rows(soup):
        link = row.find("a", href=True)
        ids.append(int(link["href"].rstrip("/").rsplit("/", 1)[1]))
    return ids


def section_count(soup, testid: str) -> int:
    section = soup.find(attrs={"data-testid": testid})
    assert section is not None, f"no section {testid}"
    return int(section.find(class_="count").get_text(strip=True))


def section_links(soup, testid: str) -> list[str]:
    return [a["href"] for a in soup.find(attrs={"data-testid": testid}).find_all("a", href=True)]


def db_state() -> dict:
    """Everything a refusal must leave as it was."""
    models = (Claim, Evidence, Verdict, Annotation, ReplyAttempt, ReviewVote, Correction, Speaker, Source, Topic,
              Tip, Event)
    return {
        "counts": {model.__name__: model.objects.count() for model in models},
        "last_event": Event.objects.aggregate(last=Max("pk"))["last"],
        "claims": list(Claim.objects.order_by("pk").values_list(
            "pk", "status", "version", "assignee_id", "quote", "claim_checked", "speaker_id", "source_id",
            "date_said")),
        "topics_of_claims": list(Claim.topics.through.objects.order_by("pk").values_list("claim_id", "topic_id")),
        "evidence": list(Evidence.objects.order_by("pk").values_list("pk", "version", "position", "title", "url")),
        "verdicts": list(Verdict.objects.order_by("pk").values_list("pk", "version", "rating_id", "conclusion",
                                                                    "analysis")),
        "notes": list(Annotation.objects.order_by("pk").values_list("pk", "resolved", "detached", "start", "end")),
        "tips": list(Tip.objects.order_by("pk").values_list("pk", "status", "claim_id")),
        "speakers": list(Speaker.objects.order_by("pk").values_list("pk", "name", "role")),
        "sources": list(Source.objects.order_by("pk").values_list("pk", "title", "url")),
        "topics": list(Topic.objects.order_by("pk").values_list("pk", "name")),
    }


def claim_form_data(claim: Claim, **changes) -> dict:
    data = {
        "quote": claim.quote, "claim_checked": claim.claim_checked, "speaker": claim.speaker.name,
        "source_url": claim.source.url if claim.source else "",
        "date_said": claim.date_said.isoformat() if claim.date_said else "",
        "topics": [str(t.pk) for t in claim.topics.all()], "version": str(claim.version),
    }
    data.update(changes)
    return data


def tomorrow() -> str:
    return (timezone.localdate() + dt.timedelta(days=2)).isoformat()


@pytest.fixture
def speaker(db):
    return factories.SpeakerFactory(name="Chris Example", slug="chris-example", role="Shadow Home Secretary")


@pytest.fixture
def claim(db, speaker):
    return factories.ClaimFactory(speaker=speaker, quote="Over 50,000 people crossed the Channel last year.",
                                  claim_checked="More than 50,000 people crossed the Channel in a year.")


def workspace(client, claim: Claim):
    response = client.get(f"/desk/claims/{claim.pk}/")
    assert response.status_code == 200
    return parse(response)


# --- Dashboard ----------------------------------------------------------------------------------


@pytest.fixture
def dashboard_world(journalist):
    return SimpleNamespace(
        mine=factories.ClaimFactory(researching=True, assignee=journalist),
        mine_done=factories.ClaimFactory(published=True, assignee=journalist),
        someone_elses=factories.ClaimFactory(researching=True),
        in_review=factories.ClaimFactory(in_review=True),
        tip=factories.TipFactory(text="The mayor said crime fell by half."),
        old_tip=factories.TipFactory(text="Handled already.", status=Tip.TipStatus.DISMISSED),
    )


def test_it_shows_a_journalist_their_assignments_tips_and_recent_checks(journalist_client, dashboard_world):
    w = dashboard_world
    soup = parse(journalist_client.get("/desk/"))
    assert section_count(soup, "my-assignments") == 1
    assert f"/desk/claims/{w.mine.pk}/" in section_links(soup, "my-assignments")
    assert f"/desk/claims/{w.someone_elses.pk}/" not in section_links(soup, "my-assignments")
    assert soup.find(attrs={"data-testid": "review-queue"}) is None, "the review queue is for editors"
    assert section_count(soup, "reader-tips") == 1
    assert any(link.endswith(f"#tip-{w.tip.pk}") for link in section_links(soup, "reader-tips"))
    assert section_count(soup, "recently-published") == 1
    assert f"/desk/claims/{w.mine_done.pk}/" in section_links(soup, "recently-published")


def test_it_shows_editors_the_review_queue(editor_client, dashboard_world):
    soup = parse(editor_client.get("/desk/"))
    assert section_count(soup, "review-queue") == 1
    assert f"/desk/claims/{dashboard_world.in_review.pk}/" in section_links(soup, "review-queue")
    assert section_count(soup, "my-assignments") == 0
    heading = soup.find(attrs={"data-testid": "review-queue"}).find("h2").get_text(" ", strip=True)
    assert heading.startswith("Review queue")


# --- Claims list --------------------------------------------------------------------------------


@pytest.fixture
def listed(journalist):
    speaker_a = factories.SpeakerFactory(name="Alice Able")
    speaker_b = factories.SpeakerFactory(name="Bob Baker")
    migration = factories.TopicFactory(name="Migration", slug="migration")
    housing = factories.TopicFactory(name="Housing", slug="housing")
    logged = factories.ClaimFactory(speaker=speaker_a, quote="A zeppelin landed on the town hall roof.")
    logged.topics.add(migration)
    researching = factories.ClaimFactory(researching=True, assignee=journalist, speaker=speaker_b)
    researching.topics.add(housing)
    in_review = factories.ClaimFactory(in_review=True, speaker=speaker_b)
    return SimpleNamespace(speaker_a=speaker_a, speaker_b=speaker_b, migration=migration, housing=housing,
                           logged=logged, researching=researching, in_review=in_review)


@pytest.mark.parametrize(("query", "expected"), [
    (lambda w, u: "", lambda w: {w.logged, w.researching, w.in_review}),
    (lambda w, u: "status=researching", lambda w: {w.researching}),
    (lambda w, u: f"speaker={w.speaker_a.pk}", lambda w: {w.logged}),
    (lambda w, u: f"assignee={u.pk}", lambda w: {w.researching}),
    (lambda w, u: "assignee=none", lambda w: {w.logged, w.in_review}),
    (lambda w, u: f"topic={w.migration.pk}", lambda w: {w.logged}),
    (lambda w, u: "q=zeppelin", lambda w: {w.logged}),
    (lambda w, u: f"status=in_review&speaker={w.speaker_b.pk}", lambda w: {w.in_review}),
    (lambda w, u: f"status=logged&speaker={w.speaker_b.pk}", lambda w: set()),
], ids=["none", "status", "speaker", "assignee", "unassigned", "topic", "search", "combined", "no-match"])
def test_it_narrows_the_claims_table_with_plain_get_filters(journalist_client, journalist, listed, query, expected):
    response = journalist_client.get(f"/desk/claims/?{query(listed, journalist)}")
    assert response.status_code == 200
    assert set(row_claim_ids(parse(response))) == {c.pk for c in expected(listed)}


def test_it_answers_htmx_filters_with_the_table_fragment(journalist_client, listed):
    response = journalist_client.get("/desk/claims/?status=logged", headers=HX)
    assert response.status_code == 200
    root = fragment_root(response)
    assert root.get("id") == "claim-table"
    assert row_claim_ids(root) == [listed.logged.pk]
    assert varies_on_hx_request(response)


def test_it_answers_a_history_restore_with_the_whole_page(journalist_client, listed):
    response = journalist_client.get(
        "/desk/claims/?status=logged", headers={**HX, "HX-History-Restore-Request": "true"})
    assert response.status_code == 200
    soup = parse(response)
    assert soup.find("html") is not None
    assert soup.find("form", attrs={"role": "search"}) is not None
    assert row_claim_ids(soup) == [listed.logged.pk]
    assert varies_on_hx_request(response)
    assert varies_on_hx_request(journalist_client.get("/desk/claims/"))


def test_it_pages_the_claims_table_by_25(journalist_client):
    factories.ClaimFactory.create_batch(30)
    factories.ClaimFactory.create_batch(2, researching=True)
    first = parse(journalist_client.get("/desk/claims/?status=logged"))
    assert len(rows(first)) == 25
    next_link = first.find("a", rel="next")
    assert next_link is not None
    assert "status=logged" in next_link["href"] and "page=2" in next_link["href"]
    second = parse(journalist_client.get("/desk/claims/" + next_link["href"]))
    assert len(rows(second)) == 5
    assert not set(row_claim_ids(first)) & set(row_claim_ids(second))
    assert second.find("a", rel="next") is None


def test_it_offers_bulk_assign_to_editors_only(client, journalist, editor, listed):
    client.force_login(editor)
    soup = parse(client.get("/desk/claims/"))
    for row in rows(soup):
        assert row.find("input", attrs={"type": "checkbox", "name": "claims"}) is not None
    assert button(soup, "Assign to…") is not None
    client.force_login(journalist)
    soup = parse(client.get("/desk/claims/"))
    assert all(row.find("input", attrs={"type": "checkbox"}) is None for row in rows(soup))
    assert button(soup, "Assign to…") is None


def test_it_bulk_assigns_logged_and_researching_claims(editor_client, journalist, listed):
    response = editor_client.post("/desk/claims/assign/", {
        "claims": [listed.logged.pk, listed.researching.pk], "assignee": journalist.pk, "query": "status=logged"})
    assert response.status_code in REDIRECT
    assert response["Location"] == "/desk/claims/?status=logged"
    logged, researching = Claim.objects.get(pk=listed.logged.pk), Claim.objects.get(pk=listed.researching.pk)
    assert (logged.status, logged.assignee) == (Status.RESEARCHING, journalist)
    assert (researching.status, researching.assignee) == (Status.RESEARCHING, journalist)
    assert Event.objects.filter(claim=logged, action="assigned").exists()


def test_it_reassigns_researching_claims_in_bulk(editor_client, editor, listed):
    response = editor_client.post("/desk/claims/assign/", {"claims": [listed.researching.pk], "assignee": editor.pk})
    assert response.status_code in REDIRECT
    claim = Claim.objects.get(pk=listed.researching.pk)
    assert (claim.status, claim.assignee) == (Status.RESEARCHING, editor)
    event = Event.objects.get(claim=claim, action="reassigned")
    assert event.changes["assignee"] == ["Amira Khan", "Tom Hughes"]


def test_it_refuses_bulk_assign_to_a_journalist(journalist_client, editor, listed):
    before = db_state()
    response = journalist_client.post("/desk/claims/assign/", {
        "claims": [listed.logged.pk, listed.researching.pk], "assignee": editor.pk})
    assert response.status_code == 403
    assert db_state() == before


def test_it_refuses_bulk_assign_to_a_journalist_assigning_themselves(journalist_client, journalist, listed):
    """Bulk assign is an editor's tool: a journalist gets 403 whoever they name, and nothing moves."""
    before = db_state()
    response = journalist_client.post("/desk/claims/assign/", {
        "claims": [listed.logged.pk, listed.in_review.pk], "assignee": journalist.pk})
    assert response.status_code == 403
    assert db_state() == before


def test_it_changes_nothing_when_one_claim_of_a_bulk_assign_is_refused(editor_client, journalist, listed):
    """A refusal never changes anything: the logged claim before the one in review stays put."""
    before = db_state()
    response = editor_client.post("/desk/claims/assign/", {
        "claims": [listed.logged.pk, listed.in_review.pk], "assignee": journalist.pk})
    assert response.status_code == 409
    assert db_state() == before


# --- New claim ----------------------------------------------------------------------------------


def test_it_labels_every_field_of_the_new_claim_form(journalist_client):
    soup = parse(journalist_client.get("/desk/claims/new/"))
    for label in ("Quote", "Claim as checked", "Speaker", "Language", "Source URL", "Date said"):
        assert field_by_label(soup, label) is not None, label
    assert soup.find("legend", string="Topics") is not None
    assert button(soup, "Save claim") is not None


def test_it_creates_a_claim_and_redirects_to_its_workspace(journalist_client, journalist, speaker):
    housing = factories.TopicFactory(name="Housing", slug="housing")
    migration = factories.TopicFactory(name="Migration", slug="migration")
    response = journalist_client.post("/desk/claims/new/", {
        "quote": "Barely any small boat arrivals are Iraqi.", "claim_checked": "Few small boat arrivals are Iraqi.",
        "speaker": "chris EXAMPLE", "source_url": "https://news.example.org/iraq-returns",
        "date_said": "2025-08-16", "topics": [housing.pk, migration.pk],
    })
    assert response.status_code in REDIRECT
    claim = Claim.objects.get()
    assert response["Location"] == f"/desk/claims/{claim.pk}/"
    assert claim.status == Status.LOGGED
    assert claim.speaker == speaker
    assert claim.source.url == "https://news.example.org/iraq-returns"
    assert claim.date_said == dt.date(2025, 8, 16)
    assert set(claim.topics.all()) == {housing, migration}
    assert claim.created_by == journalist
    assert Event.objects.filter(claim=claim, action="claim_created", actor=journalist).count() == 1
    assert journalist_client.get(response["Location"]).status_code == 200
    assert response.status_code == 303, "a POST answers 303 See Other"


def test_it_reuses_a_known_source_for_the_same_url(journalist_client, speaker):
    source = factories.SourceFactory(url="https://news.example.org/known")
    response = journalist_client.post("/desk/claims/new/", {
        "quote": "Crime fell by half.", "speaker": speaker.name, "source_url": "https://news.example.org/known"})
    assert response.status_code in REDIRECT
    assert Claim.objects.get().source == source
    assert Source.objects.count() == 1


GOOD_CLAIM = {"quote": "Over 50,000 people crossed the Channel.", "claim_checked": "50,000 crossed.",
              "speaker": "Chris Example", "source_url": "https://news.example.org/a", "date_said": "2025-08-15"}


@pytest.mark.parametrize(("label", "changes", "message"), [
    ("Quote", {"quote": ""}, "required"),
    ("Speaker", {"speaker": "Nobody Known"}, "No speaker is called"),
    ("Source URL", {"source_url": "javascript:alert(1)"}, "http:// or https://"),
    ("Source URL", {"source_url": "ftp://x"}, "http:// or https://"),
    ("Quote", {"quote": "a" * 5001}, "at most 5000"),
    ("Claim as checked", {"claim_checked": "b" * 501}, "at most 500"),
    ("Date said", {"date_said": tomorrow()}, "future"),
], ids=["missing-quote", "unknown-speaker", "javascript-url", "ftp-url", "long-quote", "long-claim-checked",
        "future-date"])
def test_it_refuses_a_bad_new_claim_with_the_error_next_to_the_field(journalist_client, speaker, label, changes,
                                                                     message):
    before = db_state()
    data = {**GOOD_CLAIM, **changes}
    response = journalist_client.post("/desk/claims/new/", data)
    assert response.status_code == 422
    soup = parse(response)
    assert message in error_next_to(soup, label)
    # What was typed is still there.
    assert value_of(field_by_label(soup, "Quote")) == data["quote"]
    assert value_of(field_by_label(soup, "Claim as checked")) == data["claim_checked"]
    assert value_of(field_by_label(soup, "Speaker")) == data["speaker"]
    assert value_of(field_by_label(soup, "Source URL")) == data["source_url"]
    assert value_of(field_by_label(soup, "Date said")) == data["date_said"]
    assert db_state() == before


def test_it_answers_an_htmx_bad_new_claim_with_the_form_fragment(journalist_client, speaker):
    response = journalist_client.post("/desk/claims/new/", {**GOOD_CLAIM, "quote": ""}, headers=HX)
    assert response.status_code == 422
    root = fragment_root(response)
    assert root.get("id") == "claim-new-form"
    assert "required" in error_next_to(root, "Quote")
    assert not Claim.objects.exists()


def test_it_warns_of_similar_claims_published_first(journalist_client):
    published = factories.ClaimFactory(published=True, quote="Crime in the city fell by half last year.")
    logged = factories.ClaimFactory(quote="Crime fell sharply across the city, the mayor said.")
    for n in range(6):
        factories.ClaimFactory(quote=f"Crime went up in district {n} of the city.")
    factories.ClaimFactory(quote="Our harbour exported more fish than ever.")
    response = journalist_client.get("/desk/claims/similar/", {"quote": "crime in the city fell"}, headers=HX)
    assert response.status_code == 200
    root = fragment_root(response)
    assert root.get("id") == "similar-claims"
    items = root.find_all("li")
    assert len(items) == 5, "at most five, and there are more matches"
    first = items[0]
    assert first.find("a")["href"] == f"/desk/claims/{published.pk}/"
    assert "Already checked: Mostly false" in first.get_text(" ", strip=True)
    assert all("Already checked" not in item.get_text(" ", strip=True) for item in items[1:])
    assert items[1].find("a")["href"] == f"/desk/claims/{logged.pk}/", "then the best match"
    why = first.select_one("[data-testid=match-why]").get_text()
    assert "shared words:" in why and "city" in why  # each match says why it was suggested


def test_it_says_when_no_similar_claim_exists(journalist_client):
    factories.ClaimFactory(quote="Our harbour exported more fish than ever.")
    root = fragment_root(journalist_client.get("/desk/claims/similar/", {"quote": "zeppelins hovering overhead"}))
    assert root.get("id") == "similar-claims"
    assert root.find("li") is None


def test_it_offers_matching_speaker_names(journalist_client):
    for name in ("Chris Philp", "Christine Jardine", "Rachel Chrisp", "Bob Smith"):
        factories.SpeakerFactory(name=name)
    response = journalist_client.get("/desk/speakers/options/", {"speaker": "Chr"}, headers=HX)
    assert response.status_code == 200
    root = fragment_root(response)
    assert root.name == "datalist"
    assert root.get("id") == "speaker-options"
    assert {option["value"] for option in root.find_all("option")} == {"Chris Philp", "Christine Jardine",
                                                                      "Rachel Chrisp"}


def test_it_adds_a_speaker_inline_and_fills_it_in(journalist_client):
    response = journalist_client.post("/desk/speakers/add/", {
        "speaker-name": "Robin Example", "speaker-kind": "person", "speaker-role": "Shadow Minister",
        "speaker-affiliation": "", "speaker-description": ""}, headers=HX)
    assert response.status_code == 200
    speaker = Speaker.objects.get(name="Robin Example")
    assert speaker.role == "Shadow Minister"
    soup = parse(response)
    assert soup.find("html") is None
    speaker_input = soup.find("input", id="id_speaker")
    assert speaker_input is not None and speaker_input["value"] == "Robin Example"
    assert speaker_input.get("data-hx-swap-oob") == "true"
    assert "speaker-added" in hx_triggers(response)
    assert Event.objects.filter(action="speaker_created").count() == 1


def test_it_refuses_an_inline_speaker_without_a_name(journalist_client):
    before = db_state()
    response = journalist_client.post("/desk/speakers/add/", {"speaker-name": " ", "speaker-kind": "person"},
                                      headers=HX)
    assert response.status_code == 422
    root = fragment_root(response)
    assert root.get("id") == "speaker-form"
    assert "required" in error_next_to(root, "Name")
    assert db_state() == before


def test_it_adds_a_speaker_inline_without_javascript(journalist_client):
    response = journalist_client.post("/desk/speakers/add/", {"speaker-name": "Robin Example",
                                                              "speaker-kind": "person"})
    assert response.status_code in REDIRECT
    speaker = Speaker.objects.get(name="Robin Example")
    assert response["Location"] == f"/desk/claims/new/?speaker={speaker.pk}"
    soup = parse(journalist_client.get(response["Location"]))
    assert field_by_label(soup, "Speaker")["value"] == "Robin Example"


# --- Workspace: the claim -----------------------------------------------------------------------


def test_it_shows_the_workspace_controls_by_their_names(journalist_client, claim):
    factories.EvidenceFactory.create_batch(2, claim=claim)
    factories.AnnotationFactory(claim=claim)
    soup = workspace(journalist_client, claim)
    for name in ("Save claim", "Remove", "Move up", "Move down", "Add note", "Reply", "Resolve", "Preview",
                 "Save verdict", "Log contact"):
        assert button(soup, name) is not None, name
    links = texts(soup.find_all("a", attrs={"role": "button"}))
    assert "Add evidence" in links
    assert any(text.startswith("Edit") for text in links)
    for label in ("Quote", "Claim as checked", "Speaker", "Source URL", "Date said", "Rating", "Conclusion",
                  "Analysis", "Show on public page"):
        assert field_by_label(soup, label) is not None, label
    assert soup.find(attrs={"data-testid": "quote"}).get_text() == claim.quote


def test_it_saves_the_claim_form_over_htmx(journalist_client, claim):
    soup = workspace(journalist_client, claim)
    data = form_values(soup.find(id="claim-form").find("form"))
    assert data["version"] == str(claim.version)
    data["claim_checked"] = "More than 50,000 people crossed the Channel in 2024."
    response = journalist_client.post(f"/desk/claims/{claim.pk}/edit/", data, headers=HX)
    assert response.status_code == 200
    root = fragment_root(response)
    assert root.get("id") == "claim-form"
    assert "claim-changed" in hx_triggers(response)
    assert varies_on_hx_request(response)
    claim.refresh_from_db()
    assert claim.claim_checked == "More than 50,000 people crossed the Channel in 2024."
    assert claim.version == 2
    assert field_by_label(root, "Claim as checked")["value"] == claim.claim_checked


def test_it_saves_the_claim_form_without_javascript(journalist_client, claim):
    response = journalist_client.post(f"/desk/claims/{claim.pk}/edit/", claim_form_data(claim, quote="New words."))
    assert response.status_code in REDIRECT
    assert response["Location"].startswith(f"/desk/claims/{claim.pk}/")
    claim.refresh_from_db()
    assert claim.quote == "New words."


def test_it_refuses_a_bad_claim_edit_with_the_error_next_to_the_field(journalist_client, claim):
    before = db_state()
    response = journalist_client.post(f"/desk/claims/{claim.pk}/edit/",
                                      claim_form_data(claim, quote="", source_url="javascript:alert(1)"), headers=HX)
    assert response.status_code == 422
    root = fragment_root(response)
    assert root.get("id") == "claim-form"
    assert "required" in error_next_to(root, "Quote")
    assert "http://" in error_next_to(root, "Source URL")
    assert db_state() == before


def test_it_refuses_a_stale_claim_edit_and_shows_the_other_change(client, journalist, editor, claim):
    stale = claim_form_data(claim)
    services.claim_update(claim_id=claim.pk, actor=editor, version=claim.version,
                          data={"claim_checked": "The editor's restatement."})
    before = db_state()
    client.force_login(journalist)
    mine = {**stale, "claim_checked": "My restatement.", "quote": "My new quote."}
    response = client.post(f"/desk/claims/{claim.pk}/edit/", mine, headers=HX)
    assert response.status_code == 409
    root = fragment_root(response)
    conflict = root.find(attrs={"data-testid": "conflict"})
    assert conflict is not None
    assert conflict.find("p").get_text(strip=True).startswith("Someone else changed this claim")
    assert "The editor's restatement." in texts(conflict.find_all("dd"))
    assert field_by_label(root, "Claim as checked")["value"] == "My restatement."
    assert textarea_value(field_by_label(root, "Quote")) == "My new quote."
    assert db_state() == before


def test_it_marks_a_note_detached_when_the_quote_no_longer_fits_it(journalist_client, journalist, claim):
    tail = factories.AnnotationFactory(claim=claim, author=journalist, body="Which year?", start=32, end=48)
    head = factories.AnnotationFactory(claim=claim, author=journalist, body="Over what period?", start=0, end=4)
    response = journalist_client.post(f"/desk/claims/{claim.pk}/edit/",
                                      claim_form_data(claim, quote="Over 50,000 people crossed."))
    assert response.status_code in REDIRECT
    tail.refresh_from_db()
    head.refresh_from_db()
    assert tail.detached and not head.detached
    soup = workspace(journalist_client, claim)
    notes = {n.get("id"): n.get_text(" ", strip=True) for n in soup.find_all(attrs={"data-testid": "note"})}
    assert "Which year?" in notes[f"note-{tail.pk}"] and "Detached" in notes[f"note-{tail.pk}"]
    assert "Over what period?" in notes[f"note-{head.pk}"]
    marks = texts(soup.find(attrs={"data-testid": "quote"}).find_all("mark"))
    assert marks == ["Over"]


def test_it_lists_each_change_with_before_and_after_in_the_history(journalist_client, claim):
    old = claim.claim_checked
    journalist_client.post(f"/desk/claims/{claim.pk}/edit/", claim_form_data(claim, claim_checked="Restated."))
    soup = workspace(journalist_client, claim)
    history = soup.find(attrs={"data-testid": "history"})
    entries = history.find_all("li", recursive=False)
    assert len(entries) == Event.objects.filter(claim=claim).count() >= 1
    changes = {}
    for entry in entries:
        for dt_tag in entry.find_all("dt"):
            dd = dt_tag.find_next_sibling("dd")
            changes.setdefault(dt_tag.get_text(strip=True), (dd.find("del").get_text(), dd.find("ins").get_text()))
    assert changes["Claim as checked"] == (old, "Restated.")
    assert "Amira Khan" in entries[0].get_text(" ", strip=True)


# --- Workspace: evidence ------------------------------------------------------------------------


EVIDENCE = {"url": "https://www.gov.uk/immigration-statistics", "title": "Immigration statistics",
            "publisher": "Home Office", "published_on": "2025-05-22", "passage": "1,900 Iraqis arrived by small boat.",
            "stance": "contradicts", "note": "Year to March 2025.", "figure_value": "1900", "figure_unit": "people",
            "figure_period": "year to March 2025"}


def evidence_order(claim: Claim) -> list[int]:
    return list(Evidence.objects.filter(claim=claim).order_by("position", "id").values_list("pk", flat=True))


def panel_order(root) -> list[int]:
    return [int(li["id"].split("-")[1]) for li in root.find_all(attrs={"data-testid": "evidence-row"})]


def test_it_opens_the_add_evidence_form_inline(journalist_client, claim):
    response = journalist_client.get(f"/desk/claims/{claim.pk}/evidence/", headers=HX)
    assert response.status_code == 200
    root = fragment_root(response)
    assert root.get("id") == "evidence-panel"
    form = root.find("form", id="evidence-add-form")
    assert form is not None
    for label in ("URL", "Title", "Publisher", "Date", "Quoted passage", "Stance", "Note", "Figure", "Unit",
                  "Period"):
        assert field_by_label(form, label) is not None, label
    assert button(form, "Save evidence") is not None


def test_it_adds_evidence_over_htmx(journalist_client, journalist, claim):
    response = journalist_client.post(f"/desk/claims/{claim.pk}/evidence/", EVIDENCE, headers=HX)
    assert response.status_code == 200
    root = fragment_root(response)
    assert root.get("id") == "evidence-panel"
    assert "evidence-added" in hx_triggers(response)
    item = Evidence.objects.get(claim=claim)
    assert (item.title, item.stance, item.figure_value, item.added_by) == (
        "Immigration statistics", "contradicts", 1900, journalist)
    assert panel_order(root) == [item.pk]
    assert Event.objects.filter(claim=claim, action="evidence_added").count() == 1


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://x", "not a url", ""])
def test_it_refuses_evidence_with_a_bad_url(journalist_client, claim, url):
    before = db_state()
    response = journalist_client.post(f"/desk/claims/{claim.pk}/evidence/", {**EVIDENCE, "url": url}, headers=HX)
    assert response.status_code == 422
    root = fragment_root(response)
    assert root.get("id") == "evidence-panel"
    assert error_next_to(root, "URL")
    assert field_by_label(root, "Title")["value"] == EVIDENCE["title"]
    assert db_state() == before


def test_it_edits_evidence_inline(journalist_client, claim):
    item = factories.EvidenceFactory(claim=claim, title="Old title")
    response = journalist_client.get(f"/desk/evidence/{item.pk}/edit/", headers=HX)
    assert response.status_code == 200
    root = fragment_root(response)
    form = root.find("form", action=f"/desk/evidence/{item.pk}/edit/")
    assert field_by_label(form, "Title")["value"] == "Old title"
    data = {**form_values(form), "title": "New title"}
    response = journalist_client.post(f"/desk/evidence/{item.pk}/edit/", data, headers=HX)
    assert response.status_code == 200
    assert fragment_root(response).get("id") == "evidence-panel"
    assert "evidence-changed" in hx_triggers(response)
    item.refresh_from_db()
    assert (item.title, item.version) == ("New title", 2)


def test_it_refuses_a_stale_evidence_edit(client, journalist, editor, claim):
    item = factories.EvidenceFactory(claim=claim, title="Original")
    stale = {"url": item.url, "title": "Mine", "stance": "supports", "version": item.version}
    services.evidence_update(evidence_id=item.pk, actor=editor, version=item.version,
                             data={"title": "The editor's title"})
    before = db_state()
    client.force_login(journalist)
    response = client.post(f"/desk/evidence/{item.pk}/edit/", stale, headers=HX)
    assert response.status_code == 409
    root = fragment_root(response)
    conflict = root.find(attrs={"data-testid": "conflict"})
    assert conflict.find("p").get_text(strip=True).startswith("Someone else changed this claim")
    assert "The editor's title" in texts(conflict.find_all("dd"))
    assert field_by_label(root, "Title")["value"] == "Mine"
    assert db_state() == before


def test_it_removes_evidence(journalist_client, claim):
    keep, gone = factories.EvidenceFactory(claim=claim), factories.EvidenceFactory(claim=claim)
    response = journalist_client.post(f"/desk/evidence/{gone.pk}/remove/", headers=HX)
    assert response.status_code == 200
    root = fragment_root(response)
    assert "evidence-removed" in hx_triggers(response)
    assert evidence_order(claim) == [keep.pk] == panel_order(root)
    assert Event.objects.filter(claim=claim, action="evidence_removed").count() == 1


def test_it_moves_evidence_up_and_down(journalist_client, claim):
    first, second, third = factories.EvidenceFactory.create_batch(3, claim=claim)
    response = journalist_client.post(f"/desk/evidence/{third.pk}/move/", {"direction": "up"}, headers=HX)
    assert response.status_code == 200
    assert "evidence-moved" in hx_triggers(response)
    assert evidence_order(claim) == [first.pk, third.pk, second.pk] == panel_order(fragment_root(response))
    response = journalist_client.post(f"/desk/evidence/{first.pk}/move/", {"direction": "down"}, headers=HX)
    assert evidence_order(claim) == [third.pk, first.pk, second.pk] == panel_order(fragment_root(response))


def test_it_refuses_an_unknown_move_direction(journalist_client, claim):
    item = factories.EvidenceFactory(claim=claim)
    factories.EvidenceFactory(claim=claim)
    before = db_state()
    response = journalist_client.post(f"/desk/evidence/{item.pk}/move/", {"direction": "sideways"})
    assert response.status_code == 422
    assert db_state() == before


@pytest.mark.parametrize("action", ["remove", "move"])
def test_it_refuses_get_on_evidence_actions(journalist_client, claim, action):
    item = factories.EvidenceFactory(claim=claim)
    before = db_state()
    assert journalist_client.get(f"/desk/evidence/{item.pk}/{action}/?direction=up").status_code == 405
    assert db_state() == before


# --- Workspace: notes ---------------------------------------------------------------------------


def test_it_adds_a_note_on_a_span_of_the_quote(journalist_client, journalist, claim):
    response = journalist_client.post(f"/desk/claims/{claim.pk}/notes/",
                                      {"body": "Which figure?", "start": 5, "end": 11}, headers=HX)
    assert response.status_code == 200
    root = fragment_root(response)
    assert root.get("id") == "notes-panel"
    assert "note-added" in hx_triggers(response)
    note = Annotation.objects.get(claim=claim)
    assert (note.start, note.end, note.author, note.body) == (5, 11, journalist, "Which figure?")
    assert texts(root.find(attrs={"data-testid": "note"}).find_all("mark")) == ["50,000"]
    marks = workspace(journalist_client, claim).find(attrs={"data-testid": "quote"}).find_all("mark")
    assert texts(marks) == ["50,000"]


def test_it_converts_browser_offsets_around_an_emoji(journalist_client, speaker):
    claim = factories.ClaimFactory(speaker=speaker, quote="😀 Crime rose by 10% in a year.")
    # The browser counts the emoji as two UTF-16 units: "Crime" is 3..8 there, 2..7 in code points.
    response = journalist_client.post(f"/desk/claims/{claim.pk}/notes/",
                                      {"body": "Source?", "start": 3, "end": 8, "utf16": "1"}, headers=HX)
    assert response.status_code == 200
    note = Annotation.objects.get(claim=claim)
    assert (note.start, note.end) == (2, 7)
    assert claim.quote[note.start:note.end] == "Crime"
    assert texts(fragment_root(response).find(attrs={"data-testid": "note"}).find_all("mark")) == ["Crime"]


@pytest.mark.parametrize(("start", "end", "utf16"), [
    (0, 200, ""), (60, 80, ""), (0, 200, "1"), (60, 80, "1"), (5, 5, ""), (8, 3, ""), (None, 4, ""),
], ids=["end-beyond", "both-beyond", "end-beyond-utf16", "both-beyond-utf16", "empty", "reversed", "end-only"])
def test_it_refuses_a_note_span_outside_the_quote(journalist_client, claim, start, end, utf16):
    before = db_state()
    data = {"body": "Out of bounds.", "end": end, "utf16": utf16}
    if start is not None:
        data["start"] = start
    response = journalist_client.post(f"/desk/claims/{claim.pk}/notes/", data, headers=HX)
    assert response.status_code in (409, 422), response.status_code
    assert db_state() == before


def test_it_replies_to_and_resolves_a_note(journalist_client, editor, claim):
    note = factories.AnnotationFactory(claim=claim, author=editor, body="Which year?")
    response = journalist_client.post(f"/desk/notes/{note.pk}/reply/", {"body": "2024, says the source."},
                                      headers=HX)
    assert response.status_code == 200
    root = fragment_root(response)
    assert root.get("id") == "notes-panel"
    assert "note-added" in hx_triggers(response)
    reply = Annotation.objects.get(parent=note)
    assert reply.body == "2024, says the source."
    assert any("2024, says the source." in t for t in texts(root.find_all(class_="reply")))

    response = journalist_client.post(f"/desk/notes/{note.pk}/resolve/", headers=HX)
    assert response.status_code == 200
    assert "note-resolved" in hx_triggers(response)
    note.refresh_from_db()
    assert note.resolved
    assert button(fragment_root(response), "Resolve") is None


def test_it_refuses_an_empty_reply(journalist_client, claim):
    note = factories.AnnotationFactory(claim=claim)
    before = db_state()
    response = journalist_client.post(f"/desk/notes/{note.pk}/reply/", {"body": ""}, headers=HX)
    assert response.status_code == 422
    assert db_state() == before


# --- Workspace: verdict and right of reply ------------------------------------------------------


def test_it_saves_the_verdict_and_refuses_a_stale_one(journalist_client, claim):
    false = factories.rating("false")
    response = journalist_client.post(f"/desk/claims/{claim.pk}/verdict/", {
        "rating": false.pk, "conclusion": "Fewer crossed.", "analysis": "The **figures** say so.", "version": ""},
        headers=HX)
    assert response.status_code == 200
    root = fragment_root(response)
    assert root.get("id") == "verdict-panel"
    assert "verdict-saved" in hx_triggers(response)
    verdict = Verdict.objects.get(claim=claim)
    assert (verdict.rating, verdict.conclusion, verdict.version) == (false, "Fewer crossed.", 1)

    data = {**form_values(root.find("form")), "conclusion": "Far fewer crossed."}
    assert data["version"] == "1"
    assert journalist_client.post(f"/desk/claims/{claim.pk}/verdict/", data, headers=HX).status_code == 200
    verdict.refresh_from_db()
    assert (verdict.conclusion, verdict.version) == ("Far fewer crossed.", 2)

    before = db_state()
    response = journalist_client.post(f"/desk/claims/{claim.pk}/verdict/",
                                      {**data, "conclusion": "A stale edit."}, headers=HX)
    assert response.status_code == 409
    root = fragment_root(response)
    conflict = root.find(attrs={"data-testid": "conflict"})
    assert conflict.find("p").get_text(strip=True).startswith("Someone else changed this claim")
    assert "Far fewer crossed." in texts(conflict.find_all("dd"))
    assert field_by_label(root, "Conclusion")["value"] == "A stale edit."
    assert db_state() == before


def test_it_previews_analysis_as_sanitised_markdown(journalist_client, claim):
    analysis = ("**Bold** claim.\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n"
                "[x](javascript:alert(1)) and [ok](https://example.org/)")
    response = journalist_client.post(f"/desk/claims/{claim.pk}/verdict/preview/", {"analysis": analysis},
                                      headers=HX)
    assert response.status_code == 200
    root = fragment_root(response)
    assert root.get("id") == "verdict-preview"
    preview = root.find(attrs={"data-testid": "analysis-preview"})
    assert preview.find("strong").get_text() == "Bold"
    assert preview.find("script") is None
    assert preview.find(attrs={"onerror": True}) is None
    assert preview.find("img") is None
    hrefs = [a.get("href", "") for a in preview.find_all("a")]
    assert "https://example.org/" in hrefs
    assert not any(h.strip().lower().startswith("javascript:") for h in hrefs)
    assert not Verdict.objects.exists()


def test_it_previews_the_analysis_without_javascript(journalist_client, claim):
    """The "Preview" button posts the verdict form with preview=1 when htmx is not running."""
    before = db_state()
    response = journalist_client.post(f"/desk/claims/{claim.pk}/verdict/", {
        "rating": "", "conclusion": "Draft.", "analysis": "**Draft** analysis.", "version": "", "preview": "1"})
    assert response.status_code == 200, "the preview is lost in a redirect"
    soup = parse(response)
    preview = soup.find(attrs={"data-testid": "analysis-preview"})
    assert preview is not None and preview.find("strong").get_text() == "Draft"
    assert textarea_value(field_by_label(soup, "Analysis")) == "**Draft** analysis."
    assert db_state() == before


def test_it_logs_a_right_of_reply_contact(journalist_client, journalist, claim):
    response = journalist_client.post(f"/desk/claims/{claim.pk}/replies/", {
        "contacted_on": "2025-08-18", "channel": "Email", "contact": "Press office",
        "response": "We stand by the figure.", "show_publicly": "on"}, headers=HX)
    assert response.status_code == 200
    root = fragment_root(response)
    assert root.get("id") == "replies-panel"
    assert "reply-logged" in hx_triggers(response)
    attempt = ReplyAttempt.objects.get(claim=claim)
    assert (attempt.contacted_on, attempt.channel, attempt.contact, attempt.response, attempt.show_publicly,
            attempt.logged_by) == (dt.date(2025, 8, 18), "Email", "Press office", "We stand by the figure.", True,
                                   journalist)
    assert any("Email to Press office" in t for t in texts(root.find_all("li")))


def test_it_refuses_a_contact_without_its_details(journalist_client, claim):
    before = db_state()
    response = journalist_client.post(f"/desk/claims/{claim.pk}/replies/", {"contacted_on": tomorrow()},
                                      headers=HX)
    assert response.status_code == 422
    root = fragment_root(response)
    assert "future" in error_next_to(root, "Date")
    assert "required" in error_next_to(root, "Channel")
    assert db_state() == before


# --- In review: read-only except notes and right of reply ---------------------------------------


@pytest.fixture
def reviewed(speaker):
    claim = factories.ClaimFactory(in_review=True, speaker=speaker)
    item = factories.EvidenceFactory(claim=claim)
    factories.EvidenceFactory(claim=claim)
    return SimpleNamespace(claim=claim, item=item, verdict=claim.verdict)


def _in_review_posts(w):
    c, item, verdict = w.claim, w.item, w.verdict
    return {
        "claim-edit": (f"/desk/claims/{c.pk}/edit/", claim_form_data(c, claim_checked="Changed in review.")),
        "evidence-add": (f"/desk/claims/{c.pk}/evidence/", EVIDENCE),
        "evidence-edit": (f"/desk/evidence/{item.pk}/edit/",
                          {"url": item.url, "title": "Changed", "stance": "supports", "version": item.version}),
        "evidence-remove": (f"/desk/evidence/{item.pk}/remove/", {}),
        "evidence-move": (f"/desk/evidence/{item.pk}/move/", {"direction": "down"}),
        "verdict-save": (f"/desk/claims/{c.pk}/verdict/", {
            "rating": factories.rating("true").pk, "conclusion": "Changed.", "analysis": "", "version":
                verdict.version}),
    }


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
@pytest.mark.parametrize("name", ["claim-edit", "evidence-add", "evidence-edit", "evidence-remove", "evidence-move",
                                  "verdict-save"])
def test_it_refuses_edits_while_in_review(journalist_client, reviewed, name, htmx):
    url, data = _in_review_posts(reviewed)[name]
    before = db_state()
    response = journalist_client.post(url, data, headers=HX if htmx else {})
    assert response.status_code == 409
    soup = parse(response)
    assert (soup.find("html") is None) == htmx
    message = soup.find(attrs={"data-testid": "refusal"}) or soup.find(attrs={"data-testid": "conflict"})
    assert message is not None and message.get_text(strip=True)
    assert db_state() == before


def test_it_keeps_notes_and_right_of_reply_open_in_review(journalist_client, reviewed):
    claim = reviewed.claim
    response = journalist_client.post(f"/desk/claims/{claim.pk}/notes/", {"body": "Reviewer question."})
    assert response.status_code in REDIRECT
    response = journalist_client.post(f"/desk/claims/{claim.pk}/replies/", {
        "contacted_on": "2025-08-18", "channel": "Phone", "contact": "Press office"})
    assert response.status_code in REDIRECT
    assert Annotation.objects.filter(claim=claim, body="Reviewer question.").exists()
    assert ReplyAttempt.objects.filter(claim=claim, channel="Phone").exists()
    claim.refresh_from_db()
    assert claim.status == Status.IN_REVIEW


def test_it_disables_the_claim_form_in_review(journalist_client, reviewed):
    soup = workspace(journalist_client, reviewed.claim)
    assert soup.find(id="claim-form").find("fieldset").has_attr("disabled")
    # The verdict in review is shown as the public page will show it, not as a form.
    verdict = soup.find(id="verdict-panel")
    assert verdict.find("form", action=lambda a: a and a.endswith("/verdict/")) is None
    assert verdict.find(attrs={"data-testid": "verdict-as-published"}).find(attrs={"data-testid": "conclusion"})
    assert button(soup.find(id="evidence-panel"), "Remove") is None
    assert button(soup.find(id="notes-panel"), "Add note") is not None
    assert button(soup.find(id="replies-panel"), "Log contact") is not None


# --- Escaping -----------------------------------------------------------------------------------


def _assert_quote_is_text(container) -> None:
    assert container is not None
    assert XSS_QUOTE in container.get_text()
    assert container.find("script") is None
    assert container.find("b") is None


def test_it_stores_and_shows_markup_in_a_quote_as_text(journalist_client, speaker):
    response = journalist_client.post("/desk/claims/new/", {"quote": XSS_QUOTE, "speaker": speaker.name})
    assert response.status_code in REDIRECT
    claim = Claim.objects.get()
    assert claim.quote == XSS_QUOTE

    soup = workspace(journalist_client, claim)
    _assert_quote_is_text(soup.find(attrs={"data-testid": "quote"}))
    assert soup.find("main").find("b") is None
    assert all(script.get("src") for script in soup.find_all("script"))

    listing = parse(journalist_client.get("/desk/claims/"))
    row = rows(listing)[0]
    _assert_quote_is_text(row)
    assert all(script.get("src") for script in listing.find_all("script"))

    Claim.objects.filter(pk=claim.pk).update(status=Status.PUBLISHED, published_at=timezone.now())
    factories.VerdictFactory(claim=claim)
    public = parse(Client().get(f"/claims/{claim.slug}/"))
    _assert_quote_is_text(public.find(attrs={"data-testid": "quote"}))
    assert public.find("b") is None
    for script in public.find_all("script"):
        # Only our files, or structured data that stayed data (the quote's </script> did not end it).
        assert script.get("src") or script.get("type") == "application/ld+json", script
        if not script.get("src"):
            json.loads(script.string)


# --- Tips ---------------------------------------------------------------------------------------


@pytest.fixture
def tips():
    older = factories.TipFactory(text="The mayor said crime fell by half.")
    newer = factories.TipFactory(text="The minister said 50,000 crossed the Channel.", url="")
    Tip.objects.filter(pk=older.pk).update(created_at=timezone.now() - dt.timedelta(days=2))
    return SimpleNamespace(older=older, newer=newer)


def tip_rows(soup) -> list:
    return soup.find_all(attrs={"data-testid": "tip-row"})


def test_it_lists_tips_newest_first(journalist_client, tips):
    soup = parse(journalist_client.get("/desk/tips/"))
    assert [row["id"] for row in tip_rows(soup)] == [f"tip-{tips.newer.pk}", f"tip-{tips.older.pk}"]


def test_it_turns_a_tip_into_a_claim(journalist_client, speaker, tips):
    soup = parse(journalist_client.get("/desk/tips/"))
    row = soup.find(id=f"tip-{tips.older.pk}")
    link = row.find("a", string="Create claim from tip")
    assert link["href"] == f"/desk/claims/new/?tip={tips.older.pk}"
    form_page = parse(journalist_client.get(link["href"]))
    assert textarea_value(field_by_label(form_page, "Quote")) == tips.older.text
    data = {**form_values(form_page.find("form", id="claim-new-form")), "speaker": speaker.name}
    response = journalist_client.post("/desk/claims/new/", data)
    assert response.status_code in REDIRECT
    claim = Claim.objects.get()
    tip = Tip.objects.get(pk=tips.older.pk)
    assert (tip.status, tip.claim) == (Tip.TipStatus.CONVERTED, claim)
    assert claim.quote == tips.older.text
    row = parse(journalist_client.get("/desk/tips/")).find(id=f"tip-{tip.pk}")
    assert row.find("a", href=f"/desk/claims/{claim.pk}/") is not None
    assert row.find("a", string="Create claim from tip") is None


def test_it_dismisses_a_tip_over_htmx_once(journalist_client, tips):
    response = journalist_client.post(f"/desk/tips/{tips.newer.pk}/dismiss/", headers=HX)
    assert response.status_code == 200
    root = fragment_root(response)
    assert root.get("id") == "tip-list"
    assert "tip-dismissed" in hx_triggers(response)
    assert Tip.objects.get(pk=tips.newer.pk).status == Tip.TipStatus.DISMISSED
    assert button(root.find(id=f"tip-{tips.newer.pk}"), "Dismiss tip") is None
    assert button(root.find(id=f"tip-{tips.older.pk}"), "Dismiss tip") is not None

    before = db_state()
    response = journalist_client.post(f"/desk/tips/{tips.newer.pk}/dismiss/", headers=HX)
    assert response.status_code == 409
    assert db_state() == before


# --- Speakers, sources, topics ------------------------------------------------------------------


def test_it_lists_and_creates_speakers(journalist_client, speaker):
    soup = parse(journalist_client.get("/desk/speakers/"))
    table = soup.find(attrs={"data-testid": "speakers-table"})
    assert "Chris Example" in texts(table.find_all("td"))
    form = parse(journalist_client.get("/desk/speakers/new/"))
    for label in ("Name", "Kind", "Role or title", "Party or affiliation", "Description"):
        assert field_by_label(form, label) is not None, label
    response = journalist_client.post("/desk/speakers/new/", {
        "name": "Home Office", "kind": "organisation", "role": "", "affiliation": "UK Government",
        "description": ""})
    assert response.status_code in (302, 303)
    created = Speaker.objects.get(name="Home Office")
    assert (created.kind, created.slug) == ("organisation", "home-office")


def test_it_refuses_a_speaker_without_a_name(journalist_client):
    before = db_state()
    response = journalist_client.post("/desk/speakers/new/", {"name": "", "kind": "person"})
    assert response.status_code == 422
    assert "required" in error_next_to(parse(response), "Name")
    assert db_state() == before


def test_it_refreshes_search_when_a_speaker_is_renamed(journalist_client, claim):
    assert row_claim_ids(parse(journalist_client.get("/desk/claims/?q=Quartermaine"))) == []
    page = parse(journalist_client.get(f"/desk/speakers/{claim.speaker.pk}/"))
    data = {**form_values(page.find("form", class_="stacked")), "name": "Zebedee Quartermaine"}
    response = journalist_client.post(f"/desk/speakers/{claim.speaker.pk}/", data)
    assert response.status_code in (302, 303)
    assert Speaker.objects.get(pk=claim.speaker.pk).name == "Zebedee Quartermaine"
    assert row_claim_ids(parse(journalist_client.get("/desk/claims/?q=Quartermaine"))) == [claim.pk]


@pytest.fixture
def duplicates():
    keep = factories.SpeakerFactory(name="Chris Philp")
    duplicate = factories.SpeakerFactory(name="Chris Phillp")
    kept_claim = factories.ClaimFactory(speaker=keep)
    moved = factories.ClaimFactory.create_batch(2, speaker=duplicate)
    return SimpleNamespace(keep=keep, duplicate=duplicate, kept_claim=kept_claim, moved=moved)


def test_it_merges_duplicate_speakers(editor_client, editor, duplicates):
    response = editor_client.post("/desk/speakers/merge/", {"keep": duplicates.keep.pk,
                                                            "duplicate": duplicates.duplicate.pk})
    assert response.status_code in (302, 303)
    assert not Speaker.objects.filter(pk=duplicates.duplicate.pk).exists()
    assert set(Claim.objects.filter(speaker=duplicates.keep).values_list("pk", flat=True)) == {
        duplicates.kept_claim.pk, *(c.pk for c in duplicates.moved)}
    assert Event.objects.filter(action="speaker_merged", actor=editor, claim=None).count() == 1
    # The moved claims are found by the kept name.
    assert set(row_claim_ids(parse(editor_client.get("/desk/claims/?q=Philp")))) >= {c.pk for c in duplicates.moved}


def test_it_refuses_a_merge_to_a_journalist(journalist_client, duplicates):
    assert parse(journalist_client.get("/desk/speakers/")).find("form", action="/desk/speakers/merge/") is None
    before = db_state()
    response = journalist_client.post("/desk/speakers/merge/", {"keep": duplicates.keep.pk,
                                                                "duplicate": duplicates.duplicate.pk})
    assert response.status_code == 403
    assert db_state() == before


def test_it_refuses_to_merge_a_speaker_into_itself(editor_client, duplicates):
    before = db_state()
    response = editor_client.post("/desk/speakers/merge/", {"keep": duplicates.keep.pk,
                                                            "duplicate": duplicates.keep.pk})
    assert response.status_code == 422
    assert "different" in error_next_to(parse(response), "Merge into it")
    assert db_state() == before


def test_it_lists_creates_and_edits_sources(journalist_client):
    source = factories.SourceFactory(title="Home Office statistics")
    soup = parse(journalist_client.get("/desk/sources/"))
    assert "Home Office statistics" in texts(soup.find(attrs={"data-testid": "sources-table"}).find_all("a"))
    response = journalist_client.post("/desk/sources/new/", {
        "title": "Speech in Dover", "url": "https://www.example.org/speech", "outlet": "Party press office",
        "published_on": "2025-08-14", "kind": "speech", "full_text": ""})
    assert response.status_code in (302, 303)
    assert Source.objects.get(title="Speech in Dover").kind == "speech"
    page = parse(journalist_client.get(f"/desk/sources/{source.pk}/"))
    data = {**form_values(page.find("form", class_="stacked")), "title": "Immigration statistics, year to March"}
    response = journalist_client.post(f"/desk/sources/{source.pk}/", data)
    assert response.status_code in (302, 303)
    source.refresh_from_db()
    assert source.title == "Immigration statistics, year to March"


@pytest.mark.parametrize("url", ["javascript:x", "ftp://x"])
def test_it_refuses_a_source_with_a_bad_url(journalist_client, url):
    before = db_state()
    response = journalist_client.post("/desk/sources/new/", {"title": "Bad", "url": url, "kind": "article"})
    assert response.status_code == 422
    soup = parse(response)
    assert "http://" in error_next_to(soup, "URL")
    assert field_by_label(soup, "URL")["value"] == url
    assert db_state() == before


def test_it_lists_creates_and_edits_topics(journalist_client):
    topic = factories.TopicFactory(name="Migration", slug="migration")
    soup = parse(journalist_client.get("/desk/topics/"))
    assert "Migration" in texts(soup.find(attrs={"data-testid": "topics-table"}).find_all("td"))
    response = journalist_client.post("/desk/topics/new/", {"name": "Housing"})
    assert response.status_code in (302, 303)
    assert Topic.objects.get(name="Housing").slug == "housing"
    response = journalist_client.post(f"/desk/topics/{topic.pk}/", {"name": "Migration and asylum"})
    assert response.status_code in (302, 303)
    topic.refresh_from_db()
    assert topic.name == "Migration and asylum"


@pytest.mark.parametrize(("name", "message"), [("", "required"), ("  ", "required"), ("Housing", "already exists"),
                                               ("housing", "already exists")])
def test_it_refuses_a_blank_or_duplicate_topic(journalist_client, name, message):
    factories.TopicFactory(name="Housing", slug="housing")
    before = db_state()
    response = journalist_client.post("/desk/topics/new/", {"name": name})
    assert response.status_code == 422
    assert message in error_next_to(parse(response), "Name")
    assert db_state() == before


# --- Query counts -------------------------------------------------------------------------------


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context.captured_queries)


def _claims(n: int, journalist) -> None:
    topic = factories.TopicFactory(name="Migration", slug="migration")
    for i in range(n):
        kind = ("published", "researching", "in_review")[i % 3]
        claim = factories.ClaimFactory(**{kind: True})
        claim.topics.add(topic)
        if i % 2:
            Claim.objects.filter(pk=claim.pk).update(assignee=journalist)


@pytest.mark.parametrize("url", ["/desk/claims/", "/desk/claims/?q=homes", "/desk/", "/desk/claims/?status=published"])
def test_it_lists_claims_in_a_fixed_number_of_queries(journalist_client, journalist, url):
    _claims(1, journalist)
    _queries(journalist_client, url)  # warm up: session, caches
    one = _queries(journalist_client, url)
    _claims(49, journalist)
    fifty = _queries(journalist_client, url)
    assert fifty == one, f"{url}: {one} queries with 1 claim, {fifty} with 50"


def _grow(claim: Claim, what: str, n: int) -> None:
    for _ in range(n):
        user = factories.UserFactory()
        if what == "evidence":
            factories.EvidenceFactory(claim=claim, added_by=user)
        elif what == "notes":
            note = factories.AnnotationFactory(claim=claim, author=user)
            factories.AnnotationFactory(claim=claim, author=factories.UserFactory(), parent=note, start=None,
                                        end=None)
        elif what == "events":
            Event.objects.create(claim=claim, actor=user, action="claim_updated",
                                 changes={"claim_checked": ["a", "b"]})
        elif what == "replies":
            factories.ReplyAttemptFactory(claim=claim, logged_by=user)
        elif what == "topics":
            claim.topics.add(factories.TopicFactory())


@pytest.mark.parametrize("what", ["evidence", "notes", "events", "replies", "topics"])
def test_it_opens_the_workspace_in_a_fixed_number_of_queries(journalist_client, claim, what):
    factories.VerdictFactory(claim=claim)
    url = f"/desk/claims/{claim.pk}/"
    _grow(claim, what, 1)
    _queries(journalist_client, url)
    one = _queries(journalist_client, url)
    _grow(claim, what, 49)
    fifty = _queries(journalist_client, url)
    assert fifty == one, f"{what}: {one} queries with 1, {fifty} with 50"


@pytest.mark.parametrize(("url", "make"), [
    ("/desk/tips/", lambda: factories.TipFactory(claim=factories.ClaimFactory(), status="converted")),
    ("/desk/speakers/", lambda: factories.ClaimFactory()),
    ("/desk/sources/", lambda: factories.ClaimFactory()),
    ("/desk/topics/", lambda: factories.ClaimFactory().topics.add(factories.TopicFactory())),
], ids=["tips", "speakers", "sources", "topics"])
def test_it_lists_directories_in_a_fixed_number_of_queries(journalist_client, url, make):
    make()
    _queries(journalist_client, url)
    one = _queries(journalist_client, url)
    for _ in range(49):
        make()
    fifty = _queries(journalist_client, url)
    assert fifty == one, f"{url}: {one} queries with 1 row, {fifty} with 50"


# --- Every htmx form works as a plain form ------------------------------------------------------


@pytest.fixture
def forms_world(journalist, speaker):
    claim = factories.ClaimFactory(speaker=speaker, with_verdict=True)
    first, second = factories.EvidenceFactory.create_batch(2, claim=claim)
    note = factories.AnnotationFactory(claim=claim)
    dismissed = factories.ClaimFactory(dismissed=True)
    closed_note = factories.AnnotationFactory(claim=dismissed)
    reviewed_item = factories.EvidenceFactory(claim=factories.ClaimFactory(in_review=True))
    tip = factories.TipFactory()
    handled_tip = factories.TipFactory(status=Tip.TipStatus.DISMISSED)
    return SimpleNamespace(claim=claim, first=first, second=second, note=note, closed_note=closed_note, tip=tip,
                           handled_tip=handled_tip, verdict=claim.verdict, reviewed_item=reviewed_item)


def _plain_cases(w):
    c = w.claim
    good_evidence = {"url": "https://stats.example.org/x", "title": "Table", "stance": "context"}
    return {
        # name: (url, good data, bad url, bad data, bad status)
        "claim-new": ("/desk/claims/new/", {"quote": "A new claim.", "speaker": "Chris Example"},
                      "/desk/claims/new/", {"quote": "", "speaker": "Chris Example"}, 422),
        "speaker-add": ("/desk/speakers/add/", {"speaker-name": "New Person", "speaker-kind": "person"},
                        "/desk/speakers/add/", {"speaker-name": "", "speaker-kind": "person"}, 422),
        "claim-edit": (f"/desk/claims/{c.pk}/edit/", claim_form_data(c, claim_checked="Plain edit."),
                       f"/desk/claims/{c.pk}/edit/", claim_form_data(c, quote=""), 422),
        "evidence-add": (f"/desk/claims/{c.pk}/evidence/", good_evidence,
                         f"/desk/claims/{c.pk}/evidence/", {**good_evidence, "url": "javascript:x"}, 422),
        "evidence-edit": (f"/desk/evidence/{w.first.pk}/edit/", {**good_evidence, "version": w.first.version},
                          f"/desk/evidence/{w.first.pk}/edit/", {**good_evidence, "version": w.first.version + 5},
                          409),
        "evidence-remove": (f"/desk/evidence/{w.first.pk}/remove/", {},
                            f"/desk/evidence/{w.reviewed_item.pk}/remove/", {}, 409),
        "evidence-move": (f"/desk/evidence/{w.second.pk}/move/", {"direction": "up"},
                          f"/desk/evidence/{w.second.pk}/move/", {"direction": ""}, 422),
        "note-add": (f"/desk/claims/{c.pk}/notes/", {"body": "Plain note."},
                     f"/desk/claims/{c.pk}/notes/", {"body": ""}, 422),
        "note-reply": (f"/desk/notes/{w.note.pk}/reply/", {"body": "Plain reply."},
                       f"/desk/notes/{w.note.pk}/reply/", {"body": ""}, 422),
        "note-resolve": (f"/desk/notes/{w.note.pk}/resolve/", {},
                         f"/desk/notes/{w.closed_note.pk}/resolve/", {}, 409),
        "verdict-save": (f"/desk/claims/{c.pk}/verdict/", {"conclusion": "Plain.", "version": w.verdict.version},
                         f"/desk/claims/{c.pk}/verdict/", {"conclusion": "Stale.", "version": w.verdict.version + 5},
                         409),
        "reply-log": (f"/desk/claims/{c.pk}/replies/", {"contacted_on": "2025-08-18", "channel": "Email",
                                                         "contact": "Press office"},
                      f"/desk/claims/{c.pk}/replies/", {"channel": "Email"}, 422),
        "tip-dismiss": (f"/desk/tips/{w.tip.pk}/dismiss/", {},
                        f"/desk/tips/{w.handled_tip.pk}/dismiss/", {}, 409),
        "assign-self": (f"/desk/claims/{c.pk}/assign-self/", {},
                        f"/desk/claims/{c.pk}/submit/", {}, 409),
    }


PLAIN_CASES = ["claim-new", "speaker-add", "claim-edit", "evidence-add", "evidence-edit", "evidence-remove",
               "evidence-move", "note-add", "note-reply", "note-resolve", "verdict-save", "reply-log", "tip-dismiss",
               "assign-self"]


@pytest.mark.parametrize("name", PLAIN_CASES)
def test_it_redirects_a_plain_post_of_an_htmx_form(journalist_client, forms_world, name):
    url, data, *_ = _plain_cases(forms_world)[name]
    before = db_state()
    response = journalist_client.post(url, data)
    assert response.status_code in REDIRECT, response.status_code
    assert response["Location"].startswith("/desk/")
    assert db_state() != before
    assert journalist_client.get(response["Location"]).status_code == 200
    assert response.status_code == 303, "a POST answers 303 See Other"


@pytest.mark.parametrize("name", PLAIN_CASES)
def test_it_answers_a_bad_plain_post_with_a_whole_page(journalist_client, forms_world, name):
    *_, url, data, status = _plain_cases(forms_world)[name]
    before = db_state()
    response = journalist_client.post(url, data)
    assert response.status_code == status
    soup = parse(response)
    assert soup.find("html") is not None
    assert soup.find("main") is not None
    assert db_state() == before


# --- CSRF on htmx requests ----------------------------------------------------------------------


def test_it_requires_the_csrf_token_from_hx_headers_on_htmx_posts(journalist, claim):
    client = Client(enforce_csrf_checks=True)
    client.force_login(journalist)
    page = parse(client.get(f"/desk/claims/{claim.pk}/"))
    token = json.loads(page.body["data-hx-headers"])["X-CSRFToken"]
    before = db_state()
    url = f"/desk/claims/{claim.pk}/notes/"
    assert client.post(url, {"body": "No token."}, headers=HX).status_code == 403
    assert client.post(url, {"body": "Wrong token."}, headers={**HX, "X-CSRFToken": "x" * 64}).status_code == 403
    assert db_state() == before
    response = client.post(url, {"body": "With token."}, headers={**HX, "X-CSRFToken": token})
    assert response.status_code == 200
    assert Annotation.objects.get(claim=claim).body == "With token."


@pytest.mark.parametrize("url", ["/desk/claims/?q=boats%00crossed",
                                 "/desk/claims/similar/?quote=small+boat%00arrivals"])
def test_it_answers_searches_with_control_characters(journalist_client, url):
    # PostgreSQL refuses NUL in text: the search must drop it, not fail with a 500.
    factories.ClaimFactory(quote="Small boat arrivals crossed the Channel.", published=True)
    assert journalist_client.get(url).status_code == 200
