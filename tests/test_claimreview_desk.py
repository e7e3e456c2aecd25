"""The desk's "Import ClaimReview" page (editors): upload or fetch, preview, map ratings, import once.

The ClaimReview sources here are written by hand for these tests.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import threading
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.utils import timezone

from claims.fetch import FetchedDocument, FetchError
from claims.forms import ClaimReviewUploadForm
from claims.models import Claim, Event, ImportDraft, RatingMapping
from claims.services import claimreview as service
from tests import factories
from tests.html import button, field_by_label, parse, texts
from tests.test_workflow import error_of, refusal, snapshot

pytestmark = pytest.mark.django_db

URL = "/desk/import/claimreview/"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "claimreview"
SITE = "checks.example.org"


def review(n: int, rating: str, *, claimant: str = "Rhona Blackwood", site: str = SITE) -> dict:
    return {
        "@context": "https://schema.org", "@type": "ClaimReview",
        "url": f"https://{site}/2024/review-{n}", "datePublished": f"2024-03-{n:02d}",
        "claimReviewed": f"The harbour handled {n},000 more containers this year than last.",
        "publisher": {"@type": "Organization", "name": "Harbour Checks", "url": f"https://{site}"},
        "reviewRating": {"@type": "Rating", "alternateName": rating},
        "itemReviewed": {"@type": "Claim", "author": {"@type": "Person", "name": claimant}},
    }


def feed(*reviews: dict) -> bytes:
    return json.dumps(list(reviews)).encode()


MIXED = feed(review(1, "Spin"), review(2, "False"), review(3, "Spin"), review(4, "Needs context"),
             {"@type": "ClaimReview", "url": "https://checks.example.org/2024/no-claim",
              "reviewRating": {"alternateName": "False"}})


def upload(data: bytes, name: str = "harbour.json") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/json")


def without_drafts(rows: dict) -> dict:
    return {label: value for label, value in rows.items() if label != "claims.ImportDraft"}


def preview(client: Client, data: bytes = MIXED, name: str = "harbour.json") -> ImportDraft:
    response = client.post(URL, {"file": upload(data, name)})
    assert response.status_code == 303, response.content.decode()[:2000]
    draft = ImportDraft.objects.latest("pk")
    assert response["Location"] == f"{URL}{draft.pk}/"
    return draft


def mapping_fields(page) -> dict[str, str]:
    """Each "Our rating for …" select, by its label, to its field name."""
    return {label.get_text(strip=True): page.find(id=label["for"])["name"]
            for label in page.find_all("label") if label.get_text(strip=True).startswith("Our rating for")}


# --- the happy path ------------------------------------------------------------------------------


def test_it_previews_maps_and_imports(editor_client, editor):
    page = parse(editor_client.get(URL))
    assert field_by_label(page, "ClaimReview file")["type"] == "file"
    assert field_by_label(page, "Page or feed URL") is not None
    assert button(page, "Preview import") is not None

    draft = preview(editor_client)
    response = editor_client.get(f"{URL}{draft.pk}/")
    assert response.status_code == 200
    page = parse(response)
    rows = page.find_all(attrs={"data-testid": "preview-row"})
    assert [row["data-action"] for row in rows] == ["new", "new", "new", "new", "skip"]
    assert "Rhona Blackwood" in texts(rows[0].find_all("td"))
    assert "no claimReviewed" in rows[4].get_text()
    fields = mapping_fields(page)
    assert list(fields) == ["Our rating for “Spin”", "Our rating for “Needs context”"]  # "False" is our label
    spin = page.find(attrs={"name": fields["Our rating for “Spin”"]})
    options = texts(spin.find_all("option"))
    assert options[0] == "Leave unrated" and "Mostly false" in options
    assert button(page, "Import")["class"] == ["button-primary"]

    mostly_false = factories.rating("mostly-false")
    response = editor_client.post(f"{URL}{draft.pk}/", {fields["Our rating for “Spin”"]: str(mostly_false.pk),
                                                        fields["Our rating for “Needs context”"]: ""})
    assert response.status_code == 303 and response["Location"] == f"{URL}{draft.pk}/"
    mapping = RatingMapping.objects.get()
    assert (mapping.publisher_site, mapping.textual_rating, mapping.rating) == (SITE, "Spin", mostly_false)
    spun = Claim.objects.select_related("verdict__rating").get(original_url=f"https://{SITE}/2024/review-1")
    assert spun.imported and spun.verdict.rating == mostly_false and spun.verdict.publisher_rating == "Spin"
    assert Claim.objects.get(original_url=f"https://{SITE}/2024/review-4").verdict.rating is None
    assert Claim.objects.get(original_url=f"https://{SITE}/2024/review-2").verdict.rating.slug == "false"
    actions = list(Event.objects.order_by("pk").values_list("action", "actor_id"))
    assert actions == [("ratings_mapped", editor.pk), ("archive_imported", editor.pk)]

    response = editor_client.get(response["Location"])
    page = parse(response)
    assert "4 imported, 0 updated, 1 skipped" in page.find(class_="message-success").get_text()
    report = [(row["data-status"], row.get_text(" ", strip=True)) for row in
              page.find_all(attrs={"data-testid": "report-row"})]
    assert [status for status, _ in report] == ["imported"] * 4 + ["skipped"]
    assert "harbour.json #1" in report[0][1] and "no claimReviewed" in report[4][1]
    assert "Spin" in page.find(attrs={"data-testid": "report-mapped"}).get_text()
    assert not ImportDraft.objects.get(pk=draft.pk).body


def test_a_mapping_is_remembered_for_the_next_import(editor_client):
    draft = preview(editor_client, feed(review(1, "Spin")))
    fields = mapping_fields(parse(editor_client.get(f"{URL}{draft.pk}/")))
    half = factories.rating("half-true")
    editor_client.post(f"{URL}{draft.pk}/", {fields["Our rating for “Spin”"]: str(half.pk)})

    again = preview(editor_client, feed(review(1, "Spin"), review(5, "SPIN")))
    page = parse(editor_client.get(f"{URL}{again.pk}/"))
    assert mapping_fields(page) == {}  # the words already mean "Half true" for this publisher, in any case
    assert [row["data-action"] for row in page.find_all(attrs={"data-testid": "preview-row"})] == ["update", "new"]
    assert "(ours: Half true)" in page.find(attrs={"data-testid": "preview-table"}).get_text()
    assert editor_client.post(f"{URL}{again.pk}/", {}).status_code == 303
    assert Claim.objects.get(original_url=f"https://{SITE}/2024/review-5").verdict.rating == half
    assert RatingMapping.objects.count() == 1
    # another publisher's "Spin" still asks
    other = preview(editor_client, feed(review(6, "Spin", site="other.example.net")))
    assert list(mapping_fields(parse(editor_client.get(f"{URL}{other.pk}/")))) == ["Our rating for “Spin”"]


def test_a_url_is_fetched_and_read(editor_client, monkeypatch):
    asked = []

    def fake_fetch(url, **kwargs):
        asked.append((url, kwargs))
        return FetchedDocument(url=url, final_url="https://checks.example.org/feeds/all.json",
                               content_type="application/json", charset="utf-8", body=feed(review(7, "False")))

    monkeypatch.setattr("claims.views.claimreview.fetch_bytes", fake_fetch)
    response = editor_client.post(URL, {"url": "https://checks.example.org/feed"})
    assert response.status_code == 303
    assert asked == [("https://checks.example.org/feed", {"max_bytes": 10_000_000})]
    draft = ImportDraft.objects.get()
    assert (draft.name, draft.base_url) == ("https://checks.example.org/feed", "https://checks.example.org/feeds/all.json")
    page = parse(editor_client.get(f"{URL}{draft.pk}/"))
    assert [row["data-action"] for row in page.find_all(attrs={"data-testid": "preview-row"})] == ["new"]


def test_a_gzipped_file_and_an_html_page_are_read(editor_client):
    draft = preview(editor_client, gzip.compress(feed(review(1, "False"))), "harbour.json.gz")
    assert bytes(draft.body).startswith(b"[")
    html = (FIXTURES / "two-blocks.html").read_bytes()
    draft = preview(editor_client, html, "page.html")
    assert parse(editor_client.get(f"{URL}{draft.pk}/")).find_all(attrs={"data-testid": "preview-row"})


def test_the_preview_writes_nothing(editor_client):
    before = snapshot()
    draft = preview(editor_client)
    editor_client.get(f"{URL}{draft.pk}/")
    editor_client.get(f"{URL}{draft.pk}/")
    assert without_drafts(snapshot()) == without_drafts(before)
    assert ImportDraft.objects.count() == 1


def test_the_preview_takes_a_fixed_number_of_queries(editor_client, django_assert_max_num_queries):
    small = preview(editor_client, feed(review(1, "Spin")))
    large = preview(editor_client, feed(*(review(n, ["Spin", "False", f"Odd {n}"][n % 3]) for n in range(1, 28))))
    editor_client.get(f"{URL}{small.pk}/")  # the session and the user are warm
    # session, user, groups, the draft, claims with these URLs, ratings, mappings, the ratings to choose
    with django_assert_max_num_queries(8):
        assert editor_client.get(f"{URL}{small.pk}/").status_code == 200
    with django_assert_max_num_queries(8):
        assert editor_client.get(f"{URL}{large.pk}/").status_code == 200
    with django_assert_max_num_queries(3):
        assert editor_client.get(URL).status_code == 200


# --- double submit -------------------------------------------------------------------------------


def test_a_second_import_of_the_same_draft_imports_nothing(editor_client):
    draft = preview(editor_client, feed(review(1, "False"), review(2, "True")))
    assert editor_client.post(f"{URL}{draft.pk}/", {}).status_code == 303
    after = snapshot()
    response = editor_client.post(f"{URL}{draft.pk}/", {})
    assert response.status_code == 303 and response["Location"] == f"{URL}{draft.pk}/"
    assert snapshot() == after
    assert Event.objects.filter(action="archive_imported").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_imports_sent_at_once_import_once(editor):
    draft = service.claimreview_draft_create(actor=editor, name="harbour.json", body=feed(review(1, "False")))
    results, barrier = [], threading.Barrier(2)

    def send():
        client = Client()
        client.force_login(editor)
        barrier.wait()
        try:
            results.append(client.post(f"{URL}{draft.pk}/", {}).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [303, 303]
    assert Claim.objects.count() == 1
    assert Event.objects.filter(action="archive_imported").count() == 1


# --- refusals ------------------------------------------------------------------------------------


def test_a_journalist_is_refused_and_nothing_changes(journalist_client, editor):
    draft = service.claimreview_draft_create(actor=editor, name="harbour.json", body=MIXED)
    before = snapshot()
    for response in (journalist_client.get(URL), journalist_client.post(URL, {"file": upload(MIXED)}),
                     journalist_client.get(f"{URL}{draft.pk}/"), journalist_client.post(f"{URL}{draft.pk}/", {})):
        assert response.status_code == 403
        assert "Only editors can import ClaimReview." in response.content.decode()
    assert snapshot() == before


def test_the_link_shows_for_editors_only(client, editor, journalist):
    client.force_login(editor)
    assert parse(client.get("/desk/")).find("a", string="Import ClaimReview")["href"] == URL
    client.force_login(journalist)
    assert parse(client.get("/desk/")).find("a", string="Import ClaimReview") is None


def test_someone_elses_draft_is_not_found(client, editor, editor2):
    draft = service.claimreview_draft_create(actor=editor, name="harbour.json", body=MIXED)
    client.force_login(editor2)
    before = snapshot()
    for response in (client.get(f"{URL}{draft.pk}/"), client.post(f"{URL}{draft.pk}/", {})):
        assert response.status_code == 404
        assert "no such import preview" in refusal(response).get_text()
    assert client.get(f"{URL}999999/").status_code == 404
    assert snapshot() == before


def test_an_expired_draft_is_refused(editor_client, editor):
    draft = service.claimreview_draft_create(actor=editor, name="harbour.json", body=MIXED)
    ImportDraft.objects.filter(pk=draft.pk).update(created_at=timezone.now() - dt.timedelta(days=1, minutes=1))
    before = snapshot()
    for response in (editor_client.get(f"{URL}{draft.pk}/"), editor_client.post(f"{URL}{draft.pk}/", {})):
        assert response.status_code == 409
        assert "expired" in refusal(response).get_text()
    assert snapshot() == before
    preview(editor_client)  # a new draft sweeps the old one away
    assert not ImportDraft.objects.filter(pk=draft.pk).exists()


def test_a_rating_that_is_not_on_the_scale_is_refused(editor_client):
    draft = preview(editor_client, feed(review(1, "Spin")))
    fields = mapping_fields(parse(editor_client.get(f"{URL}{draft.pk}/")))
    retired = factories.rating("unproven")
    retired.retired = True
    retired.save()
    before = snapshot()
    response = editor_client.post(f"{URL}{draft.pk}/", {fields["Our rating for “Spin”"]: str(retired.pk)})
    assert response.status_code == 422
    page = parse(response)
    assert error_of(page, field_by_label(page, "Our rating for “Spin”"))
    assert snapshot() == before


# --- bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("data", "label", "says"), [
    ({}, "ClaimReview file", "Choose a ClaimReview file or give the address"),
    ({"file": upload(b"{not json", "broken.json")}, "ClaimReview file", "not valid JSON"),
    ({"file": upload(b"\x00\x01\x02binary", "data.bin")}, "ClaimReview file", "binary data"),
    ({"file": upload(b"", "empty.json")}, "ClaimReview file", "This file is empty."),
    ({"file": upload(b'{"@type": "WebPage"}', "page.json")}, "ClaimReview file", "no ClaimReview records"),
    ({"file": upload(b"\x1f\x8b\x08junk", "bad.gz")}, "ClaimReview file", "compressed"),
    ({"file": upload(gzip.compress(gzip.compress(MIXED)), "twice.gz")}, "ClaimReview file", "compressed twice"),
    ({"url": "javascript:alert(1)"}, "Page or feed URL", ""),
    ({"url": "http://127.0.0.1/feed.json"}, "Page or feed URL", "private network"),
], ids=["nothing", "unreadable", "binary", "empty", "no-records", "bad-gzip", "gzip-twice", "bad-scheme",
        "private-address"])
def test_bad_input_is_refused_next_to_its_field(editor_client, data, label, says):
    before = snapshot()
    response = editor_client.post(URL, data)
    assert response.status_code == 422
    page = parse(response)
    error = error_of(page, field_by_label(page, label))
    assert error and says in error, error
    assert snapshot() == before


def test_a_url_the_fetcher_refuses_is_said_next_to_the_field(editor_client, monkeypatch):
    def refuse(url, **kwargs):
        raise FetchError("The site answered with an error: 404 Not Found.", code="status")

    monkeypatch.setattr("claims.views.claimreview.fetch_bytes", refuse)
    before = snapshot()
    response = editor_client.post(URL, {"url": "https://checks.example.org/missing"})
    assert response.status_code == 422
    page = parse(response)
    assert error_of(page, field_by_label(page, "Page or feed URL")) == "The site answered with an error: 404 Not Found."
    assert snapshot() == before


def test_a_file_that_inflates_past_the_limit_is_refused(editor_client, settings):
    settings.CLAIMREVIEW_UPLOAD_MAX_BYTES = 50_000
    before = snapshot()
    response = editor_client.post(URL, {"file": upload(gzip.compress(b" " * 60_000 + MIXED), "big.json.gz")})
    assert response.status_code == 422
    page = parse(response)
    assert "larger than 50 KB uncompressed" in error_of(page, field_by_label(page, "ClaimReview file"))
    assert snapshot() == before


def test_the_form_refuses_a_file_over_the_limit():
    form = ClaimReviewUploadForm({}, {"file": upload(b"[" + b" " * 2000 + b"]")}, max_bytes=1000)
    assert not form.is_valid()
    assert "larger than the 0.001 MB" in form.errors["file"][0]


# --- the size limits -----------------------------------------------------------------------------


def test_the_upload_limit_is_10_mb_by_default():
    from django.conf import settings

    assert settings.CLAIMREVIEW_UPLOAD_MAX_BYTES == 10_000_000
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 1024 * 1024


def test_this_page_takes_more_than_the_desk_limit_and_no_more_than_its_own(editor_client, settings):
    settings.CLAIMREVIEW_UPLOAD_MAX_BYTES = 3 * 1024 * 1024
    padded = b"[" + b" " * (2 * 1024 * 1024) + feed(review(1, "False"))[1:]
    before = snapshot()
    # 2 MB: over the desk's 1 MB, refused anywhere else …
    response = editor_client.post("/desk/claims/new/", {"quote": "x", "file": upload(padded)})
    assert response.status_code == 413
    # … but read here
    response = editor_client.post(URL, {"file": upload(padded)})
    assert response.status_code == 303
    assert without_drafts(snapshot()) == without_drafts(before)
    # over this page's own limit: 413, nothing saved
    drafts = ImportDraft.objects.count()
    response = editor_client.post(URL, {"file": upload(b" " * (3 * 1024 * 1024 + 1))})
    assert response.status_code == 413
    assert "Nothing was saved" in response.content.decode()
    assert ImportDraft.objects.count() == drafts
    # the exemption is for this one address only, not what lies under it
    response = editor_client.post(f"{URL}1/", {"file": upload(padded)})
    assert response.status_code == 413
