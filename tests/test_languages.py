"""Claims in every language: every claim and appearance has a BCP 47 language,
guessed from its words when nobody gave one, said in ClaimReview and the Google-shaped API, and
chosen, shown and changed in the desk (the Language field)."""

from __future__ import annotations

import json

import pytest
from django.db import connection

from claims import seo, services
from claims.claimreview.importer import import_claimreview
from claims.claimreview.records import record_from
from claims.intake import log_candidates
from claims.languages import default_language, detect_language, language_for, normalise_tag
from claims.models import Appearance, Claim, Status
from tests import factories

API = "/api/v1"

SENTENCES = {
    "en": "The minister told parliament that unemployment has fallen by half since the last election.",
    "es": "El ministro dijo en el parlamento que el desempleo se ha reducido a la mitad desde las últimas elecciones.",
    "pt": "O ministro disse no parlamento que o desemprego caiu pela metade desde as últimas eleições.",
    "fr": "Le ministre a déclaré au parlement que le chômage a baissé de moitié depuis les dernières élections.",
    "de": "Der Minister sagte im Parlament, die Arbeitslosigkeit sei seit der letzten Wahl um die Hälfte gesunken.",
}


# --- detection and tags (no database) -------------------------------------------------------------


@pytest.mark.parametrize(("language", "text"), SENTENCES.items())
def test_it_detects_the_language_of_a_sentence(language, text):
    assert detect_language(text) == language


@pytest.mark.parametrize("text", [
    "", None, "Yes.", "Thank you",  # fewer than three words
    "2019 2020 2021 2022 45%",  # numbers are no words
    "Hotel Taxi Radio Pizza",  # words every language borrows
])
def test_it_does_not_guess_on_short_or_ambiguous_text(text):
    assert detect_language(text) is None


@pytest.mark.parametrize(("tag", "expected"), [
    ("es", "es"), ("EN", "en"), ("pt-br", "pt-BR"), ("en_gb", "en-GB"), (" fr-CA ", "fr-CA"),
    ("zh-hant-tw", "zh-Hant-TW"), ("es-419", "es-419"), ("de-ch-1901", "de-CH-1901"), ("en-x-Test", "en-x-test"),
])
def test_it_writes_tags_in_their_usual_case(tag, expected):
    assert normalise_tag(tag) == expected


@pytest.mark.parametrize("tag", [
    None, "", "English", "Spanish", "e", "en-", "-en", "en--gb", "en gb", "en-x", "12", "und", "zxx",
    "en-" + "a" * 9, "en-" + "-".join(["abc"] * 10), "fr;drop table",
])
def test_it_refuses_what_is_no_tag(tag):
    assert normalise_tag(tag) is None


def test_the_default_is_the_newsrooms_language_without_its_region(settings):
    assert settings.LANGUAGE_CODE == "en-gb"
    assert default_language() == "en"
    settings.LANGUAGE_CODE = "pt-br"
    assert default_language() == "pt"
    assert language_for("ok") == "pt"


def test_a_given_tag_wins_over_the_guess():
    assert language_for(SENTENCES["es"], "es-MX") == "es-MX"
    assert language_for(SENTENCES["es"], "nonsense here") == "es"
    assert language_for("Crime fell.") == "en"


# --- the fields -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_rows_written_without_a_language_get_the_default():
    # What the migration gave existing rows, and what rows written in SQL still get.
    speaker = factories.SpeakerFactory()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO claims_claim (quote, claim_checked, speaker_id, status, slug, version, review_round, "
            "imported, created_at, updated_at) VALUES (%s, '', %s, 'logged', 'raw', 1, 1, false, now(), now()) "
            "RETURNING language", [SENTENCES["de"], speaker.pk])
        assert cursor.fetchone() == ("en",)
    claim = Claim.objects.get(slug="raw")
    assert claim.language == "en"
    from claims.appearances import add_first_appearances

    add_first_appearances([claim.pk])
    assert claim.appearances.get().language == "en"
    assert factories.ClaimFactory().language == "en"


