"""Readable text of archived copies, and quoted passages and figures found in it (no database)."""

from __future__ import annotations

import pytest

from claims.archiving.passages import figure_near, find_passage
from claims.archiving.readable import Unreadable, readable
from tests.pdfs import text_pdf

STATS_PAGE = b"""<!doctype html><html><head><title>Small boat arrivals &amp; returns: year to March 2025</title>
<script>track()</script><style>p{color:red}</style></head><body>
<nav><a href="/">Home</a> <a href="/stats">Statistics</a></nav>
<article><h1>Small boat arrivals, year to March 2025</h1>
<p>In the year to March 2025, 1,900 Iraqis arrived in the UK by small boat, down from 2,600 in the previous
year. Iraqis were the fifth most common nationality among small boat arrivals.</p>
<p>Returns agreements with Iraq have been in place since 2022, the department said in a statement that
covered the whole of the period under review and set out the figures in detail.</p></article>
<footer>Crown copyright. Subscribe to our newsletter.</footer></body></html>"""
PASSAGE = "1,900 Iraqis arrived in the UK by small boat, down from 2,600 in the previous year."


def test_it_reads_the_article_of_an_html_page_and_its_title():
    page = readable(STATS_PAGE, content_type="text/html; charset=utf-8", url="https://stats.example.org/boats")
    assert page.title == "Small boat arrivals & returns: year to March 2025"
    assert "1,900 Iraqis arrived in the UK by small boat" in page.text
    for furniture in ("track()", "color:red", "Subscribe to our newsletter", "Statistics"):
        assert furniture not in page.text


def test_it_reads_the_text_of_a_pdf_and_its_title():
    pdf = text_pdf(["Immigration statistics, year to March 2025",
                    "1,900 Iraqis arrived by small boat, down from 2,600."], title="Immigration statistics")
    page = readable(pdf, content_type="application/pdf")
    assert page.title == "Immigration statistics"
    assert "Immigration statistics, year to March 2025" in page.text
    assert "1,900 Iraqis arrived by small boat, down from 2,600." in page.text


def test_it_reads_a_csv_row_by_row():
    page = readable(b"nationality,year,arrivals\r\nIraq,2024,\"2,600\"\r\nIraq,2025,\"1,900\"\r\n",
                    content_type="text/csv")
    assert page.text.splitlines() == ["nationality | year | arrivals", "Iraq | 2024 | 2,600", "Iraq | 2025 | 1,900"]


def test_it_reads_plain_text_in_its_charset():
    page = readable("Caf\u00e9 prices rose 5%.".encode("cp1252"), content_type="text/plain", charset="windows-1252")
    assert page.text == "Caf\u00e9 prices rose 5%."


@pytest.mark.parametrize("body, content_type, reason", [
    (b"\x89PNG\r\n", "image/png", "image/png, which cannot be read as text"),
    (b"%PDF-1.4 broken", "application/pdf", "The PDF could not be read"),
    (text_pdf([""]), "application/pdf", "no text to read"),
])
def test_it_says_why_a_body_cannot_be_read(body, content_type, reason):
    with pytest.raises(Unreadable, match=reason):
        readable(body, content_type=content_type)


def test_it_never_fetches_anything_a_page_links_to(monkeypatch):
    import socket

    def refuse(*args, **kwargs):
        raise AssertionError("the reader tried to reach the network")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    page = readable(b'<html><head><link rel="stylesheet" href="https://cdn.example.org/x.css"></head><body>'
                    b'<article><p>The figure is 1,900 this year, and it was 2,600 the year before.</p>'
                    b'<img src="https://cdn.example.org/chart.png"></article></body></html>',
                    content_type="text/html", url="https://stats.example.org/")
    assert "1,900" in page.text


# ---------------------------------------------------------------- passages

TEXT = readable(STATS_PAGE, content_type="text/html").text


@pytest.mark.parametrize("passage", [
    PASSAGE,
    "1,900 Iraqis arrived in the UK by small boat — down from 2,600 in the previous year",  # a dash, no stop
    "“1,900 Iraqis arrived in the UK by small boat, down from 2,600 in the previous year.”",  # quoted
    "1900 iraqis  arrived in the UK\nby small boat, down from 2600 in the previous year.",  # digits, case, spaces
    "1,900 Iraqis arrived in the UK by small boats, down from 2,600 in the prior year.",  # a word or two changed
    "1,900 Iraqis arrived in the UK by small boat … Iraqis were the fifth most common nationality",  # an ellipsis
])
def test_it_finds_the_passage_whatever_the_typography(passage):
    assert find_passage(passage, TEXT, 90) is not None


@pytest.mark.parametrize("passage", [
    "4,000 Iraqis arrived in the UK by lorry, up from 900 in the previous year, the minister said.",
    "Returns agreements with Iraq were signed in 1998 and ended soon after the election.",
    "",
])
def test_it_does_not_find_another_passage(passage):
    assert find_passage(passage, TEXT, 90) is None


def test_it_finds_the_figure_near_the_passage_but_not_one_far_away():
    match = find_passage("Iraqis arrived in the UK by small boat", TEXT, 90)
    assert figure_near(1900, TEXT, match) and figure_near("2600", TEXT, match)
    assert not figure_near(50000, TEXT, match)
    far = "x " * 1000 + "The total was 7,777. " + "y " * 1000 + PASSAGE
    assert not figure_near(7777, far, find_passage(PASSAGE, far, 90))
