"""Link health: the evidence of published checks fetched again from a local site that changes,
redirects, vanishes and stalls; what each pass records; the editors' list and the two copies."""

from __future__ import annotations

import datetime as dt
import io
import os

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Max
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from claims import public_cache
from claims.archiving.health import check_links
from claims.archiving.store import fill_copy, original_body
from claims.models import ArchivedCopy, Claim, Event, Evidence, LinkCheck
from claims.views.links import side_by_side
from tests import factories
from tests.html import parse, texts
from tests.test_archive_text import STATS_PAGE

pytestmark = pytest.mark.django_db

CHANGED_PAGE = STATS_PAGE.replace(b"1,900 Iraqis", b"2,100 Iraqis").replace(b"fifth most common", b"fourth most common")


def archived(url: str) -> ArchivedCopy:
    copy = fill_copy(ArchivedCopy(url=url))
    copy.save()
    return copy


def public_evidence(site, path: str = "/stats/boats", body: bytes = STATS_PAGE, *, claim: Claim | None = None,
                    **claim_traits) -> Evidence:
    """Evidence of a published check citing an archived copy of a page the local site serves."""
    url = site.serve(path, body)
    claim = claim or factories.ClaimFactory(**(claim_traits or {"published": True}))
    evidence = factories.EvidenceFactory(claim=claim, url=url, title=f"Statistics {path}")
    Evidence.objects.filter(pk=evidence.pk).update(archive=archived(url))
    evidence.refresh_from_db()
    return evidence


def fields(evidence: Evidence) -> tuple:
    evidence.refresh_from_db()
    return evidence.link_status, evidence.link_errors


def public_state(evidence: Evidence) -> tuple:
    """What a published page is made of, as far as a pass could touch it."""
    evidence.refresh_from_db()
    claim = Claim.objects.get(pk=evidence.claim_id)
    return (evidence.archive_id, evidence.version, evidence.updated_at, evidence.passage_check, claim.version,
            claim.updated_at, Event.objects.aggregate(last=Max("pk"))["last"], public_cache.generation())


# --- The pass ----------------------------------------------------------------------------------


def test_it_finds_an_unchanged_link_and_keeps_only_the_cited_body(site):
    evidence = public_evidence(site)
    cited = evidence.archive
    before = public_state(evidence)
    summary = check_links()
    assert (summary.checked, summary.fetched, summary.outcomes["ok"]) == (1, 1, 1)
    assert fields(evidence) == ("ok", 0) and evidence.link_checked_at is not None
    check = LinkCheck.objects.get(evidence=evidence)
    assert (check.outcome, check.cited, check.copy.state) == ("ok", cited, "archived")
    assert check.copy != cited and check.copy.text == cited.text
    assert original_body(cited) == STATS_PAGE
    assert public_state(evidence) == before


def test_it_drops_the_body_file_of_an_unchanged_copy_whose_bytes_differ(site, settings):
    evidence = public_evidence(site)
    site.serve("/stats/boats", STATS_PAGE.replace(b"track()", b"track('2026-12-01')"))  # same text, other bytes
    check_links()
    check = LinkCheck.objects.get(evidence=evidence)
    assert check.outcome == "ok" and check.copy.sha256 != evidence.archive.sha256
    assert not check.copy.body
    stored = [name for _, _, names in os.walk(settings.MEDIA_ROOT) for name in names]
    assert stored == [os.path.basename(evidence.archive.body.name)]


def test_it_finds_changed_text_and_keeps_both_copies(site):
    evidence = public_evidence(site)
    cited = evidence.archive
    site.serve("/stats/boats", CHANGED_PAGE)
    before = public_state(evidence)
    summary = check_links()
    assert summary.outcomes["changed"] == 1
    assert fields(evidence) == ("changed", 0)
    check = LinkCheck.objects.get(evidence=evidence)
    assert check.outcome == "changed" and check.copy.text_sha256 != cited.text_sha256
    assert original_body(cited) == STATS_PAGE and original_body(check.copy) == CHANGED_PAGE
    assert "2,100 Iraqis" in check.copy.text
    assert public_state(evidence) == before  # the public page still cites the copy it cited


def test_it_finds_a_link_that_moved(site):
    evidence = public_evidence(site)
    site.serve("/stats/2025/boats", STATS_PAGE)
    site.redirect("/stats/boats", site.url("/stats/2025/boats"))
    check_links()
    assert fields(evidence) == ("moved", 0)
    assert LinkCheck.objects.get(evidence=evidence).copy.final_url == site.url("/stats/2025/boats")