# --- where a claim is logged -----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_new_claim_gets_the_language_of_its_quote(journalist_client):
    factories.SpeakerFactory(name="Lucía Ferrer", slug="lucia-ferrer")
    response = journalist_client.post("/desk/claims/new/", {
        "quote": SENTENCES["es"], "claim_checked": "El desempleo se redujo a la mitad.", "speaker": "Lucía Ferrer",
        "source_url": "https://news.example.org/es", "date_said": "2025-08-16"})
    assert response.status_code == 303
    claim = Claim.objects.get()
    assert claim.language == "es"
    assert claim.appearances.get().language == "es"


@pytest.mark.django_db
def test_a_new_claim_too_short_to_tell_gets_the_default(journalist_client):
    factories.SpeakerFactory(name="Chris Example", slug="chris-example")
    response = journalist_client.post("/desk/claims/new/", {
        "quote": "Crime fell.", "claim_checked": "Crime fell.", "speaker": "Chris Example",
        "source_url": "https://news.example.org/a", "date_said": "2025-08-15"})
    assert response.status_code == 303
    assert Claim.objects.get().language == "en"


@pytest.mark.django_db
def test_a_language_given_to_the_service_is_kept(journalist):
    speaker = factories.SpeakerFactory()
    claim = services.claim_create(actor=journalist, quote=SENTENCES["pt"], speaker=speaker, language="pt-br")
    assert claim.language == "pt-BR"
    other = services.appearance_add(claim_id=claim.pk, actor=journalist, quote=SENTENCES["en"], speaker=speaker)
    assert other.language == "en"  # said again in translation
    short = services.appearance_add(claim_id=claim.pk, actor=journalist, quote="Half, yes.", speaker=speaker)
    assert short.language == "pt-BR"  # too short to tell: the claim's


@pytest.mark.django_db
def test_intake_logs_each_claim_in_its_own_language(journalist):
    article = (f'Dana Whitfield said: "{SENTENCES["en"]}"\n\n'
               f'Lucía Ferrer said: "{SENTENCES["es"]}"\n\n'
               f'Jean Moreau said: "{SENTENCES["fr"]}"\n')
    created = log_candidates(actor=journalist, text=article, picks=[0, 1, 2])
    assert {c.quote: c.language for c in created} == {SENTENCES[lang]: lang for lang in ("en", "es", "fr")}
    assert sorted(Appearance.objects.values_list("language", flat=True)) == ["en", "es", "fr"]


# --- ClaimReview import ------------------------------------------------------------------------------


def review(n: int, claim: str, **extra) -> dict:
    return {"@context": "https://schema.org", "@type": "ClaimReview", "url": f"https://checks.example.org/{n}",
            "claimReviewed": claim, "reviewRating": {"@type": "Rating", "alternateName": "False"},
            "itemReviewed": {"@type": "Claim", "author": {"@type": "Person", "name": "Ana Costa"},
                             "appearance": [f"https://news.example.org/{n}"]}, **extra}


@pytest.mark.parametrize(("value", "expected"), [
    ("pt-br", "pt-BR"), (["xx-!!", "es"], "es"),
    ({"@type": "Language", "name": "Spanish", "alternateName": "es"}, "es"),
    ({"@type": "Language", "name": "French"}, "en"),  # a name only: the words are English
    ("English", "en"), (None, "en"),
])
def test_a_record_takes_its_language_from_in_language_else_its_words(value, expected):
    obj = review(1, SENTENCES["en"], **({"inLanguage": value} if value is not None else {}))
    assert record_from(obj).language == expected


def test_a_record_too_short_to_tell_has_no_language():
    assert record_from(review(1, "Crime fell.")).language == ""


@pytest.mark.django_db
def test_the_import_stores_in_language_or_the_detected_language_or_the_default(tmp_path):
    path = tmp_path / "reviews.json"
    path.write_text(json.dumps([
        review(1, SENTENCES["en"], inLanguage="pt-br"),
        review(2, SENTENCES["de"]),
        review(3, "Crime fell."),
    ]))
    import_claimreview([str(path)])
    languages = {c.original_url: c.language for c in Claim.objects.all()}
    assert languages == {"https://checks.example.org/1": "pt-BR", "https://checks.example.org/2": "de",
                         "https://checks.example.org/3": "en"}
    assert {a.claim.original_url: a.language for a in Appearance.objects.select_related("claim")} == languages

    # Imported again with another language: the update carries it, to the appearances too.
    path.write_text(json.dumps([review(1, SENTENCES["en"], inLanguage="es")]))
    import_claimreview([str(path)])
    claim = Claim.objects.get(original_url="https://checks.example.org/1")
    assert claim.language == "es"
    assert list(claim.appearances.values_list("language", flat=True)) == ["es"]


