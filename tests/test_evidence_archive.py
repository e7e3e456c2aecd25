"""Evidence and its archived copy in the desk: saved at once, fetched by a job, the passage and
figure looked up, failures shown with "Try again", and warnings at submit and review."""

from __future__ import annotations

import pytest

from claims import services
from claims.models import ArchivedCopy, Evidence
from tests.html import parse
from tests.test_archive_text import STATS_PAGE
from tests.test_workflow import as_user, reload, researching, snapshot

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}
FOUND_PASSAGE = "1,900 Iraqis arrived in the UK by small boat, down from 2,600 in the previous year."


@pytest.fixture
def claim(journalist):
    return researching(journalist)


def add(client, claim, url, passage=FOUND_PASSAGE, stance="contradicts", figure=""):
    return client.post(f"/desk/claims/{claim.pk}/evidence/", {
        "url": url, "title": "Small boat arrivals", "publisher": "Home Office", "passage": passage,
        "stance": stance, "figure_value": figure, "figure_unit": "people" if figure else "",
        "figure_period": "year to March 2025" if figure else ""}, headers=HX)


def status_of(client, evidence: Evidence):
    response = client.get(f"/desk/evidence/{evidence.pk}/archive/", headers=HX)
    assert response.status_code == 200
    return parse(response).select_one("[data-testid=archive-status]")


def test_it_saves_evidence_at_once_then_finds_the_passage_and_figure_in_the_archived_copy(
        site, claim, journalist, run_jobs):
    url = site.serve("/stats/boats", STATS_PAGE)
    client = as_user(journalist)
    response = add(client, claim, url, figure="1900")
    assert response.status_code == 200
    assert site.requests == []  # saving never waits for the fetch
    evidence = Evidence.objects.get(claim=claim)
    row = parse(response).select_one(f"#archive-{evidence.pk}")
    assert "Archiving the source…" in row.get_text()
    assert row["data-hx-trigger"] == "every 2s" and row["data-hx-get"] == f"/desk/evidence/{evidence.pk}/archive/"

    assert run_jobs() == 1
    status = status_of(client, evidence)
    assert not status.has_attr("data-hx-trigger")  # no more asking
    assert status.select_one("[data-testid=passage-check]").get_text() == "Passage found in the archived copy"
    assert status.select_one("[data-testid=figure-check]").get_text() == "Figure found near the passage"
    assert "Archived copy, fetched" in status.get_text()
    evidence.refresh_from_db()
    assert (evidence.passage_check, evidence.figure_check, evidence.version) == ("found", "found", 1)


def test_it_says_when_the_passage_or_figure_is_not_in_the_copy(site, claim, journalist, run_jobs):
    url = site.serve("/stats/boats", STATS_PAGE)
    client = as_user(journalist)
    add(client, claim, url, passage="Iraqi arrivals tripled to 9,000 in the year, the highest on record.",
        stance="supports", figure="9000")
    run_jobs()
    status = status_of(client, Evidence.objects.get(claim=claim))
    assert status.select_one("[data-testid=passage-check]").get_text() == "Passage not found in the archived copy"
    assert status.select_one("[data-testid=figure-check]").get_text() == "Figure not found near the passage"


def test_it_looks_the_passage_up_again_when_it_is_edited_without_fetching_again(site, claim, journalist, run_jobs):
    url = site.serve("/stats/boats", STATS_PAGE)
    evidence = services.evidence_add(claim_id=claim.pk, actor=journalist, data={
        "url": url, "title": "Arrivals", "stance": "contradicts",
        "passage": "Nothing like this is on the page at all."})
    run_jobs()
    evidence.refresh_from_db()
    assert evidence.passage_check == "not_found"
    services.evidence_update(evidence_id=evidence.pk, actor=journalist, version=evidence.version,
                             data={"passage": FOUND_PASSAGE})
    evidence.refresh_from_db()
    assert evidence.passage_check == "found"
    assert site.requests == ["/stats/boats"] and ArchivedCopy.objects.count() == 1


def test_rows_citing_one_address_share_one_copy(site, claim, journalist, run_jobs):
    url = site.serve("/stats/boats", STATS_PAGE)
    for title in ("First", "Second"):
        services.evidence_add(claim_id=claim.pk, actor=journalist, data={
            "url": url, "title": title, "stance": "context", "passage": FOUND_PASSAGE})
    assert run_jobs() == 1
    assert set(Evidence.objects.values_list("archive", "passage_check")) == {
        (ArchivedCopy.objects.get().pk, "found")}


def test_it_shows_why_a_source_failed_and_tries_again(site, claim, journalist, run_jobs):
    client = as_user(journalist)
    add(client, claim, site.url("/later"))
    run_jobs()
    evidence = Evidence.objects.get(claim=claim)
    status = status_of(client, evidence)
    assert " ".join(status.get_text(" ").split()).startswith(
        "Could not archive the source: The site answered with an error: 404 Not Found.")
    assert status.find("button", string="Try again")

    site.serve("/later", STATS_PAGE)
    response = client.post(f"/desk/evidence/{evidence.pk}/archive/", headers=HX)
    assert response.status_code == 200
    assert "Archiving the source…" in parse(response).get_text()
    run_jobs()
    evidence.refresh_from_db()
    assert (evidence.archive.state, evidence.passage_check) == ("archived", "found")
    assert ArchivedCopy.objects.count() == 2  # the failed copy is kept


