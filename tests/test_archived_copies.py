"""Archived copies of sources: fetched by a job from a local site, kept with their text and body."""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib

import pytest
from django.utils import timezone

from claims.archiving.store import archive_request, original_body
from claims.models import ArchivedCopy
from tests.jobs import jobs
from tests.pdfs import text_pdf
from tests.test_archive_text import STATS_PAGE

pytestmark = pytest.mark.django_db


def archived(run_jobs, url: str) -> ArchivedCopy:
    copy = archive_request(url)
    assert copy.state == "pending"
    run_jobs()
    copy.refresh_from_db()
    return copy


def test_it_keeps_an_html_page_with_its_text_title_hash_and_body(site, run_jobs):
    url = site.serve("/stats/boats", STATS_PAGE)
    copy = archived(run_jobs, url)
    assert (copy.state, copy.status_code, copy.final_url, copy.content_type) == ("archived", 200, url, "text/html")
    assert copy.title == "Small boat arrivals & returns: year to March 2025"
    assert "1,900 Iraqis arrived in the UK by small boat" in copy.text and "newsletter" not in copy.text
    assert copy.sha256 == hashlib.sha256(STATS_PAGE).hexdigest() and copy.size == len(STATS_PAGE)
    assert copy.text_sha256 == hashlib.sha256(copy.text.encode()).hexdigest()
    assert copy.fetched_at is not None and copy.error == ""
    assert original_body(copy) == STATS_PAGE
    assert copy.body.name.endswith(".gz")


def test_it_keeps_a_pdf_and_a_csv(site, run_jobs):
    pdf = text_pdf(["Immigration statistics", "1,900 Iraqis arrived by small boat."], title="Statistics")
    copy = archived(run_jobs, site.serve("/report.pdf", pdf, content_type="application/pdf"))
    assert (copy.state, copy.title) == ("archived", "Statistics")
    assert "1,900 Iraqis arrived by small boat." in copy.text
    assert original_body(copy) == pdf
    copy = archived(run_jobs, site.serve("/arrivals.csv", "nationality,arrivals\nIraq,\"1,900\"\n",
                                         content_type="text/csv"))
    assert copy.text == "nationality | arrivals\nIraq | 1,900"


def test_it_reads_a_gzipped_body(site, run_jobs):
    url = site.serve("/zipped", gzip.compress(STATS_PAGE), headers={"Content-Encoding": "gzip"})
    copy = archived(run_jobs, url)
    assert copy.state == "archived" and original_body(copy) == STATS_PAGE


def test_it_follows_redirects_and_keeps_the_final_address(site, run_jobs):
    final = site.serve("/new/boats", STATS_PAGE)
    copy = archived(run_jobs, site.redirect("/old/boats", final))
    assert (copy.state, copy.url, copy.final_url) == ("archived", site.url("/old/boats"), final)


@pytest.mark.parametrize("setup, code, says", [
    (lambda site: site.url("/gone"), "status", "The site answered with an error: 404 Not Found."),
    (lambda site: site.serve("/chart.png", b"\x89PNG", content_type="image/png"), "content_type",
     "not a web page, text, a PDF or a CSV file (it is image/png)"),
    (lambda site: site.serve("/broken.pdf", b"%PDF-1.4 nothing", content_type="application/pdf"), "unreadable",
     "The PDF could not be read"),
    (lambda site: site.serve("/huge", b"x" * 200_001, content_type="text/plain"), "too_large", "larger than"),
    (lambda site: site.serve("/slow", STATS_PAGE, delay=3), "timeout", "took longer than 1 second"),
])
def test_it_keeps_the_reason_a_source_could_not_be_archived(site, run_jobs, settings, setup, code, says):
    settings.ARCHIVE_MAX_BYTES = 200_000
    settings.ARCHIVE_FETCH_SECONDS = 1
    copy = archived(run_jobs, setup(site))
    assert (copy.state, copy.error_code) == ("failed", code), copy.error
    assert says in copy.error
    assert not copy.body
    assert [j["status"] for j in jobs(task="archive.fetch")] == ["succeeded"]  # kept, never retried on its own