# --- what others read ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_claimreview_says_the_claims_language():
    claim = factories.ClaimFactory(published=True, language="es")
    assert seo.claim_review(claim)["inLanguage"] == "es"
    row = seo.with_scale(Claim.objects.filter(pk=claim.pk)).values(*seo.REVIEW_FIELDS).get()
    assert seo.claim_review_from_row(row, best=None, worst=None)["inLanguage"] == "es"


@pytest.mark.django_db
def test_the_fact_check_page_json_ld_says_the_claims_language(client):
    claim = factories.ClaimFactory(published=True, language="pt-BR")
    from tests.html import parse

    soup = parse(client.get(claim.get_absolute_url()))
    scripts = soup.find_all("script", attrs={"type": "application/ld+json"})
    reviews = [d for d in map(json.loads, (s.string for s in scripts)) if d.get("@type") == "ClaimReview"]
    assert [r["inLanguage"] for r in reviews] == ["pt-BR"]


@pytest.mark.django_db
def test_the_google_search_gives_and_filters_by_the_claims_language(client, settings):
    settings.SITE_URL = "https://checks.example.org"
    factories.ClaimFactory(published=True, quote="Iraqi arrivals doubled last year.", language="en")
    factories.ClaimFactory(published=True, quote="Iraqi arrivals doubled, says the minister.", language="pt-BR")
    factories.ClaimFactory(published=True, quote="Iraqi arrivals doubled in the spring.", language="ptx")
    factories.ClaimFactory(status=Status.LOGGED, quote="Iraqi arrivals doubled again.", language="pt")

    def codes(**params):
        claims = client.get(f"{API}/claims:search", {"query": "Iraqi", **params}).json()["claims"]
        return sorted(c["claimReview"][0]["languageCode"] for c in claims)

    assert codes() == ["en", "pt-BR", "ptx"]
    assert codes(languageCode="pt") == ["pt-BR"]
    assert codes(languageCode="PT-pt") == ["pt-BR"]  # the language counts, not the region
    assert codes(languageCode="en-US") == ["en"]
    assert codes(languageCode="fr") == []


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_existing_claims_and_appearances_the_default():
    from django.db.migrations.executor import MigrationExecutor

    before, after = [("claims", "0012_import_drafts")], [("claims", "0013_languages")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO claims_speaker (name, slug, kind, role, affiliation, description, created_at, "
                           "updated_at) VALUES ('Old Speaker', 'old-speaker', 'person', '', '', '', now(), now()) "
                           "RETURNING id")
            speaker = cursor.fetchone()[0]
            cursor.execute(
                "INSERT INTO claims_claim (quote, claim_checked, speaker_id, status, slug, version, review_round, "
                "imported, created_at, updated_at) VALUES (%s, '', %s, 'logged', 'old', 1, 1, false, now(), now()) "
                "RETURNING id", [SENTENCES["fr"], speaker])
            claim = cursor.fetchone()[0]
            cursor.execute("INSERT INTO claims_appearance (claim_id, speaker_id, speaker_role, speaker_affiliation, "
                           "quote, \"primary\", accepted, created_at) VALUES (%s, %s, '', '', 'x', true, true, now())",
                           [claim, speaker])
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(after)
        with connection.cursor() as cursor:  # in SQL: the models have columns of later migrations
            cursor.execute("SELECT c.language, a.language FROM claims_claim c JOIN claims_appearance a "
                           "ON a.claim_id = c.id WHERE c.slug = 'old'")
            languages = cursor.fetchall()
        assert languages == [("en", "en")]  # not guessed: the migration gives the default only
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())  # the rest of the run needs the latest schema


# --- the desk's Language field --------------------------------------------------------------------

HX = {"HX-Request": "true"}


def _desk(client, url: str):
    from tests.html import parse

    response = client.get(url)
    assert response.status_code == 200
    return parse(response)


def _error_next_to(soup, label: str) -> str:
    from tests.html import field_by_label

    field = field_by_label(soup, label)
    assert field.get("aria-invalid") == "true"
    return " ".join(soup.find(id=i).get_text(" ", strip=True) for i in field["aria-describedby"].split())