@pytest.mark.parametrize("status", [404, 410])
def test_it_finds_a_link_that_is_gone(site, status):
    evidence = public_evidence(site)
    if status == 404:
        site.remove("/stats/boats")
    else:
        site.serve("/stats/boats", "<h1>Withdrawn</h1>", status=410)
    before = public_state(evidence)
    assert check_links().outcomes["gone"] == 1
    assert fields(evidence) == ("gone", 0)
    check = LinkCheck.objects.get(evidence=evidence)
    assert (check.outcome, check.copy.state, check.copy.status_code) == ("gone", "failed", status)
    assert public_state(evidence) == before


def test_it_counts_errors_in_a_row_and_calls_a_link_gone_at_the_third(site, settings):
    settings.ARCHIVE_FETCH_SECONDS = 1
    evidence = public_evidence(site)
    site.serve("/stats/boats", CHANGED_PAGE)
    check_links()
    site.serve("/stats/boats", STATS_PAGE, delay=2)  # times out
    assert check_links().outcomes["error"] == 1
    assert fields(evidence) == ("changed", 1)  # one failure says nothing yet: the status stays
    site.serve("/stats/boats", "<h1>Oops</h1>", status=503)
    check_links()
    assert fields(evidence) == ("changed", 2)
    site.serve("/stats/boats", STATS_PAGE, delay=2)
    check_links()
    assert fields(evidence) == ("gone", 3)
    assert list(LinkCheck.objects.filter(evidence=evidence).order_by("pk").values_list("outcome", flat=True)) == [
        "changed", "error", "error", "error"]
    assert {check.copy.error_code for check in LinkCheck.objects.filter(outcome="error")} == {"timeout", "status"}


def test_it_forgets_errors_once_the_link_answers_again(site):
    evidence = public_evidence(site)
    Evidence.objects.filter(pk=evidence.pk).update(link_status="gone", link_errors=3)
    check_links()
    assert fields(evidence) == ("ok", 0)


def test_it_fetches_an_address_once_for_every_row_citing_it(site):
    evidence = public_evidence(site)
    other = factories.EvidenceFactory(claim=factories.ClaimFactory(published=True), url=evidence.url,
                                      archive=evidence.archive)
    never = factories.EvidenceFactory(claim=factories.ClaimFactory(published=True), url=evidence.url)
    site.requests.clear()
    site.serve("/stats/boats", CHANGED_PAGE)
    summary = check_links()
    assert site.requests == ["/stats/boats"]
    assert (summary.checked, summary.fetched) == (3, 1)
    assert fields(evidence)[0] == fields(other)[0] == "changed"
    assert fields(never) == ("ok", 0)  # cites no copy: the fetch alone tells, nothing to compare
    assert len({check.copy_id for check in LinkCheck.objects.all()}) == 1
    assert LinkCheck.objects.get(evidence=never).cited is None


def test_it_checks_only_the_evidence_of_published_checks(site):
    published = public_evidence(site, "/a")
    skipped = [public_evidence(site, "/b", researching=True), public_evidence(site, "/c", retracted=True),
               public_evidence(site, "/d", published=True, imported=True)]
    site.requests.clear()
    assert check_links().checked == 1
    assert site.requests == ["/a"] and fields(published)[0] == "ok"
    assert [fields(row) for row in skipped] == [("unchecked", 0)] * 3
    assert not LinkCheck.objects.exclude(evidence=published).exists()


def test_it_checks_those_checked_longest_ago_first_within_a_limit(site):
    first = public_evidence(site, "/a")
    public_evidence(site, "/b")
    Evidence.objects.filter(pk=first.pk).update(link_checked_at=timezone.now() - dt.timedelta(days=1))
    site.requests.clear()
    assert check_links(limit=1).checked == 1
    assert site.requests == ["/b"]  # never checked comes first
    check_links(limit=1)
    assert site.requests == ["/b", "/a"]


def test_it_runs_as_a_background_job(site, run_jobs):
    from claims.tasks import check_links_job

    evidence = public_evidence(site)
    site.remove("/stats/boats")
    check_links_job.defer(timestamp=0)
    assert run_jobs() == 1
    assert fields(evidence) == ("gone", 0)


# --- The stored bodies -------------------------------------------------------------------------


def test_it_stores_a_body_once_however_many_copies_have_it(site, settings):
    first, second = archived(site.serve("/a", STATS_PAGE)), archived(site.serve("/b", STATS_PAGE))
    assert first.body.name == second.body.name
    assert original_body(second) == STATS_PAGE
    stored = [name for _, _, names in os.walk(settings.MEDIA_ROOT) for name in names]
    assert len(stored) == 1
    other = archived(site.serve("/c", CHANGED_PAGE))
    assert other.body.name != first.body.name