def test_it_keeps_the_status_of_an_error_page(site, run_jobs):
    copy = archived(run_jobs, site.serve("/removed", "<h1>Gone</h1>", status=410))
    assert (copy.state, copy.status_code) == ("failed", 410)


def test_it_refuses_a_private_address_without_fetching(run_jobs):
    copy = archived(run_jobs, "http://10.1.2.3/internal")
    assert (copy.state, copy.error_code) == ("failed", "private_address")


def test_it_shares_a_recent_copy_and_fetches_again_after_a_day(site, run_jobs):
    url = site.serve("/stats/boats", STATS_PAGE)
    first = archived(run_jobs, url)
    assert archive_request(url) == first
    assert site.requests == ["/stats/boats"]
    ArchivedCopy.objects.filter(pk=first.pk).update(requested_at=timezone.now() - dt.timedelta(days=1, minutes=1))
    second = archive_request(url)
    assert second != first and second.state == "pending"


def test_it_never_reuses_a_failed_copy(site, run_jobs):
    failed = archived(run_jobs, site.url("/later"))
    assert failed.state == "failed"
    site.serve("/later", STATS_PAGE)
    again = archive_request(site.url("/later"))
    assert again != failed
    run_jobs()
    again.refresh_from_db()
    assert again.state == "archived"


def test_it_asks_for_nothing_without_an_http_address():
    assert archive_request("") is None and archive_request("ftp://example.org/x") is None
    assert not ArchivedCopy.objects.exists()


# ---------------------------------------------------------------- the public archive page

EVIL_PAGE = (b"<html><head><title>Table 4</title><script>alert('original')</script>"
             b"<link rel='stylesheet' href='https://cdn.example.org/x.css'></head><body><article><p>"
             b"Completions in the year: 1,900, down from 2,600. The series was revised in June, the statistics "
             b"office said, and the figures for earlier years have been corrected accordingly.</p>"
             b"<p onclick=\"steal()\">Second paragraph of the table notes.</p></article></body></html>")


@pytest.fixture
def cited(site, run_jobs):
    """A published check whose evidence has an archived copy of a page with scripts of its own."""
    from tests import factories

    url = site.serve("/table-4", EVIL_PAGE)
    claim = factories.ClaimFactory(published=True)
    evidence = factories.EvidenceFactory(claim=claim, url=url)
    copy = archived(run_jobs, url)
    evidence.archive = copy
    evidence.save(update_fields=["archive"])
    return evidence


def archive_url(evidence) -> str:
    return f"/claims/{evidence.claim.slug}/evidence/{evidence.pk}/archive/"


def test_it_shows_readers_the_archived_text_with_its_banner_and_nothing_of_the_original(client, cited):
    from bs4 import BeautifulSoup

    response = client.get(archive_url(cited))
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "script-src" not in csp and "frame-ancestors 'none'" in csp
    assert response["X-Robots-Tag"] == "noindex"
    page = BeautifulSoup(response.content, "html.parser")
    assert page.find("script") is None and not page.select("[onclick]")
    assert not [link for link in page.find_all("link") if "cdn.example.org" in link.get("href", "")]
    banner = page.select_one("[data-testid=archive-banner]").get_text(" ", strip=True)
    copy = cited.archive
    assert cited.url in banner and copy.sha256 in banner and "Fetched" in banner
    text = page.select_one(".archive-text").get_text(" ", strip=True)
    assert "Completions in the year: 1,900, down from 2,600." in text and "Second paragraph" in text
    assert "alert(" not in response.content.decode()
    assert page.select_one(f"a[href='{cited.claim.get_absolute_url()}']")


def test_it_hides_archived_copies_when_the_newsroom_says_so(client, cited, settings):
    settings.ARCHIVE_PUBLIC = False
    assert client.get(archive_url(cited)).status_code == 404