NEW_CLAIM = {"quote": SENTENCES["es"], "claim_checked": "El desempleo se redujo a la mitad.",
             "speaker": "Lucía Ferrer", "source_url": "https://news.example.org/es", "date_said": "2025-08-16"}


@pytest.fixture
def lucia(db):
    return factories.SpeakerFactory(name="Lucía Ferrer", slug="lucia-ferrer")


@pytest.mark.django_db
def test_the_new_claim_form_offers_the_common_languages_by_name(journalist_client):
    from tests.html import field_by_label

    soup = _desk(journalist_client, "/desk/claims/new/")
    field = field_by_label(soup, "Language")
    assert field["type"] == "text" and field.get("value") is None
    options = {o["value"]: o.get_text() for o in soup.find(id=field["list"]).find_all("option")}
    assert {"en": "English", "es": "Español", "pt": "Português", "fr": "Français", "de": "Deutsch",
            "it": "Italiano", "ar": "العربية"}.items() <= options.items()
    assert "detect" in soup.find(id=f"{field['id']}_helptext").get_text()


@pytest.mark.django_db
def test_a_new_claim_keeps_the_language_chosen_in_its_usual_case(journalist_client, journalist, lucia):
    from claims.models import Event

    response = journalist_client.post("/desk/claims/new/", {**NEW_CLAIM, "language": " es-mx "})
    assert response.status_code == 303
    claim = Claim.objects.get()
    assert claim.language == "es-MX"
    assert claim.appearances.get().language == "es-MX"
    assert Event.objects.get(claim=claim, action="claim_created").changes["language"] == [None, "es-MX"]


@pytest.mark.django_db
def test_a_new_claim_in_the_newsrooms_language_says_nothing_of_it_in_the_history(journalist_client, lucia):
    from claims.models import Event

    journalist_client.post("/desk/claims/new/", {**NEW_CLAIM, "quote": SENTENCES["en"], "language": ""})
    claim = Claim.objects.get()
    assert claim.language == "en"
    assert "language" not in Event.objects.get(claim=claim, action="claim_created").changes


@pytest.mark.django_db
@pytest.mark.parametrize(("value", "message"), [
    ("Spanish", "Not a language tag"), ("es_!!", "Not a language tag"), ("und", "Not a language tag"),
    ("e" * 36, "at most 35"), ("es\x00", "Null characters"), ("es\x1b", "Not a language tag"),
])
def test_a_new_claim_with_a_bad_language_is_refused_next_to_the_field(journalist_client, lucia, value, message):
    from tests.html import field_by_label
    from tests.test_desk_views import db_state

    before = db_state()
    response = journalist_client.post("/desk/claims/new/", {**NEW_CLAIM, "language": value})
    assert response.status_code == 422
    soup = _desk_parse(response)
    assert message in _error_next_to(soup, "Language")
    assert field_by_label(soup, "Quote").get_text().strip() == NEW_CLAIM["quote"]  # what was typed stays
    assert db_state() == before


def _desk_parse(response):
    from tests.html import parse

    return parse(response)


@pytest.mark.django_db
def test_a_bad_language_over_htmx_answers_the_form_fragment(journalist_client, lucia):
    response = journalist_client.post("/desk/claims/new/", {**NEW_CLAIM, "language": "Klingon!"}, headers=HX)
    assert response.status_code == 422
    root = _desk_parse(response).find(True)
    assert root["id"] == "claim-new-form"
    assert "Not a language tag" in _error_next_to(root, "Language")
    assert not Claim.objects.exists()


def _edit_data(claim, **changes) -> dict:
    return {"quote": claim.quote, "claim_checked": claim.claim_checked, "speaker": claim.speaker.name,
            "language": claim.language, "source_url": claim.source.url if claim.source else "",
            "date_said": claim.date_said.isoformat() if claim.date_said else "", "version": str(claim.version),
            **changes}


