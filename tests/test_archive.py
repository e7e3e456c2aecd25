"""Archive records (DESIGN §2, §4): a newsroom's past checks imported from CSV with `import_claims`.

They feed matching and the workspace's "Past rulings" panel, link to the original, and have no
public page. Bad rows are reported by line number and skipped; the good ones are kept.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import threading
import time
import xml.etree.ElementTree as ET

import pytest
from django.contrib.postgres.search import SearchQuery
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from claims.matching import find_similar
from claims.models import Appearance, Claim, Rating, Speaker, Topic, Verdict
from tests import factories
from tests.html import parse

pytestmark = pytest.mark.django_db

HEADER = ["claim", "speaker", "rating", "date", "url", "quote", "conclusion", "topics"]
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"

GOOD_ROWS = [
    {"claim": "More than 41,000 people crossed the Channel in small boats in one year.",
     "speaker": "Morag Fenwick", "rating": "mostly FALSE", "date": "2024-03-02",
     "url": "https://archive.example.org/checks/channel-41000",
     "quote": "Over 41,000 people came across the Channel in small boats in a single year, a disgrace.",
     "conclusion": "The official count for the year was lower.", "topics": "Immigration; Small boats"},
    {"claim": "The council has built 600 new homes for social rent since 2021.",
     "speaker": "Callum Ridley", "rating": "True", "date": "14/06/2023",
     "url": "https://archive.example.org/checks/council-homes-600",
     "quote": "", "conclusion": "The council's completions table confirms it.", "topics": "Housing"},
    {"claim": "Bus journeys in the county have fallen by a third since 2015.",
     "speaker": "Morag Fenwick", "rating": "half-true", "date": "3 May 2022",
     "url": "https://archive.example.org/checks/bus-journeys-third",
     "quote": "A third of bus journeys have vanished since 2015.", "conclusion": "", "topics": ""},
]


def write_csv(path, rows, header=HEADER) -> str:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({key: row.get(key, "") for key in header})
    return str(path)


def run_import(path) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_claims", str(path), "--quiet-progress", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def archive(url: str) -> Claim:
    return Claim.objects.select_related("verdict__rating", "speaker").get(original_url=url)


# --- good rows -------------------------------------------------------------------------------------


def test_it_imports_good_rows_as_archive_records(tmp_path):
    out, err = run_import(write_csv(tmp_path / "archive.csv", GOOD_ROWS))

    assert Claim.objects.filter(imported=True).count() == 3
    assert "Imported 3 archive records" in out
    assert err == ""

    channel = archive("https://archive.example.org/checks/channel-41000")
    assert channel.imported is True
    assert channel.status == "published"
    assert channel.claim_checked == GOOD_ROWS[0]["claim"]
    assert channel.quote == GOOD_ROWS[0]["quote"]
    assert channel.speaker.name == "Morag Fenwick"
    assert channel.date_said == dt.date(2024, 3, 2)
    assert channel.published_at is not None
    assert channel.verdict.rating == Rating.objects.get(slug="mostly-false")  # matched case-insensitively
    assert channel.verdict.conclusion == "The official count for the year was lower."
    assert sorted(channel.topics.values_list("name", flat=True)) == ["Immigration", "Small boats"]

    homes = archive("https://archive.example.org/checks/council-homes-600")
    assert homes.verdict.rating.label == "True"
    assert homes.quote == GOOD_ROWS[1]["claim"]  # no quote given: the claim stands in for it
    assert homes.date_said == dt.date(2023, 6, 14)

    buses = archive("https://archive.example.org/checks/bus-journeys-third")
    assert buses.verdict.rating.label == "Half true"  # by its slug
    assert buses.date_said == dt.date(2022, 5, 3)
    assert buses.topics.count() == 0

    # One speaker per name, however many rows name them.
    assert Speaker.objects.filter(name="Morag Fenwick").count() == 1


def test_it_fills_the_search_vectors_of_imported_records(tmp_path):
    run_import(write_csv(tmp_path / "archive.csv", GOOD_ROWS))

    def found(words: str) -> set[str]:
        query = SearchQuery(words, config="english")
        return set(Claim.objects.filter(search_vector=query).values_list("original_url", flat=True))

    assert found("Channel small boats") == {"https://archive.example.org/checks/channel-41000"}
    assert found("41000 crossed") == {"https://archive.example.org/checks/channel-41000"}  # digits joined
    assert found("social rent homes") == {"https://archive.example.org/checks/council-homes-600"}
    assert found("Callum Ridley") == {"https://archive.example.org/checks/council-homes-600"}  # speaker
    assert found("completions table") == {"https://archive.example.org/checks/council-homes-600"}  # conclusion
    assert found("bus journeys") == {"https://archive.example.org/checks/bus-journeys-third"}
    assert not Claim.objects.filter(imported=True, search_vector__isnull=True).exists()


def test_it_is_idempotent_by_url(tmp_path):
    path = write_csv(tmp_path / "archive.csv", GOOD_ROWS)
    run_import(path)
    counts = (Claim.objects.count(), Verdict.objects.count(), Speaker.objects.count(), Topic.objects.count())

    out, _ = run_import(path)

    assert "Imported 0 archive records, 3 already present" in out
    assert (Claim.objects.count(), Verdict.objects.count(), Speaker.objects.count(),
            Topic.objects.count()) == counts


def test_it_adds_only_new_urls_on_a_second_run(tmp_path):
    run_import(write_csv(tmp_path / "first.csv", GOOD_ROWS[:1]))
    out, _ = run_import(write_csv(tmp_path / "second.csv", GOOD_ROWS))
    assert "Imported 2 archive records, 1 already present" in out
    assert Claim.objects.filter(imported=True).count() == 3


# --- bad rows --------------------------------------------------------------------------------------


def test_it_reports_bad_rows_by_line_and_keeps_the_good_ones(tmp_path):
    future = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    base = {"speaker": "Ivo Brannigan", "rating": "False", "date": "2024-01-10",
            "conclusion": "", "topics": "Health"}
    rows = [
        {**base, "claim": "Good row one: 12,000 nurses left the NHS.", "url": "https://archive.example.org/a"},  # 2
        {**base, "claim": "", "url": "https://archive.example.org/empty"},  # 3: empty claim
        {**base, "claim": "Bad address.", "url": "javascript:x"},  # 4
        {**base, "claim": "Unknown rating.", "rating": "Pants on fire", "url": "https://archive.example.org/p"},  # 5
        {**base, "claim": "Bad date.", "date": "the thirty-first of Smarch", "url": "https://archive.example.org/d"},
        {**base, "claim": "Future date.", "date": future, "url": "https://archive.example.org/f"},  # 7
        {**base, "claim": "Good row two: A&E waits doubled.", "url": "https://archive.example.org/b"},  # 8
        {**base, "claim": "Same url again.", "url": "https://archive.example.org/a"},  # 9: duplicate in file
    ]
    ratings_before = Rating.objects.count()

    out, err = run_import(write_csv(tmp_path / "mixed.csv", rows))

    assert set(Claim.objects.filter(imported=True).values_list("claim_checked", flat=True)) == {
        "Good row one: 12,000 nurses left the NHS.", "Good row two: A&E waits doubled."}
    assert "Imported 2 archive records" in out
    assert "6 rows skipped" in out
    lines = err.splitlines()

    def reported(line_no: int) -> str:
        hits = [line for line in lines if line.startswith(f"line {line_no}:")]
        assert len(hits) == 1, f"line {line_no} not reported exactly once in {lines}"
        return hits[0]

    assert "claim is empty" in reported(3)
    assert "javascript:x" in reported(4)
    assert "Pants on fire" in reported(5)
    assert "date" in reported(6)
    assert "future" in reported(7)
    assert "twice" in reported(9)
    for good in (2, 8):
        assert not any(line.startswith(f"line {good}:") for line in lines)
    # The unknown rating is summarised, and not invented.
    assert any("Ratings not on the scale" in line and "Pants on fire" in line for line in lines)
    assert Rating.objects.count() == ratings_before
    assert not Rating.objects.filter(label__iexact="Pants on fire").exists()
    assert not Claim.objects.filter(original_url="javascript:x").exists()
    # The first occurrence of the duplicated url is the one kept.
    assert archive("https://archive.example.org/a").claim_checked.startswith("Good row one")


def test_it_refuses_a_file_without_a_required_column(tmp_path):
    header = [h for h in HEADER if h != "rating"]
    path = write_csv(tmp_path / "no-rating.csv", GOOD_ROWS, header=header)
    with pytest.raises(CommandError, match="rating"):
        run_import(path)
    assert not Claim.objects.exists()


def test_it_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        run_import(tmp_path / "nowhere.csv")


# --- where archive records show, and where they do not ---------------------------------------------


@pytest.fixture
def imported(tmp_path) -> Claim:
    run_import(write_csv(tmp_path / "archive.csv", GOOD_ROWS))
    return archive("https://archive.example.org/checks/channel-41000")


def test_it_gives_archive_records_no_public_page(imported):
    reader = Client()
    assert reader.get(f"/claims/{imported.slug}/").status_code == 404
    assert reader.get(f"/embed/claims/{imported.slug}/").status_code == 404


def test_it_keeps_archive_records_off_the_home_page_and_the_sitemap(imported):
    published = factories.ClaimFactory(published=True, quote="Ferry crossings rose by a tenth this spring.")
    reader = Client()

    home = parse(reader.get("/"))
    hrefs = {a["href"] for a in home.find_all("a", href=True)}
    assert f"/claims/{published.slug}/" in hrefs  # the page does list claims
    assert not any(imported.slug in href for href in hrefs)
    assert "41,000 people came across the Channel" not in home.get_text(" ")

    response = reader.get("/sitemap.xml")
    assert response.status_code == 200
    locs = [loc.text for loc in ET.fromstring(response.content).iter(f"{SITEMAP}loc")]
    assert any(loc.endswith(f"/claims/{published.slug}/") for loc in locs)
    assert not any(imported.slug in loc for loc in locs)


def test_it_finds_archive_records_as_similar_claims(imported):
    matches = find_similar("41,000 people crossed the Channel in small boats in a year")
    assert matches and matches[0].claim == imported
    assert matches[0].as_dict()["rating"] == "Mostly false"


def test_it_shows_archive_records_in_the_past_rulings_panel(imported, journalist_client):
    claim = factories.ClaimFactory(
        researching=True, quote="In a single year over 41,000 people crossed the Channel in small boats.",
        claim_checked="41,000 people crossed the Channel in small boats in a year.")

    response = journalist_client.get(f"/desk/claims/{claim.pk}/")

    assert response.status_code == 200
    panel = parse(response).find(id="past-rulings")
    assert panel is not None
    link = panel.find("a", href=imported.original_url)
    assert link is not None, panel.get_text(" ", strip=True)
    assert "41,000 people crossed the Channel" in link.get_text(" ", strip=True)
    item = link.find_parent("li")
    assert "Mostly false" in item.get_text(" ", strip=True)
    assert "archive" in item.get_text(" ", strip=True)
    # The archive record has no page of its own to link to.
    assert panel.find("a", href=f"/claims/{imported.slug}/") is None


# --- speed ----------------------------------------------------------------------------------------


def test_it_imports_five_thousand_rows(tmp_path):
    # Its speed is measured by bench/bench_matching.py, not asserted here: machines differ.
    subjects = ["people crossed the Channel", "nurses joined the NHS", "homes were built", "officers were recruited",
                "pupils missed school", "buses were cut", "families used food banks", "jobs were created"]
    ratings = ["True", "Mostly true", "half true", "Mostly false", "false"]
    rows = []
    for i in range(5000):
        rows.append({
            "claim": f"{(i % 97 + 1) * 1000:,} {subjects[i % len(subjects)]} in {2000 + i % 24}, says speaker {i}.",
            "speaker": f"Archive Speaker {i % 150}", "rating": ratings[i % len(ratings)],
            "date": (dt.date(2020, 1, 1) + dt.timedelta(days=i % 1500)).isoformat(),
            "url": f"https://archive.example.org/bulk/{i}", "quote": "",
            "conclusion": f"Checked against table {i % 40}.", "topics": f"Topic {i % 12}; Bulk",
        })
    path = write_csv(tmp_path / "bulk.csv", rows)

    started = time.perf_counter()
    _, err = run_import(path)
    elapsed = time.perf_counter() - started

    rate = 5000 / elapsed
    print(f"\nimport_claims: 5,000 rows in {elapsed:.2f} s = {rate:,.0f} rows/s")
    assert err == ""
    assert Claim.objects.filter(imported=True).count() == 5000
    assert Verdict.objects.filter(claim__imported=True).count() == 5000
    assert Speaker.objects.filter(name__startswith="Archive Speaker").count() == 150


def test_it_imports_rows_that_match_desk_claims_and_lists_them_as_strong_matches(tmp_path):
    desk = factories.ClaimFactory(researching=True,
                                  quote="over 41,000 people came across the channel in small boats in a single year — "
                                        "a disgrace!")
    factories.ClaimFactory(quote="The council has built 600 new homes for social rent since 2021.",  # merged away
                           status="merged", merged_into=desk)
    out, _ = run_import(write_csv(tmp_path / "archive.csv", GOOD_ROWS))
    assert Claim.objects.filter(imported=True).count() == 3  # never stops at a choice
    assert "1 strong matches" in out or "1 strong match" in out
    line = next(text for text in out.splitlines() if text.startswith("line "))
    assert "https://archive.example.org/checks/channel-41000" in line and f"claim {desk.pk}" in line
    assert Appearance.objects.filter(claim__imported=True, primary=True).count() == 3


# --- batches written in parallel ------------------------------------------------------------------


@pytest.fixture
def writer_threads(monkeypatch) -> set[str]:
    """The names of the threads that wrote the import's batches. The first two writers started on
    threads of their own wait for each other, so a fast first batch cannot leave one thread alone."""
    from claims import archive

    names: set[str] = set()
    write = archive._write
    both = threading.Barrier(2, timeout=20)

    def watched(batch):
        name = threading.current_thread().name
        if name.startswith("import") and name not in names and len(names) < 2:
            names.add(name)
            both.wait()
        names.add(name)
        return write(batch)

    monkeypatch.setattr(archive, "_write", watched)
    return names


@pytest.mark.django_db(transaction=True)  # the writers' own connections see only what is committed
def test_it_writes_batches_on_connections_of_their_own_and_loses_no_count(tmp_path, monkeypatch, writer_threads):
    from claims import archive
    from claims.matching import refresh_term_stats
    from claims.models import SearchTerm

    monkeypatch.setattr(archive, "BATCH", 7)
    words = ["nurses", "teachers", "officers", "homes", "buses", "pupils", "doctors", "farms", "ferries"]
    rows = [{"claim": f"{words[i // 7]} {words[i // 7]}{i // 7} rose in region {i}.", "speaker": f"Speaker {i % 5}",
             "rating": "True", "date": "2022-05-01", "url": f"https://archive.example.org/parallel/{i}",
             "topics": f"Health; Region {i % 3}"} for i in range(63)]
    out, err = run_import(write_csv(tmp_path / "parallel.csv", rows))

    assert err == "" and "Imported 63 archive records" in out
    assert len(writer_threads) == 2 and all(name.startswith("import") for name in writer_threads)
    imported = Claim.objects.filter(imported=True)
    assert imported.count() == 63 and Verdict.objects.filter(claim__imported=True).count() == 63
    assert Speaker.objects.filter(name__startswith="Speaker ").count() == 5
    assert Topic.objects.filter(name__startswith="Region ").count() == 3
    assert Claim.topics.through.objects.filter(claim__imported=True).count() == 126
    assert Appearance.objects.filter(claim__imported=True, primary=True, embedding__isnull=False).count() == 63
    assert not imported.filter(embedding__isnull=True).exists()
    # The statistics added batch by batch, from two connections at once, are what a recount finds.
    added = dict(SearchTerm.objects.values_list("lexeme", "ndoc"))
    refresh_term_stats()
    assert added == dict(SearchTerm.objects.values_list("lexeme", "ndoc"))


def test_it_writes_every_batch_in_the_callers_transaction_when_there_is_one(tmp_path, monkeypatch, writer_threads):
    from claims import archive

    monkeypatch.setattr(archive, "BATCH", 2)
    run_import(write_csv(tmp_path / "archive.csv", GOOD_ROWS))
    assert writer_threads == {threading.current_thread().name}
    assert Claim.objects.filter(imported=True).count() == 3