@pytest.mark.parametrize("change", ["unpublished", "other_claim", "no_copy", "failed_copy", "pending_copy"])
def test_it_answers_404_for_anything_readers_may_not_open(client, cited, change):
    from tests import factories

    url = archive_url(cited)
    if change == "unpublished":
        type(cited.claim).objects.filter(pk=cited.claim_id).update(status="researching")
    elif change == "other_claim":
        url = f"/claims/{factories.ClaimFactory(published=True).slug}/evidence/{cited.pk}/archive/"
    elif change == "no_copy":
        type(cited).objects.filter(pk=cited.pk).update(archive=None)
    else:
        ArchivedCopy.objects.filter(pk=cited.archive_id).update(state=change.split("_")[0])
    assert client.get(url).status_code == 404


def test_it_shows_the_archive_in_a_fixed_number_of_queries(client, cited, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):  # one for the page, the rest the shared cache's reads and writes
        assert client.get(archive_url(cited)).status_code == 200
    with django_assert_max_num_queries(1):  # then served from the cache
        assert client.get(archive_url(cited)).status_code == 200


def test_the_fact_check_shows_archived_copy_with_its_date_beside_the_source(client, cited, settings):
    from bs4 import BeautifulSoup

    page = BeautifulSoup(client.get(cited.claim.get_absolute_url()).content, "html.parser")
    [shown] = page.select("[data-testid=archived-copy-link]")
    assert shown.find("a", string="Archived copy")["href"] == archive_url(cited)
    assert shown.find("time")["datetime"].startswith(cited.archive.fetched_at.date().isoformat())
    settings.ARCHIVE_PUBLIC = False
    from claims.public_cache import bump_generation

    bump_generation()
    page = BeautifulSoup(client.get(cited.claim.get_absolute_url()).content, "html.parser")
    [shown] = page.select("[data-testid=archived-copy-link]")
    assert shown.find("a") is None and shown.get_text().startswith("Archived copy, ")


# ---------------------------------------------------------------- manage.py archive_evidence

def test_the_command_archives_every_address_once_and_keeps_what_public_checks_cite(site, run_jobs):
    import io

    from django.core.management import call_command

    from tests import factories

    url = site.serve("/stats/boats", STATS_PAGE)
    speech = factories.SourceFactory(url=site.serve("/speech", "<p>We will stop the boats, the minister said.</p>"))
    draft = factories.ClaimFactory(researching=True, source=speech)
    first = factories.EvidenceFactory(claim=draft, url=url, passage="1,900 Iraqis arrived in the UK by small boat")
    second = factories.EvidenceFactory(claim=draft, url=url, passage="Not in the page at all, in any form.")
    broken = factories.EvidenceFactory(claim=draft, url=site.url("/gone"))
    public = factories.ClaimFactory(published=True, source=None)
    cited_copy = archived(run_jobs, url)
    kept = factories.EvidenceFactory(claim=public, url=url, archive=cited_copy)
    out = io.StringIO()
    call_command("archive_evidence", stdout=out)
    assert "Archived 2 of 3 addresses" in out.getvalue() and "(1 could not be archived)" in out.getvalue()
    assert "passages found in 1 evidence rows" in out.getvalue()
    for row in (first, second, broken, kept):
        row.refresh_from_db()
    assert first.archive == second.archive != cited_copy and first.passage_check == "found"
    assert second.passage_check == "not_found" and broken.archive.state == "failed"
    assert kept.archive == cited_copy  # a public check's copy is never replaced
    speech.refresh_from_db()
    assert speech.archive.state == "archived" and "stop the boats" in speech.archive.text

    site.serve("/gone", STATS_PAGE)
    out = io.StringIO()
    call_command("archive_evidence", "--missing", "--claim", str(draft.pk), stdout=out)
    assert "Archived 1 of 1 addresses" in out.getvalue()
    broken.refresh_from_db()
    assert broken.archive.state == "archived"


def test_the_command_refuses_an_unknown_claim():
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="No claim has the number 999999"):
        call_command("archive_evidence", "--claim", "999999")