@pytest.mark.django_db
def test_changing_a_claims_language_is_recorded_and_searched_in_it(journalist_client, journalist):
    from claims.models import Event
    from claims.search import search_query

    claim = factories.ClaimFactory(researching=True, quote="Los migrantes cruzaron el canal.", language="en")
    response = journalist_client.post(f"/desk/claims/{claim.pk}/edit/", _edit_data(claim, language="es"),
                                      headers=HX)
    assert response.status_code == 200
    claim.refresh_from_db()
    assert (claim.language, claim.version) == ("es", 2)
    assert claim.appearances.get(primary=True).language == "es"
    event = Event.objects.filter(claim=claim, action="claim_updated").get()
    assert event.changes == {"language": ["en", "es"]}
    assert Claim.objects.filter(search_vector=search_query("cruzan", language="es")).get() == claim
    # The field shows the language now stored.
    from tests.html import field_by_label

    assert field_by_label(_desk_parse(response), "Language")["value"] == "es"


@pytest.mark.django_db
def test_a_blank_language_on_edit_is_the_quotes(journalist_client):
    claim = factories.ClaimFactory(researching=True, quote=SENTENCES["fr"], language="en")
    journalist_client.post(f"/desk/claims/{claim.pk}/edit/", _edit_data(claim, language=""))
    claim.refresh_from_db()
    assert claim.language == "fr"


@pytest.mark.django_db
def test_an_unchanged_language_changes_nothing(journalist_client):
    from claims.models import Event

    claim = factories.ClaimFactory(researching=True, quote=SENTENCES["es"], language="es-MX")
    response = journalist_client.post(f"/desk/claims/{claim.pk}/edit/", _edit_data(claim, language="ES-mx"))
    assert response.status_code == 303
    claim.refresh_from_db()
    assert (claim.language, claim.version) == ("es-MX", 1)
    assert not Event.objects.filter(claim=claim, action="claim_updated").exists()


@pytest.mark.django_db
def test_a_bad_language_on_edit_is_refused_and_changes_nothing(journalist_client):
    from tests.test_desk_views import db_state

    claim = factories.ClaimFactory(researching=True, quote=SENTENCES["es"], language="es")
    before = db_state()
    response = journalist_client.post(f"/desk/claims/{claim.pk}/edit/", _edit_data(claim, language="español"),
                                      headers=HX)
    assert response.status_code == 422
    root = _desk_parse(response).find(True)
    assert root["id"] == "claim-form"
    assert "Not a language tag" in _error_next_to(root, "Language")
    assert db_state() == before
    assert Claim.objects.get(pk=claim.pk).language == "es"


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "state", "status"), [
    ("outsider_client", "researching", 403), ("journalist_client", "in_review", 409),
    ("journalist_client", "published", 409),
])
def test_a_language_change_refused_changes_nothing(request, persona, state, status):
    from tests.test_desk_views import db_state

    client = request.getfixturevalue(persona)
    claim = factories.ClaimFactory(**{state: True}, quote=SENTENCES["es"], language="es")
    before = db_state()
    languages = list(Claim.objects.values_list("language", flat=True))
    response = client.post(f"/desk/claims/{claim.pk}/edit/", _edit_data(claim, language="pt"))
    assert response.status_code == status
    assert db_state() == before
    assert list(Claim.objects.values_list("language", flat=True)) == languages


@pytest.mark.django_db
def test_the_workspace_shows_a_language_other_than_the_newsrooms(journalist_client):
    spanish = factories.ClaimFactory(quote=SENTENCES["es"], language="es")
    english = factories.ClaimFactory(quote=SENTENCES["en"])
    soup = _desk(journalist_client, spanish.get_desk_url())
    assert soup.find(attrs={"data-testid": "quote"})["lang"] == "es"
    assert soup.find(attrs={"data-testid": "claim-language"}).get_text(" ", strip=True) == "Language: Español"
    soup = _desk(journalist_client, english.get_desk_url())
    assert soup.find(attrs={"data-testid": "quote"}).get("lang") is None
    assert soup.find(attrs={"data-testid": "claim-language"}) is None
    fragment = _desk_parse(journalist_client.get(f"{spanish.get_desk_url()}?fragment=quote", headers=HX))
    assert fragment.find(attrs={"data-testid": "quote"})["lang"] == "es"


