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