# --- manage.py check_links ---------------------------------------------------------------------


def test_it_reports_a_pass_run_by_hand(site):
    public_evidence(site, "/same")
    public_evidence(site, "/changes")
    public_evidence(site, "/goes")
    site.serve("/changes", CHANGED_PAGE)
    site.remove("/goes")
    out = io.StringIO()
    call_command("check_links", stdout=out)
    assert out.getvalue().startswith("3 links checked (3 addresses fetched): 1 unchanged, 1 changed, 0 moved, "
                                     "1 gone, 0 could not be checked.")


def test_it_checks_at_most_the_limit_by_hand(site):
    public_evidence(site, "/a")
    public_evidence(site, "/b")
    out = io.StringIO()
    call_command("check_links", "--limit", "1", stdout=out)
    assert out.getvalue().startswith("1 links checked")
    assert LinkCheck.objects.count() == 1


@pytest.mark.parametrize("limit", ["0", "-3", "many"])
def test_it_refuses_a_limit_that_is_no_count(limit):
    with pytest.raises(CommandError, match="a whole number of links"):
        call_command("check_links", "--limit", limit, stdout=io.StringIO())
    assert not LinkCheck.objects.exists()


# --- The editors' pages ------------------------------------------------------------------------


def changed_evidence(**kwargs) -> Evidence:
    """Evidence whose last check found its text changed (two copies, no network)."""
    cited = ArchivedCopy.objects.create(url="https://stats.example.org/boats", state="archived",
                                        final_url="https://stats.example.org/boats", text="1,900 Iraqis arrived.",
                                        text_sha256="a" * 64, sha256="b" * 64, fetched_at=timezone.now())
    now = ArchivedCopy.objects.create(url=cited.url, state="archived", final_url=cited.url,
                                      text="2,100 Iraqis arrived.", text_sha256="c" * 64, sha256="d" * 64,
                                      fetched_at=timezone.now())
    if kwargs.get("claim") is None:
        kwargs["claim"] = factories.ClaimFactory(published=True)
    kwargs.setdefault("link_status", "changed")
    evidence = factories.EvidenceFactory(url=cited.url, archive=cited, link_checked_at=timezone.now(), **kwargs)
    LinkCheck.objects.create(evidence=evidence, copy=now, cited=cited, outcome="changed")
    return evidence


@pytest.fixture
def changed(db):
    return changed_evidence(title="Small boat arrivals table")


PAGES = [("links", lambda e: reverse("desk:links")), ("link", lambda e: reverse("desk:link", args=[e.pk]))]


@pytest.mark.parametrize("page, url", PAGES)
@pytest.mark.parametrize("persona, expected", [(None, 302), ("outsider", 403), ("journalist", 403), ("editor", 200)])
def test_it_shows_link_health_to_editors_only(request, changed, page, url, persona, expected):
    client = Client()
    if persona:
        client.force_login(request.getfixturevalue(persona))
    before = (list(Evidence.objects.values_list("pk", "link_status", "link_errors", "archive_id", "version")),
              LinkCheck.objects.count(), ArchivedCopy.objects.count(), Event.objects.count())
    response = client.get(url(changed))
    assert response.status_code == expected
    if expected == 302:
        assert response["Location"].startswith("/accounts/login/")
    after = (list(Evidence.objects.values_list("pk", "link_status", "link_errors", "archive_id", "version")),
             LinkCheck.objects.count(), ArchivedCopy.objects.count(), Event.objects.count())
    assert after == before


@pytest.mark.parametrize("method", ["post", "delete"])
def test_it_takes_no_writes(editor_client, changed, method):
    for url in (reverse("desk:links"), reverse("desk:link", args=[changed.pk])):
        assert getattr(editor_client, method)(url).status_code == 405
    assert fields(changed) == ("changed", 0)


def test_it_answers_404_for_unknown_evidence(editor_client):
    assert editor_client.get(reverse("desk:link", args=[999_999])).status_code == 404