@pytest.mark.django_db
def test_the_claims_list_shows_a_language_other_than_the_newsrooms(journalist_client, django_assert_max_num_queries):
    spanish = factories.ClaimFactory(quote=SENTENCES["es"], language="pt-BR")
    factories.ClaimFactory(quote=SENTENCES["en"])
    with django_assert_max_num_queries(12):
        soup = _desk(journalist_client, "/desk/claims/")
    rows = {row.find("a")["href"]: row for row in soup.find_all(attrs={"data-testid": "claim-row"})}
    row = rows[spanish.get_desk_url()]
    assert row.find("a")["lang"] == "pt-BR"
    assert row.find(attrs={"data-testid": "claim-language"}).get_text() == "Português (pt-BR)"
    others = [r for href, r in rows.items() if href != spanish.get_desk_url()]
    assert [r.find(attrs={"data-testid": "claim-language"}) for r in others] == [None]
    assert others[0].find("a").get("lang") is None


@pytest.mark.django_db
def test_the_claims_list_reads_in_the_same_queries_whatever_the_languages(journalist_client):
    from django.test.utils import CaptureQueriesContext

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            _desk(journalist_client, "/desk/claims/")
        return len(ctx.captured_queries)

    factories.ClaimFactory(quote=SENTENCES["en"])
    one = count()
    for language in ("es", "pt", "fr", "de", "ar", "es-MX"):
        factories.ClaimFactory(quote=SENTENCES["es"], language=language)
    assert count() == one


@pytest.mark.django_db
def test_an_appearance_takes_the_language_given_or_its_words(journalist_client, journalist):
    from tests.html import field_by_label
    from tests.test_workflow import snapshot

    claim = factories.ClaimFactory(researching=True, quote=SENTENCES["en"])
    speaker = factories.SpeakerFactory(name="Lucía Ferrer")
    form = _desk(journalist_client, claim.get_desk_url()).find(id="appearances-panel").find("form")
    field = field_by_label(form, "Language")
    assert form.find("datalist", id=field["list"]) is not None

    before = snapshot()
    bad = journalist_client.post(f"/desk/claims/{claim.pk}/appearances/", {
        "appearance-quote": SENTENCES["es"], "appearance-speaker": speaker.name, "appearance-language": "Spanish"},
        headers=HX)
    assert bad.status_code == 422
    assert "Not a language tag" in _error_next_to(_desk_parse(bad), "Language")
    assert snapshot() == before

    given = journalist_client.post(f"/desk/claims/{claim.pk}/appearances/", {
        "appearance-quote": SENTENCES["pt"], "appearance-speaker": speaker.name, "appearance-language": "pt-pt"},
        headers=HX)
    assert given.status_code == 200
    detected = journalist_client.post(f"/desk/claims/{claim.pk}/appearances/", {
        "appearance-quote": SENTENCES["es"], "appearance-speaker": speaker.name, "appearance-language": ""},
        headers=HX)
    assert detected.status_code == 200
    assert sorted(claim.appearances.filter(primary=False).values_list("language", flat=True)) == ["es", "pt-PT"]
    listed = {li.find("blockquote").get_text(strip=True): li for li in _desk_parse(detected).find_all(
        attrs={"data-testid": "appearance"}) if li.find("blockquote")}
    assert listed[SENTENCES["es"]].find("blockquote")["lang"] == "es"
    assert listed[SENTENCES["es"]].find(attrs={"data-testid": "appearance-language"}).get_text() == "(Español)"


@pytest.mark.django_db
def test_the_new_claim_form_saves_an_appearance_in_the_language_given(journalist_client, lucia):
    claim = factories.ClaimFactory(quote=SENTENCES["es"], language="es", speaker=lucia)
    response = journalist_client.post("/desk/claims/new/", {**NEW_CLAIM, "language": "es-AR",
                                                            "decision": "appearance", "duplicate_of": claim.pk})
    assert response.status_code == 303
    assert claim.appearances.get(primary=False).language == "es-AR"


@pytest.mark.django_db
def test_the_dashboard_shows_a_language_other_than_the_newsrooms(journalist_client, journalist):
    spanish = factories.ClaimFactory(researching=True, assignee=journalist, quote=SENTENCES["es"], language="es")
    factories.ClaimFactory(researching=True, assignee=journalist, quote=SENTENCES["en"])
    soup = _desk(journalist_client, "/desk/")
    link = soup.find("a", href=spanish.get_desk_url())
    assert link["lang"] == "es"
    assert [tag.get_text() for tag in soup.find_all(attrs={"data-testid": "claim-language"})] == ["Español"]
