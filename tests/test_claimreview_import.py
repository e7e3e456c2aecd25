"""ClaimReview import (DESIGN §2, §4): other newsrooms' checks, from files, feeds and pages, as archive records.

Every fixture under tests/fixtures/claimreview/ is written by hand for these tests.
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.postgres.search import SearchQuery
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from claims import services
from claims.claimreview.importer import UNKNOWN_SPEAKER, import_claimreview
from claims.claimreview.records import parse_date
from claims.consistency import conflicting_rulings
from claims.fetch import FetchedDocument, FetchError, fetch, fetch_bytes
from claims.matching import refresh_term_stats
from claims.models import Appearance, Claim, RatingMapping, Source, Speaker, Verdict
from tests import factories
from tests.test_fetch import allow_all, connections, dns, only_loopback  # noqa: F401 - fixtures used by name
from tests.test_review_rules import QUOTE, in_research
from tests.test_workflow import reload

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "claimreview"


def fixture(name: str) -> str:
    return str(FIXTURES / name)


def imported(url: str) -> Claim:
    return Claim.objects.select_related("speaker", "verdict__rating", "source").get(original_url=url)


def appearances(claim: Claim) -> list[tuple[str | None, bool, dt.date | None]]:
    return [(a.source.url if a.source else None, a.primary, a.date_said)
            for a in Appearance.objects.filter(claim=claim).select_related("source").order_by("-primary", "id")]


def statuses(report) -> list[tuple[str, str, str]]:
    return [(o.status, o.url, o.reason) for o in report.outcomes]


def counts() -> dict[str, int]:
    return {"claims": Claim.objects.count(), "verdicts": Verdict.objects.count(),
            "appearances": Appearance.objects.count(), "sources": Source.objects.count(),
            "speakers": Speaker.objects.count()}


def run_command(*sources: str, stdout=None) -> tuple[str, str]:
    out, err = stdout or io.StringIO(), io.StringIO()
    call_command("import_claimreview", *sources, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


# --- every shape ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_imports_a_single_object_as_an_archive_record():
    report = import_claimreview([fixture("single.json")])
    assert statuses(report) == [("imported", "https://checks.example.org/2024/ferry-fares", "")]
    claim = imported("https://checks.example.org/2024/ferry-fares")
    assert claim.imported and claim.status == "published" and not claim.is_public
    assert claim.quote == claim.claim_checked == "Ferry fares to the islands have doubled since 2020."
    assert (claim.speaker.name, claim.speaker.kind) == ("Eilidh Marr", "person")
    assert claim.date_said == dt.date(2024, 5, 2)
    assert claim.published_at.date() == dt.date(2024, 5, 14)
    verdict = claim.verdict
    assert verdict.rating == factories.rating("false")
    assert (verdict.publisher_name, verdict.publisher_site, verdict.publisher_rating) == (
        "Harbour Checks", "checks.example.org", "False")
    assert verdict.conclusion == "Fares rose by 18 per cent over the period."
    # One appearance per appearance URL; the first is the claim's own (its source and date).
    assert appearances(claim) == [("https://radio.example.net/morning/2024-05-02", True, dt.date(2024, 5, 2)),
                                  ("https://social.example.com/emarr/status/1", False, None)]
    assert (claim.source.url, claim.source.title, claim.source.outlet, claim.source.published_on) == (
        "https://radio.example.net/morning/2024-05-02", "Morning phone-in", "Coast Radio", dt.date(2024, 5, 2))
    assert claim.search_vector is not None


@pytest.mark.django_db
def test_it_imports_an_array():
    report = import_claimreview([fixture("array.json")])
    assert [o.status for o in report.outcomes] == ["imported", "imported"]
    forum = imported("https://checks.example.org/2024/bus-routes")
    assert (forum.speaker.name, forum.speaker.kind) == ("Transport Users' Forum", "organisation")
    assert imported("https://checks.example.org/2024/library-closures").verdict.rating == \
        factories.rating("mostly-false")


@pytest.mark.django_db
def test_it_imports_from_a_graph_and_leaves_the_other_nodes_alone():
    report = import_claimreview([fixture("graph.json")])
    assert statuses(report) == [("imported", "https://checks.example.org/2024/water-bills", "")]
    claim = imported("https://checks.example.org/2024/water-bills")
    assert claim.speaker.name == "Callum Ridley"  # the claimant given as a bare string
    assert claim.verdict.publisher_name == "Harbour Checks"  # the author given as a list
    assert claim.published_at.date() == dt.date(2024, 3, 11)


@pytest.mark.django_db
def test_it_imports_a_data_feed():
    report = import_claimreview([fixture("datafeed.json")])
    assert [(o.status, o.url) for o in report.outcomes] == [
        ("imported", "https://checks.example.org/2024/pothole-repairs"),
        ("imported", "https://checks.example.org/2024/school-meals"),
        ("imported", "https://checks.example.org/2024/nurse-numbers"),
    ]
    potholes = imported("https://checks.example.org/2024/pothole-repairs")
    assert appearances(potholes) == [("https://news.example.net/council-roads", True, dt.date(2024, 3, 28))]
    assert potholes.date_said == dt.date(2024, 3, 28)  # no date on the claim: its first appearance's


@pytest.mark.django_db
def test_it_reads_every_json_ld_block_of_a_page():
    report = import_claimreview([fixture("two-blocks.html")])
    assert [(o.where, o.status, o.url) for o in report.outcomes] == [
        (f"{fixture('two-blocks.html')} #1", "imported", "https://checks.example.org/2024/harbour/#dredging"),
        (f"{fixture('two-blocks.html')} #2", "imported", "https://checks.example.org/2024/harbour/#ferries"),
    ]
    assert imported("https://checks.example.org/2024/harbour/#dredging").quote == \
        "Dredging the harbour will cost £40 million."


@pytest.mark.django_db
def test_it_reads_microdata():
    report = import_claimreview([fixture("microdata.html")])
    assert statuses(report) == [("imported", "https://checks.example.org/2024/recycling-rates", "")]
    claim = imported("https://checks.example.org/2024/recycling-rates")
    assert claim.quote == "The county recycles more of its waste than anywhere else in Scotland."
    assert claim.speaker.name == "Rhona Blackwood"
    assert claim.date_said == dt.date(2024, 6, 28)
    assert claim.verdict.rating == factories.rating("mostly-false")
    assert (claim.verdict.publisher_name, claim.verdict.publisher_site) == ("Harbour Checks", "checks.example.org")


@pytest.mark.django_db
def test_it_reads_the_good_blocks_of_a_page_with_a_broken_one_and_says_so():
    report = import_claimreview([fixture("bad-block.html")])
    assert statuses(report) == [("imported", "https://checks.example.org/2024/parking-charges", "")]
    [(source, problem)] = report.problems
    assert source == fixture("bad-block.html")
    assert problem.startswith("JSON-LD block 1 is not valid JSON")


@pytest.mark.django_db
def test_it_reads_a_gzipped_feed_file(tmp_path):
    path = tmp_path / "feed.json.gz"
    path.write_bytes(gzip.compress(Path(fixture("datafeed.json")).read_bytes()))
    report = import_claimreview([str(path)])
    assert [o.status for o in report.outcomes] == ["imported"] * 3


# --- messy fields --------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "speaker", "kind", "publisher"),
    [
        # A bare string for both the claimant and the fact-checker.
        ("https://checks.example.org/2023/rail-fares", "Donald Pike", "person", "Harbour Checks"),
        # A list: the first with a name (an organisation); the publisher as a list too.
        ("https://checks.example.org/2023/hospital-beds", "Save Our Beds Campaign", "organisation", "Harbour Checks"),
        # An object.
        ("https://checks.example.org/2023/ferry-timetable", "Eilidh Marr", "person", "Harbour Checks"),
    ],
)
def test_it_takes_an_author_as_a_string_a_list_or_an_object(url, speaker, kind, publisher):
    import_claimreview([fixture("messy.json")])
    claim = imported(url)
    assert (claim.speaker.name, claim.speaker.kind, claim.verdict.publisher_name) == (speaker, kind, publisher)
    assert claim.verdict.publisher_site == "checks.example.org"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "words", "rating"),
    [
        ("https://checks.example.org/2023/rail-fares", "2 (from 1 to 5)", None),  # only numbers, with the scale
        ("https://checks.example.org/2023/ferry-timetable-repeated", "3.5", None),  # only a number
        ("https://checks.example.org/2023/hospital-beds", "Half true", "half-true"),  # only alternateName
        ("https://checks.example.org/2023/ferry-timetable", "Mostly true", "mostly-true"),  # a list of ratings
        ("https://checks.example.org/2023/anonymous-flyer", "Misleading", None),  # words not on our scale
    ],
)
def test_it_takes_a_rating_as_words_or_numbers(url, words, rating):
    import_claimreview([fixture("messy.json")])
    verdict = imported(url).verdict
    assert verdict.publisher_rating == words
    assert verdict.rating == (factories.rating(rating) if rating else None)


@pytest.mark.django_db
def test_it_resolves_relative_urls_against_the_page():
    report = import_claimreview([fixture("relative-url.html")])
    assert statuses(report) == [("imported", "https://checks.example.org/2024/rates/council-tax", "")]
    claim = imported("https://checks.example.org/2024/rates/council-tax")
    assert appearances(claim) == [("https://checks.example.org/news/rates-debate", True, None)]
    assert claim.verdict.publisher_site == "checks.example.org"


@pytest.mark.django_db
def test_it_resolves_relative_urls_in_a_file_against_the_base_url_given(tmp_path):
    path = tmp_path / "relative.json"
    path.write_text(json.dumps({"@type": "ClaimReview", "url": "checks/harbour-fees", "claimReviewed": "Fees rose.",
                                "reviewRating": {"alternateName": "True"}}), encoding="utf-8")
    report = import_claimreview([str(path)], base_url="https://checks.example.org/2024/")
    assert statuses(report) == [("imported", "https://checks.example.org/2024/checks/harbour-fees", "")]


@pytest.mark.django_db
def test_it_decodes_html_entities_in_text():
    import_claimreview([fixture("entities.json")])
    claim = imported("https://checks.example.org/2024/crime-figures?ref=feed&src=home")
    assert claim.quote == "Crime fell by \"a third\" & the town’s streets are the safest they’ve been."
    assert claim.speaker.name == "Siobhán O'Neill"
    assert claim.verdict.publisher_name == "Harbour & Isles Checks"
    assert claim.verdict.publisher_rating == "Mostly false"  # "Mostly&nbsp;false"
    assert claim.verdict.rating == factories.rating("mostly-false")


@pytest.mark.django_db
def test_it_takes_item_reviewed_as_a_claim_a_creative_work_or_missing():
    import_claimreview([fixture("messy.json")])
    as_claim = imported("https://checks.example.org/2023/rail-fares")
    assert as_claim.date_said == dt.date(2023, 8, 1)
    assert appearances(as_claim) == [(None, True, dt.date(2023, 8, 1))]
    # A CreativeWork is where the claim appeared: it becomes the first appearance.
    as_work = imported("https://checks.example.org/2023/hospital-beds")
    assert appearances(as_work) == [("https://leaflets.example.net/hospital-campaign.pdf", True, dt.date(2023, 7, 20))]
    assert as_work.source.title == "Save our beds leaflet"
    missing = imported("https://checks.example.org/2023/anonymous-flyer")
    assert missing.speaker.name == UNKNOWN_SPEAKER
    assert appearances(missing) == [(None, True, None)]


@pytest.mark.django_db
def test_it_takes_appearances_as_urls_creative_works_or_lists_each_url_once():
    import_claimreview([fixture("messy.json")])
    # firstAppearance as a URL, appearance as one CreativeWork.
    assert appearances(imported("https://checks.example.org/2023/ferry-timetable")) == [
        ("https://social.example.com/emarr/status/2", True, None),
        ("https://news.example.net/ferry-cuts", False, dt.date(2023, 10, 2)),
    ]
    # A list of a URL, a CreativeWork and the same URL again; the source already known is reused.
    assert appearances(imported("https://checks.example.org/2023/ferry-timetable-repeated")) == [
        ("https://news.example.net/ferry-cuts", True, None),
        ("https://radio.example.net/phone-in/2023-10-05", False, dt.date(2023, 10, 5)),
    ]
    assert Source.objects.filter(url="https://news.example.net/ferry-cuts").count() == 1


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("2023-08-08T10:00:00-0300", dt.date(2023, 8, 8)),
        ("2023-08-08T23:30:00-03:00", dt.date(2023, 8, 8)),  # the publisher's date, not UTC's
        ("2023-08-08", dt.date(2023, 8, 8)),
        ("08/08/2023", dt.date(2023, 8, 8)),
        ("03/08/2023", dt.date(2023, 8, 3)),  # day first, as the archive's CSV dates
        ("08/13/2023", dt.date(2023, 8, 13)),  # unless only month first makes sense
        ("31.12.2023", dt.date(2023, 12, 31)),
        ("8 de agosto de 2023", dt.date(2023, 8, 8)),
        ("8 août 2023", dt.date(2023, 8, 8)),
        ("August 8, 2023", dt.date(2023, 8, 8)),
        ("2023-02-30", None),
        ("some day soon", None),
    ],
)
def test_it_reads_dates_in_many_forms(text, date):
    assert parse_date(text) == date


def test_it_reads_iso_and_numeric_dates_without_dateparser(monkeypatch):
    from dateparser.date import DateDataParser

    def slow_path(*args, **kwargs):
        raise AssertionError("dateparser was asked about an ISO or numeric date")

    monkeypatch.setattr(DateDataParser, "get_date_data", slow_path)
    assert parse_date("1999-12-31T08:00:00+0100") == dt.date(1999, 12, 31)
    assert parse_date("30/11/1999") == dt.date(1999, 11, 30)
    with pytest.raises(AssertionError):
        parse_date("30 novembre 1999")  # the one that does reach it, so the patch is proven to bite


@pytest.mark.django_db
def test_it_imports_a_spanish_record_with_its_words_and_dates():
    report = import_claimreview([fixture("spanish.json")])
    assert statuses(report) == [("imported", "https://verifica.example.es/2023/paro-juvenil", "")]
    claim = imported("https://verifica.example.es/2023/paro-juvenil")
    assert claim.quote == "El paro juvenil se ha reducido a la mitad en el último año."
    assert claim.speaker.name == "José Pérez"
    assert claim.date_said == dt.date(2023, 8, 2)
    assert claim.published_at.date() == dt.date(2023, 8, 8)
    assert (claim.verdict.rating, claim.verdict.publisher_rating) == (None, "Falso")
    assert claim.verdict.conclusion == "Bajó un 12 %, no un 50 %."


# --- skips, Unknown, re-runs, bad records --------------------------------------------------------


@pytest.mark.django_db
def test_it_skips_only_records_without_a_claim_a_rating_or_a_url_and_says_why():
    report = import_claimreview([fixture("skipped.json")])
    assert statuses(report) == [
        ("skipped", "https://checks.example.org/skip/no-claim", "no claimReviewed"),
        ("skipped", "https://checks.example.org/skip/no-rating",
         "no rating (reviewRating has neither alternateName nor ratingValue)"),
        ("skipped", "", "no url"),
        ("imported", "https://checks.example.org/skip/nobody-said-it", ""),
        ("skipped", "https://checks.example.org/skip/nobody-said-it",
         f"the same url as {fixture('skipped.json')} #4"),
        ("skipped", "/skip/relative-without-a-page",
         "the url “/skip/relative-without-a-page” is relative and there is no page address to resolve it against"),
        ("imported", "https://checks.example.org/skip/nobody-at-all", ""),
    ]
    assert not Claim.objects.filter(original_url__contains="/skip/no-").exists()
    assert imported("https://checks.example.org/skip/nobody-said-it").quote == \
        "The lighthouse will be sold to a hotel chain."


@pytest.mark.django_db
def test_it_gives_every_record_without_a_claimant_one_shared_unknown_speaker():
    import_claimreview([fixture("skipped.json"), fixture("messy.json")])
    unknown = Speaker.objects.get(name=UNKNOWN_SPEAKER)
    assert set(unknown.claims.values_list("original_url", flat=True)) == {
        "https://checks.example.org/skip/nobody-said-it", "https://checks.example.org/skip/nobody-at-all",
        "https://checks.example.org/2023/anonymous-flyer"}
    import_claimreview([fixture("skipped.json")])
    assert Speaker.objects.filter(name=UNKNOWN_SPEAKER).count() == 1


@pytest.mark.django_db
def test_it_updates_on_a_second_run_and_never_duplicates(tmp_path):
    everything = [fixture(name) for name in ("single.json", "datafeed.json", "messy.json", "two-blocks.html")]
    first = import_claimreview(everything)
    before = counts()
    assert {o.status for o in first.outcomes} == {"imported"}

    second = import_claimreview(everything)
    assert [(o.status, o.url) for o in second.outcomes] == [("updated", o.url) for o in first.outcomes]
    assert counts() == before

    # The publisher changed its mind: the record is updated in place.
    feed = json.loads(Path(fixture("single.json")).read_text(encoding="utf-8"))
    feed["reviewRating"] = {"@type": "Rating", "alternateName": "Mostly false", "ratingExplanation": "Revised."}
    feed["itemReviewed"]["appearance"] = ["https://social.example.com/emarr/status/9"]
    path = tmp_path / "single.json"
    path.write_text(json.dumps(feed), encoding="utf-8")
    third = import_claimreview([str(path)])
    assert statuses(third) == [("updated", "https://checks.example.org/2024/ferry-fares", "")]
    claim = imported("https://checks.example.org/2024/ferry-fares")
    assert (claim.verdict.rating, claim.verdict.publisher_rating, claim.verdict.conclusion) == (
        factories.rating("mostly-false"), "Mostly false", "Revised.")
    assert appearances(claim) == [("https://social.example.com/emarr/status/9", True, dt.date(2024, 5, 2))]
    assert claim.source.url == "https://social.example.com/emarr/status/9"
    assert Claim.objects.filter(original_url="https://checks.example.org/2024/ferry-fares").count() == 1


@pytest.mark.django_db
def test_it_keeps_an_appearance_a_journalist_added_to_an_archive_record(journalist):
    import_claimreview([fixture("single.json")])
    claim = imported("https://checks.example.org/2024/ferry-fares")
    added = Appearance.objects.create(claim=claim, speaker=claim.speaker, added_by=journalist,
                                      quote="Tickets to Mull cost twice what they did.")
    import_claimreview([fixture("single.json")])
    assert Appearance.objects.filter(pk=added.pk).exists()
    assert len(appearances(claim)) == 3
    # The claim is still found by that appearance's words.
    assert list(Claim.objects.filter(search_vector=SearchQuery("Mull", config="english"))) == [claim]


@pytest.mark.django_db
def test_it_never_overwrites_a_desk_claim_with_the_same_url():
    desk = factories.ClaimFactory(original_url="https://checks.example.org/2024/ferry-fares")
    report = import_claimreview([fixture("single.json")])
    assert statuses(report) == [("skipped", "https://checks.example.org/2024/ferry-fares",
                                 "a claim logged in the desk already has this url")]
    assert reload(desk).quote == desk.quote and not reload(desk).imported


@pytest.fixture
def poisoned_appearances(db):
    """PostgreSQL itself refuses an appearance whose words mention "poison", half-way through a record's writes
    (after its claim and verdict)."""
    with connection.cursor() as cursor:
        cursor.execute("""
            CREATE FUNCTION refuse_poison() RETURNS trigger AS $$
            BEGIN
                IF NEW.quote ILIKE '%%poison%%' THEN RAISE EXCEPTION 'poisoned appearance refused'; END IF;
                RETURN NEW;
            END $$ LANGUAGE plpgsql""")
        cursor.execute("CREATE TRIGGER refuse_poison BEFORE INSERT ON claims_appearance FOR EACH ROW "
                       "EXECUTE FUNCTION refuse_poison()")


def test_a_bad_record_is_reported_leaves_nothing_half_written_and_the_others_are_kept(poisoned_appearances,
                                                                                        tmp_path):
    records = [{"@type": "ClaimReview", "url": f"https://checks.example.org/batch/{n}", "claimReviewed": claim,
                "reviewRating": {"alternateName": "False"},
                "itemReviewed": {"@type": "Claim", "author": {"@type": "Person", "name": f"New Speaker {n}"},
                                 "appearance": [f"https://news.example.net/batch/{n}"]}}
               for n, claim in enumerate(["The pier is for sale.", "The poison in the river is legal.",
                                          "The river is the cleanest in Europe."])]
    path = tmp_path / "batch.json"
    path.write_text(json.dumps(records), encoding="utf-8")
    before = counts()
    report = import_claimreview([str(path)])
    assert [(o.status, o.url) for o in report.outcomes] == [
        ("imported", "https://checks.example.org/batch/0"), ("skipped", "https://checks.example.org/batch/1"),
        ("imported", "https://checks.example.org/batch/2")]
    assert report.outcomes[1].reason == "could not be saved (poisoned appearance refused)"
    # Nothing of the bad record: no claim, verdict, appearance, source or speaker.
    assert not Claim.objects.filter(original_url="https://checks.example.org/batch/1").exists()
    assert not Source.objects.filter(url="https://news.example.net/batch/1").exists()
    assert not Speaker.objects.filter(name="New Speaker 1").exists()
    assert counts() == {**before, "claims": before["claims"] + 2, "verdicts": before["verdicts"] + 2,
                        "appearances": before["appearances"] + 2, "sources": before["sources"] + 2,
                        "speakers": before["speakers"] + 2}
    assert appearances(imported("https://checks.example.org/batch/2")) == [
        ("https://news.example.net/batch/2", True, None)]


# --- ratings: by label, by mapping row, or unrated ----------------------------------------------


@pytest.mark.django_db
def test_it_maps_a_rating_that_is_one_of_our_labels_whatever_its_case():
    import_claimreview([fixture("array.json"), fixture("datafeed.json")])
    assert imported("https://checks.example.org/2024/bus-routes").verdict.rating == factories.rating("true")  # TRUE
    assert imported("https://checks.example.org/2024/nurse-numbers").verdict.rating == factories.rating("true")


@pytest.mark.django_db
def test_it_maps_a_rating_through_the_publishers_mapping_row():
    RatingMapping.objects.create(publisher_site="checks.example.org", textual_rating="needs CONTEXT",
                                 rating=factories.rating("half-true"))
    RatingMapping.objects.create(publisher_site="verifica.example.es", textual_rating="Falso",
                                 rating=factories.rating("false"))
    RatingMapping.objects.create(publisher_site="elsewhere.example.com", textual_rating="Misleading",
                                 rating=factories.rating("false"))
    import_claimreview([fixture("datafeed.json"), fixture("spanish.json"), fixture("messy.json")])
    meals = imported("https://checks.example.org/2024/school-meals").verdict
    assert (meals.rating, meals.publisher_rating) == (factories.rating("half-true"), "Needs context")
    assert imported("https://verifica.example.es/2023/paro-juvenil").verdict.rating == factories.rating("false")
    # Another publisher's mapping says nothing about this one's words.
    assert imported("https://checks.example.org/2023/anonymous-flyer").verdict.rating is None


@pytest.mark.django_db
def test_a_mapping_row_for_the_site_wins_over_one_for_every_publisher_and_over_our_labels():
    RatingMapping.objects.create(publisher_site="", textual_rating="Misleading", rating=factories.rating("false"))
    RatingMapping.objects.create(publisher_site="", textual_rating="Needs context",
                                 rating=factories.rating("unproven"))
    RatingMapping.objects.create(publisher_site="www.checks.example.org", textual_rating="Needs context",
                                 rating=factories.rating("half-true"))
    RatingMapping.objects.create(publisher_site="checks.example.org", textual_rating="True",
                                 rating=factories.rating("mostly-true"))
    import_claimreview([fixture("datafeed.json"), fixture("messy.json")])
    assert imported("https://checks.example.org/2023/anonymous-flyer").verdict.rating == factories.rating("false")
    assert imported("https://checks.example.org/2024/school-meals").verdict.rating == factories.rating("half-true")
    assert imported("https://checks.example.org/2024/nurse-numbers").verdict.rating == \
        factories.rating("mostly-true")


@pytest.mark.django_db
def test_an_unrated_record_keeps_the_publishers_words_and_never_triggers_the_consistency_gate(journalist,
                                                                                               tmp_path):
    records = [{"@type": "ClaimReview", "url": f"https://checks.example.org/gate/{slug}", "claimReviewed": QUOTE,
                "reviewRating": {"alternateName": words},
                "itemReviewed": {"@type": "Claim", "author": "Chris Example"}}
               for slug, words in (("unrated", "Exaggerated"), ("rated", "Half true"))]
    path = tmp_path / "gate.json"
    path.write_text(json.dumps(records), encoding="utf-8")
    import_claimreview([str(path)])
    unrated = imported("https://checks.example.org/gate/unrated")
    assert (unrated.verdict.rating, unrated.verdict.publisher_rating) == (None, "Exaggerated")
    rated = imported("https://checks.example.org/gate/rated")
    refresh_term_stats()

    claim = in_research(journalist)  # the same words, rated "Mostly false"
    assert [ruling.claim.pk for ruling in conflicting_rulings(claim)] == [rated.pk]

    # With only the unrated record left, submit asks for no statement at all.
    Claim.objects.filter(pk=rated.pk).update(status="merged", merged_into=claim)
    assert conflicting_rulings(claim) == []
    services.claim_submit(claim_id=claim.pk, actor=journalist)
    assert reload(claim).status == "in_review"


# --- the command ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_command_reports_every_record_and_a_summary():
    out, err = run_command(fixture("skipped.json"), fixture("datafeed.json"))
    lines = out.splitlines()
    assert lines[0] == f"skipped   {fixture('skipped.json')} #1  https://checks.example.org/skip/no-claim: " \
                       "no claimReviewed"
    assert f"imported  {fixture('datafeed.json')} #2  https://checks.example.org/2024/school-meals: " \
           "Unrated (publisher: “Needs context”)" in lines
    assert f"imported  {fixture('datafeed.json')} #1  https://checks.example.org/2024/pothole-repairs: " \
           "rated Mostly true" in lines
    assert len(lines) == 7 + 3 + 1
    assert lines[-1].startswith("ClaimReview: 5 imported, 0 updated, 5 skipped, of 10 records from 2 sources, in ")
    assert err == ""

    out, _ = run_command(fixture("datafeed.json"))
    assert out.splitlines()[-1].startswith("ClaimReview: 0 imported, 3 updated, 0 skipped")


@pytest.mark.django_db
def test_the_command_goes_on_past_a_source_it_cannot_read_then_fails(tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text('{"@type": "ClaimReview", ', encoding="utf-8")
    (tmp_path / "empty.html").write_bytes(b"")
    (tmp_path / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR")
    (tmp_path / "plain.html").write_text("<p>No reviews here.</p>", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="4 of 6 sources could not be read"):
        call_command("import_claimreview", *(str(tmp_path / name) for name in (
            "missing.json", "broken.json", "empty.html", "image.png", "plain.html")), fixture("single.json"),
            stdout=out, stderr=err)
    assert err.getvalue().splitlines() == [
        f"{tmp_path / 'missing.json'}: not read: cannot read the file: No such file or directory",
        f"{broken}: not read: not valid JSON (Expecting property name enclosed in double quotes: line 1 column 26 "
        "(char 25))",
        f"{tmp_path / 'empty.html'}: not read: not an HTML page (Document is empty)",
        f"{tmp_path / 'image.png'}: not read: neither JSON nor an HTML page (it holds binary data)",
        f"{tmp_path / 'plain.html'}: no ClaimReview records in it",
    ]
    assert Claim.objects.filter(original_url="https://checks.example.org/2024/ferry-fares").exists()


class _Terminal(io.StringIO):
    def isatty(self):
        return True


@pytest.mark.django_db
def test_the_command_shows_a_progress_bar_only_on_a_terminal(capsys):
    run_command(fixture("datafeed.json"))
    assert capsys.readouterr().err == ""
    run_command(fixture("datafeed.json"), stdout=_Terminal())
    assert "3/3 records" in capsys.readouterr().err
    call_command("import_claimreview", fixture("datafeed.json"), "--quiet-progress", stdout=_Terminal(),
                 stderr=io.StringIO())
    assert capsys.readouterr().err == ""


# --- fetching: the bytes interface, under fetch()'s address policy --------------------------------


FEED = Path(FIXTURES / "datafeed.json").read_bytes()
PAGE = Path(FIXTURES / "relative-url.html").read_bytes().replace(
    b'<link rel="canonical" href="https://checks.example.org/2024/rates/council-tax">', b"")


@pytest.fixture(scope="module")
def bomb() -> bytes:
    """50 MB of zeros in about 50 KB."""
    return gzip.compress(b"\0" * 50_000_000, compresslevel=9)


class _Site(BaseHTTPRequestHandler):
    bomb = b""

    def log_message(self, *args):
        pass

    def reply(self, body, content_type, *, headers=(), length=True, status=200):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        for name, value in headers:
            self.send_header(name, value)
        if length:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        parts = urlsplit(self.path)
        query = {key: values[0] for key, values in parse_qs(parts.query).items()}
        route = parts.path.strip("/")
        try:
            if route == "feed.json":
                self.reply(FEED, "application/json")
            elif route == "feed.jsonld":
                self.reply(FEED, "application/ld+json; charset=utf-8")
            elif route == "feed.json.gz":
                self.reply(gzip.compress(FEED), "application/json", headers=[("Content-Encoding", "gzip")])
            elif route == "bomb":
                self.reply(self.bomb, "application/json", headers=[("Content-Encoding", "gzip")])
            elif route == "big":
                self.reply(b"[" + b" " * 10_000_000 + b"]", "application/json", length=query.get("announce") != "no")
            elif route == "image":
                self.reply(b"\x89PNG\r\n\x1a\n", "image/png")
            elif route == "2024/rates/council-tax":
                self.reply(PAGE, "text/html; charset=utf-8")
            elif route == "moved":
                self.reply(b"", "text/plain", status=302, headers=[("Location", query["to"])])
            else:
                self.send_error(404)
        except OSError:  # the fetcher hung up, as several tests ask it to
            pass


@pytest.fixture(scope="module")
def site(bomb):
    _Site.bomb = bomb
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Site)
    server.handle_error = lambda *args: None
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield SimpleNamespace(url=f"http://127.0.0.1:{server.server_address[1]}", port=server.server_address[1])
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def refused_bytes(url, **kwargs) -> FetchError:
    with pytest.raises(FetchError) as caught:
        fetch_bytes(url, **kwargs)
    return caught.value


@pytest.mark.parametrize(("path", "content_type"), [("/feed.json", "application/json"),
                                                    ("/feed.jsonld", "application/ld+json")])
def test_fetch_bytes_takes_json_and_json_ld(site, path, content_type):
    document = fetch_bytes(site.url + path, address_allowed=allow_all)
    assert document == FetchedDocument(url=site.url + path, final_url=site.url + path, content_type=content_type,
                                       charset="utf-8" if path.endswith("ld") else None, body=FEED)


def test_fetch_bytes_inflates_gzip(site):
    assert fetch_bytes(f"{site.url}/feed.json.gz", address_allowed=allow_all).body == FEED


def test_fetch_bytes_refuses_a_gzip_bomb(site, bomb):
    assert len(bomb) < 200_000
    error = refused_bytes(f"{site.url}/bomb", address_allowed=allow_all)
    assert (error.code, error.message) == ("too_large", "The document is larger than 10 MB uncompressed.")


@pytest.mark.parametrize("announce", ["yes", "no"])
def test_fetch_bytes_refuses_more_than_10_mb(site, announce):
    error = refused_bytes(f"{site.url}/big?announce={announce}", address_allowed=allow_all)
    assert (error.code, error.message) == ("too_large", "The document is larger than 10 MB.")


def test_fetch_bytes_refuses_what_is_not_json_or_html(site):
    error = refused_bytes(f"{site.url}/image", address_allowed=allow_all)
    assert (error.code, error.message) == (
        "content_type", "That address is not JSON, JSON-LD or a web page (it is image/png).")


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1/", "http://10.0.0.1/feed.json", "http://169.254.169.254/latest/meta-data/", "http://[::1]/",
     "http://[::ffff:127.0.0.1]/", "http://[fd00:ec2::254]/", "http://0.0.0.0/", "http://localhost/feed.json",
     "file:///etc/passwd", "http://user:pass@host/", "www.example.com/feed.json"],
)
def test_fetch_bytes_refuses_what_fetch_refuses_exactly_as_it_does(url, connections):  # noqa: F811
    with pytest.raises(FetchError) as page:
        fetch(url)
    error = refused_bytes(url)
    assert (error.code, error.message) == (page.value.code, page.value.message)
    assert connections == []


def test_fetch_bytes_refuses_a_name_that_resolves_to_a_private_address(dns, connections):  # noqa: F811
    dns.answers["feeds.example"] = ["93.184.216.34", "10.0.0.5"]
    error = refused_bytes("http://feeds.example/claimreview.json")
    assert (error.code, error.message) == ("private_address",
                                           "That address is on a private network and cannot be fetched.")
    assert connections == []


def test_fetch_bytes_checks_every_redirect(site, connections):  # noqa: F811
    error = refused_bytes(f"{site.url}/moved?to=http://169.254.169.254/latest/", address_allowed=only_loopback)
    assert (error.code, error.message) == (
        "private_address", "That address redirects to a private network, which cannot be fetched.")
    assert connections == [("127.0.0.1", site.port)]


def test_fetch_bytes_leaves_fetch_as_it_was(site):
    # The intake fetcher still takes only pages and text, uncompressed.
    assert refused_bytes(f"{site.url}/image", address_allowed=allow_all).code == "content_type"
    with pytest.raises(FetchError) as caught:
        fetch(f"{site.url}/feed.json", address_allowed=allow_all)
    assert caught.value.code == "content_type"


@pytest.mark.django_db
def test_it_imports_from_an_address_resolving_the_page_after_its_redirect(site):
    url = f"{site.url}/moved?to=/2024/rates/council-tax"
    report = import_claimreview([url, f"{site.url}/feed.json.gz"], address_allowed=allow_all)
    assert [(o.status, o.url) for o in report.outcomes] == [
        ("imported", f"{site.url}/2024/rates/council-tax"),
        ("imported", "https://checks.example.org/2024/pothole-repairs"),
        ("imported", "https://checks.example.org/2024/school-meals"),
        ("imported", "https://checks.example.org/2024/nurse-numbers"),
    ]
    assert appearances(imported(f"{site.url}/2024/rates/council-tax")) == [
        (f"{site.url}/news/rates-debate", True, None)]


@pytest.mark.django_db
def test_the_import_refuses_a_private_address_under_the_default_policy(site, connections):  # noqa: F811
    report = import_claimreview([f"{site.url}/feed.json", fixture("single.json")])
    assert report.unreadable == [(f"{site.url}/feed.json",
                                  "That address is on a private network and cannot be fetched.")]
    assert connections == []
    assert [o.status for o in report.outcomes] == ["imported"]