def test_it_lists_changed_moved_and_gone_links_newest_check_first(editor_client, changed):
    earlier = changed_evidence(title="Older table")
    Evidence.objects.filter(pk=earlier.pk).update(link_status="gone",
                                                  link_checked_at=timezone.now() - dt.timedelta(days=2))
    changed_evidence(title="Fine table", link_status="ok")
    changed_evidence(title="Draft table", claim=factories.ClaimFactory(researching=True))
    soup = parse(editor_client.get(reverse("desk:links")))
    rows = soup.select('[data-testid="link-row"]')
    assert [row.find("strong").get_text(strip=True) for row in rows] == ["Small boat arrivals table", "Older table"]
    assert texts(soup.select('[data-testid="link-status"]')) == ["Content changed", "Gone"]
    first = rows[0]
    workspace = first.find("a", href=reverse("desk:claim", args=[changed.claim_id]))
    assert workspace.get_text(strip=True) == changed.claim.quote
    assert first.find("a", href=changed.url) is not None
    compare = first.find(lambda tag: tag.name == "a" and tag.get_text(" ", strip=True).startswith("Compare copies"))
    assert compare.get_text(" ", strip=True) == "Compare copies of Small boat arrivals table"
    assert compare["href"] == reverse("desk:link", args=[changed.pk])
    assert first.find("time") is not None


def test_it_says_so_when_no_link_needs_looking_at(editor_client):
    changed_evidence(link_status="ok")
    soup = parse(editor_client.get(reverse("desk:links")))
    assert soup.select_one('[data-testid="no-link-changes"]') is not None
    assert not soup.select('[data-testid="link-row"]')


@pytest.mark.parametrize("rows", [1, 50])
def test_it_lists_links_in_a_fixed_number_of_queries(editor_client, django_assert_max_num_queries, rows):
    for _ in range(rows):
        changed_evidence()
    with django_assert_max_num_queries(5):
        response = editor_client.get(reverse("desk:links"))
    assert len(parse(response).select('[data-testid="link-row"]')) == rows


def test_it_shows_the_two_copies_side_by_side(editor_client, changed):
    soup = parse(editor_client.get(reverse("desk:link", args=[changed.pk])))
    cited, new = soup.select_one('[data-testid="cited-text"]'), soup.select_one('[data-testid="new-text"]')
    assert texts(cited.find_all("del")) == ["1,900"] and not cited.find_all("ins")
    assert texts(new.find_all("ins")) == ["2,100"] and not new.find_all("del")
    assert cited.get_text(" ", strip=True).endswith("1,900 Iraqis arrived.")
    assert "a" * 64 in soup.select_one('[data-testid="cited-copy"]').get_text()
    assert "c" * 64 in soup.select_one('[data-testid="new-copy"]').get_text()
    assert texts(soup.select('[data-testid="link-check"] .status')) == ["Content changed"]


@pytest.mark.parametrize("checks", [1, 10])
def test_it_compares_copies_in_a_fixed_number_of_queries(editor_client, changed, django_assert_max_num_queries,
                                                         checks):
    check = LinkCheck.objects.get(evidence=changed)
    for _ in range(checks - 1):
        LinkCheck.objects.create(evidence=changed, copy=check.copy, cited=check.cited, outcome="changed")
    with django_assert_max_num_queries(6):
        response = editor_client.get(reverse("desk:link", args=[changed.pk]))
    assert len(parse(response).select('[data-testid="link-check"]')) == checks


def test_it_shows_what_came_back_when_a_link_is_gone(editor_client, site):
    evidence = public_evidence(site)
    site.remove("/stats/boats")
    check_links()
    soup = parse(editor_client.get(reverse("desk:link", args=[evidence.pk])))
    assert "No copy has come back" in soup.select_one('[data-testid="new-copy"]').get_text()
    assert soup.select_one('[data-testid="cited-text"]') is None
    assert "HTTP 404" in soup.select_one('[data-testid="link-check"]').get_text()


def test_it_shows_a_page_for_evidence_never_checked(editor_client):
    evidence = factories.EvidenceFactory(claim=factories.ClaimFactory(published=True))
    soup = parse(editor_client.get(reverse("desk:link", args=[evidence.pk])))
    assert "not been checked yet" in soup.get_text()
    assert "cites no archived copy" in soup.select_one('[data-testid="cited-copy"]').get_text()


def test_it_compares_long_texts_only_so_far_and_says_so():
    before = "word " * 30_000
    compared = side_by_side(before, before + "more", limit=100_000)
    assert compared["before_cut"] and compared["after_cut"] and compared["identical"]
    assert len(str(compared["before_html"])) == 100_000
    short = side_by_side("a b", "a c")
    assert not short["before_cut"] and str(short["before_html"]) == "a <del>b</del>"
    assert str(short["after_html"]) == "a <ins>c</ins>"


def test_it_escapes_the_texts_it_compares():
    compared = side_by_side("<script>x</script> old", "<script>x</script> new")
    assert "<script>" not in str(compared["before_html"]) and "&lt;script&gt;" in str(compared["after_html"])