def test_try_again_without_javascript_goes_back_to_the_row(site, claim, journalist, run_jobs):
    client = as_user(journalist)
    add(client, claim, site.url("/later"))
    run_jobs()
    evidence = Evidence.objects.get(claim=claim)
    response = client.post(f"/desk/evidence/{evidence.pk}/archive/")
    assert response.status_code == 303 and response["Location"] == f"/desk/claims/{claim.pk}/#evidence-{evidence.pk}"


def test_it_refuses_to_fetch_again_a_copy_that_worked(site, claim, journalist, run_jobs):
    client = as_user(journalist)
    add(client, claim, site.serve("/stats/boats", STATS_PAGE))
    run_jobs()
    evidence = Evidence.objects.get(claim=claim)
    before = snapshot()
    response = client.post(f"/desk/evidence/{evidence.pk}/archive/", headers=HX)
    assert response.status_code == 409
    assert snapshot() == before


@pytest.mark.parametrize("persona, status", [("outsider", 403), ("anonymous", 302)])
def test_it_refuses_try_again_and_the_status_to_outsiders(site, claim, journalist, run_jobs, client, request,
                                                          persona, status):
    add(as_user(journalist), claim, site.url("/later"))
    run_jobs()
    evidence = Evidence.objects.get(claim=claim)
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    before = snapshot()
    assert client.post(f"/desk/evidence/{evidence.pk}/archive/").status_code == status
    answer = client.get(f"/desk/evidence/{evidence.pk}/archive/", headers=HX)
    if persona == "anonymous":
        assert answer["HX-Redirect"].startswith("/accounts/login/")
    else:
        assert answer.status_code == status
    assert snapshot() == before


def test_an_unknown_evidence_row_is_not_found(journalist_client):
    assert journalist_client.get("/desk/evidence/999999/archive/", headers=HX).status_code == 404
    assert journalist_client.post("/desk/evidence/999999/archive/").status_code == 404


def test_submit_and_review_warn_of_supporting_evidence_whose_passage_was_not_found(
        site, claim, journalist, editor, run_jobs):
    from tests.test_workflow import rating

    url = site.serve("/stats/boats", STATS_PAGE)
    services.evidence_add(claim_id=claim.pk, actor=journalist, data={
        "url": url, "title": "Claimed figures", "stance": "supports", "passage": "Arrivals tripled to 9,000."})
    services.evidence_add(claim_id=claim.pk, actor=journalist, data={
        "url": url, "title": "Official figures", "stance": "supports", "passage": FOUND_PASSAGE})
    services.verdict_save(claim_id=claim.pk, actor=journalist, version=None, data={
        "rating": rating("mostly-false"), "conclusion": "It is wrong.", "analysis": "Because."})
    run_jobs()
    page = parse(as_user(journalist).get(claim.get_desk_url()))
    warning = page.select_one("[data-testid=unverified-support]")
    assert "Check before submitting" in warning.get_text() and [a.get_text() for a in warning.find_all("a")] == [
        "Claimed figures"]
    response = as_user(journalist).post(f"/desk/claims/{claim.pk}/submit/")
    assert response.status_code == 303 and reload(claim).status == "in_review"  # a warning, not a refusal
    warning = parse(as_user(editor).get(claim.get_desk_url())).select_one("[data-testid=unverified-support]")
    assert "Check before approving" in warning.get_text() and "Claimed figures" in warning.get_text()


def test_a_correction_archives_the_evidence_it_adds(site, editor, run_jobs):
    from tests import factories

    claim = factories.ClaimFactory(published=True)
    url = site.serve("/stats/boats", STATS_PAGE)
    services.verdict_correct(claim_id=claim.pk, actor=editor, kind="update", note="New figures.", data={},
                             evidence={"url": url, "title": "New table", "stance": "context", "passage": FOUND_PASSAGE})
    run_jobs()
    assert Evidence.objects.get(claim=claim, url=url).passage_check == "found"


def test_editors_see_a_changed_link_on_the_row_with_a_way_to_compare(editor, journalist):
    from tests import factories

    claim = factories.ClaimFactory(published=True)
    evidence = factories.EvidenceFactory(claim=claim, link_status="changed")
    badge = parse(as_user(editor).get(claim.get_desk_url())).select_one("[data-testid=link-health]")
    assert badge.get_text(" ", strip=True) == "Link health: Content changed"
    assert badge.find("a")["href"] == f"/desk/links/{evidence.pk}/"
    assert parse(as_user(journalist).get(claim.get_desk_url())).select_one("[data-testid=link-health]") is None


def test_a_copy_stalled_by_a_stopped_worker_can_be_tried_again(site, claim, journalist, run_jobs):
    import datetime as dt

    from django.utils import timezone

    client = as_user(journalist)
    add(client, claim, site.serve("/stats/boats", STATS_PAGE))
    evidence = Evidence.objects.get(claim=claim)
    status = status_of(client, evidence)
    assert status.has_attr("data-hx-trigger") and status.find("button", string="Try again") is None
    ArchivedCopy.objects.filter(pk=evidence.archive_id).update(requested_at=timezone.now() - dt.timedelta(hours=1))
    status = status_of(client, evidence)
    assert "taking far too long" in status.get_text() and not status.has_attr("data-hx-trigger")
    assert client.post(f"/desk/evidence/{evidence.pk}/archive/", headers=HX).status_code == 200
    run_jobs()
    evidence.refresh_from_db()
    assert evidence.passage_check == "found"