def test_it_runs_one_pass_at_a_time(site):
    from django.db import connections

    from claims.archiving.health import PASS_LOCK

    evidence = public_evidence(site)
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [PASS_LOCK])
        assert check_links().busy
        with pytest.raises(CommandError, match="Another link-health pass is running"):
            call_command("check_links", stdout=io.StringIO())
        assert fields(evidence) == ("unchecked", 0) and not LinkCheck.objects.exists()
        with other.cursor() as cursor:  # closing alone lets the server release it a moment later
            cursor.execute("SELECT pg_advisory_unlock(%s)", [PASS_LOCK])
    finally:
        other.close()
    assert check_links().checked == 1


def test_it_tells_its_progress_after_each_address(site):
    public_evidence(site, "/a")
    public_evidence(site, "/b")
    told = []
    check_links(progress=lambda done, total: told.append((done, total)))
    assert told == [(1, 2), (2, 2)]


@pytest.mark.html
def test_it_serves_valid_html(editor_client, changed, tmp_path):
    import json
    import shutil
    import subprocess

    from tests.test_valid_html import checker

    jar = checker()
    if jar is None or shutil.which("java") is None:
        pytest.skip("the Nu Html Checker needs Java and vnu-jar (npm install vnu-jar, or VNU_JAR=path)")
    gone = changed_evidence(link_status="gone")
    urls = [reverse("desk:links"), reverse("desk:link", args=[changed.pk]), reverse("desk:link", args=[gone.pk])]
    for index, url in enumerate(urls):
        (tmp_path / f"page-{index}.html").write_text(editor_client.get(url).content.decode(), encoding="utf-8")
    Evidence.objects.update(link_status="ok")
    (tmp_path / "page-empty.html").write_text(editor_client.get(urls[0]).content.decode(), encoding="utf-8")
    run = subprocess.run(["java", "-jar", str(jar), "--format", "json", "--exit-zero-always",
                          *sorted(str(path) for path in tmp_path.glob("*.html"))],
                         capture_output=True, text=True, timeout=300)
    report = json.loads(run.stderr or run.stdout)
    errors = [f"{m['url'].rsplit('/', 1)[-1]}:{m.get('lastLine')}: {m.get('message')} «{(m.get('extract') or '')[:80]}»"
              for m in report["messages"] if m.get("type") == "error"]
    assert errors == [], "\n".join(errors)


def test_it_keeps_one_copy_of_each_text_a_link_that_stays_changed_came_back_with(site, settings,
                                                                               django_capture_on_commit_callbacks):
    evidence = public_evidence(site)
    cited = evidence.archive
    site.serve("/stats/boats", CHANGED_PAGE)
    check_links()
    site.serve("/stats/boats", CHANGED_PAGE.replace(b"<script>track()", b"<script>track(2)"))  # same text
    ArchivedCopy.objects.update(requested_at=timezone.now() - dt.timedelta(days=2))
    with django_capture_on_commit_callbacks(execute=True):
        check_links()
    first, second = (check.copy for check in LinkCheck.objects.order_by("pk"))
    assert [check.outcome for check in LinkCheck.objects.order_by("pk")] == ["changed", "changed"]
    first.refresh_from_db()
    assert (first.text, first.body.name, first.state) == ("", "", "archived")  # its row and hashes stay
    assert first.text_sha256 == second.text_sha256 and "2,100 Iraqis" in second.text
    assert original_body(second) is not None
    cited.refresh_from_db()
    assert cited.text and original_body(cited) == STATS_PAGE  # what the evidence cites is never thinned
    stored = sorted(name for _, _, names in os.walk(settings.MEDIA_ROOT) for name in names)
    assert stored == sorted(os.path.basename(c.body.name) for c in (cited, second))


def test_it_keeps_a_copy_a_journalist_may_still_be_offered(site):
    public_evidence(site)
    site.serve("/stats/boats", CHANGED_PAGE)
    check_links()
    check_links()  # the first pass's copy is less than a day old: archive_request may still share it
    assert all(check.copy.text for check in LinkCheck.objects.all())


def test_it_goes_on_when_reading_one_page_breaks(site, monkeypatch, caplog):
    from claims.archiving import health

    broken, fine = public_evidence(site, "/broken"), public_evidence(site, "/fine")
    real = health.fill_copy

    def fill(copy):
        if copy.url.endswith("/broken"):
            raise RuntimeError("the reader choked")
        return real(copy)

    monkeypatch.setattr(health, "fill_copy", fill)
    summary = check_links()
    assert (summary.outcomes["error"], summary.outcomes["ok"]) == (1, 1)
    assert fields(broken) == ("unchecked", 1) and fields(fine) == ("ok", 0)
    assert LinkCheck.objects.get(evidence=broken).copy.error_code == "check_failed"
    assert "checking " + broken.url + " failed" in caplog.text
