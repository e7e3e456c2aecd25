"""Claims in every language, searched: each claim's document is stemmed in its own language, a
query is read in the reader's language (chosen or clearly detected), the newsroom's and word for
word, and claims in the reader's language come first; matching does the same."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.postgres.search import SearchQuery
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims import public_cache
from claims.languages import language_name, search_config
from claims.matching import find_duplicates, find_similar
from claims.models import Claim
from claims.search import search_query
from claims.views.public import filtered
from tests import factories
from tests.html import all_by_testid, field_by_label, parse
from tests.test_public import card_links, published

pytestmark = pytest.mark.django_db

SPANISH = "Los migrantes cruzaron el canal en pequeñas embarcaciones durante el verano pasado."
PORTUGUESE = "O número de desempregados caiu pela metade desde as últimas eleições no país."
FRENCH = "Le chômage a baissé de moitié depuis les dernières élections dans notre région."
ENGLISH = "Small boats crossed the Channel in record numbers during the summer."


def lexemes(claim: Claim) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT word FROM claims_claim, unnest(search_vector) AS v(word) WHERE id = %s", [claim.pk])
        return {row[0] for row in cursor.fetchall()}


def found(text: str, language: str | None = None) -> set[int]:
    query = search_query(text, language=language)
    return set(Claim.objects.filter(search_vector=query).values_list("pk", flat=True))


# --- configurations ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("tag", "config"), [
    ("es", "spanish"), ("es-MX", "spanish"), ("pt-BR", "portuguese"), ("fr-CA", "french"), ("de", "german"),
    ("en-GB", "english"), ("nb", "norwegian"), ("ar", "arabic"), ("ja", "simple"), ("sw", "simple"),
    ("", "simple"), (None, "simple"),
])
def test_it_maps_each_language_to_a_postgresql_configuration(tag, config):
    assert search_config(tag) == config


def test_every_configuration_it_names_exists_in_postgresql():
    from claims.languages import TEXT_SEARCH_CONFIGS

    with connection.cursor() as cursor:
        cursor.execute("SELECT cfgname FROM pg_ts_config")
        present = {row[0] for row in cursor.fetchall()}
    assert set(TEXT_SEARCH_CONFIGS.values()) | {"simple"} <= present


@pytest.mark.parametrize(("tag", "name"), [
    ("es", "Español"), ("pt", "Português"), ("fr", "Français"), ("de", "Deutsch"), ("it", "Italiano"),
    ("ar", "العربية"), ("pt-BR", "Português (pt-BR)"), ("qaa", "qaa"),
])
def test_it_names_each_language_in_itself(tag, name):
    assert language_name(tag) == name


# --- documents --------------------------------------------------------------------------------------


def test_a_spanish_claims_document_is_stemmed_in_spanish_and_keeps_its_words():
    claim = factories.ClaimFactory(quote=SPANISH, language="es")
    words = lexemes(claim)
    assert {"migrant", "cruz", "canal"} <= words  # Spanish stems
    assert {"migrantes", "cruzaron"} <= words  # and the words as written


def test_an_english_claims_document_is_as_before():
    claim = factories.ClaimFactory(quote=ENGLISH, claim_checked="", language="en")
    with connection.cursor() as cursor:
        cursor.execute("SELECT c.search_vector = setweight(to_tsvector('english', c.quote || ' '), 'A') "
                       "|| setweight(to_tsvector('english', s.name || ' ' || s.role), 'B') "
                       "|| setweight(to_tsvector('english', ''), 'C') "
                       "FROM claims_claim c JOIN claims_speaker s ON s.id = c.speaker_id WHERE c.id = %s", [claim.pk])
        assert cursor.fetchone() == (True,)
    assert "crossed" not in lexemes(claim)  # nothing kept as written: English queries read it in English


def test_a_language_postgresql_cannot_stem_is_searched_word_for_word():
    claim = factories.ClaimFactory(quote="Bei ya mafuta imepanda mara mbili mwaka huu", language="sw")
    assert {"bei", "mafuta", "imepanda"} <= lexemes(claim)
    assert found("imepanda") == {claim.pk}
    assert found("mafuta imepanda", language="sw") == {claim.pk}


# --- queries ---------------------------------------------------------------------------------------


def test_a_spanish_claim_is_found_by_its_inflected_words():
    claim = factories.ClaimFactory(quote=SPANISH, language="es")
    factories.ClaimFactory(quote=ENGLISH)
    assert found("migrante", language="es") == {claim.pk}
    assert found("migrantes", language="es") == {claim.pk}
    # "cruzan" is "cruzaron" only to a Spanish reader: the English stemmer keeps them apart.
    assert found("cruzan", language="en") == set()
    assert found("cruzan", language="es") == {claim.pk}
    assert found("migrantes cruzan el canal", language="es") == {claim.pk}


def test_a_portuguese_claim_is_found_by_its_inflected_words():
    claim = factories.ClaimFactory(quote=PORTUGUESE, language="pt-BR")
    assert found("desemprego", language="en") == set()
    assert found("desemprego", language="pt") == {claim.pk}
    assert found("desemprego metade", language="pt-BR") == {claim.pk}


def test_a_french_claim_is_found_by_its_inflected_words():
    claim = factories.ClaimFactory(quote=FRENCH, language="fr")
    assert found("baissera", language="en") == set()
    assert found("baissera", language="fr") == {claim.pk}


def test_the_language_of_a_long_query_is_detected_and_a_short_one_is_read_the_newsrooms_way():
    claim = factories.ClaimFactory(quote=SPANISH, language="es")
    assert found("cruzan los migrantes el canal en pequeñas embarcaciones") == {claim.pk}  # clearly Spanish
    assert found("cruzan") == set()  # one word says nothing: read in English and as written


def test_names_and_words_as_written_are_found_in_any_language():
    """A Portuguese document stems "Iraqi" to "iraq"; its words as written still match an English reader."""
    claim = factories.ClaimFactory(quote="Os iraquianos, disse o Iraqi Council, chegaram em barcos.", language="pt")
    assert found("Iraqi") == {claim.pk}
    assert found("Iraqi", language="pt") == {claim.pk}


def test_english_claims_are_found_whatever_the_readers_language():
    claim = factories.ClaimFactory(quote=ENGLISH)
    assert found("boats crossing", language="es") == {claim.pk}
    assert found("boat", language="ja") == {claim.pk}


def test_a_word_left_out_is_left_out_in_every_reading():
    spanish = factories.ClaimFactory(quote=SPANISH, language="es")
    other = factories.ClaimFactory(quote="Los barcos cruzaron el canal.", language="es")
    assert found("cruzan", language="es") == {spanish.pk, other.pk}
    assert found("cruzan -migrante", language="es") == {other.pk}
    assert found('cruzan -"pequeñas embarcaciones"', language="es") == {other.pk}


@pytest.mark.parametrize("text", ["", "   ", "-", "-migrantes", '"', "a & | ! <-> :*", "x" * 600, "canal -el",
                                  "-el -la", "canal or -the", 'canal -"el"', "canal --migrantes", "canal -"])
def test_it_answers_any_query_text(text):
    factories.ClaimFactory(quote=SPANISH, language="es")
    for language in ("es", "en", "ja"):
        query = search_query(text, language=language)
        if query is not None:
            list(Claim.objects.filter(search_vector=query))


# --- the public search and filters -----------------------------------------------------------------


def search(client, **params):
    response = client.get("/search/", params)
    assert response.status_code == 200
    return parse(response)


def test_the_public_search_reads_the_query_in_the_chosen_language(client):
    claim = published(SPANISH, language="es")
    assert card_links(search(client, q="cruzan")) == []
    assert card_links(search(client, q="cruzan", language="es")) == [f"/claims/{claim.slug}/"]


def test_the_public_search_puts_claims_in_the_readers_language_first(client):
    english = published("The canal boats crossed the canal twice, canal after canal.", language="en")
    spanish = published("El canal.", language="es")
    assert card_links(search(client, q="canal")) == [f"/claims/{english.slug}/", f"/claims/{spanish.slug}/"]
    assert card_links(search(client, q="canal", language="es")) == [f"/claims/{spanish.slug}/"]  # the filter
    # Read as Spanish (clearly Spanish words), Spanish claims come first.
    both = published("Los barcos cruzaron el canal durante la noche.", language="es")
    english_too = published("The banner said: los barcos cruzaron el canal durante la noche, in Spanish.",
                            language="en")
    soup = search(client, q="los barcos cruzaron el canal durante la noche")
    assert card_links(soup) == [f"/claims/{both.slug}/", f"/claims/{english_too.slug}/"]
    assert card_links(search(client, q="los barcos cruzaron el canal durante la noche", language="en")) == [
        f"/claims/{english_too.slug}/"]


def test_the_snippet_is_highlighted_in_the_claims_language(client):
    published(SPANISH, language="es")
    soup = search(client, q="cruzan", language="es")
    snippet = soup.find(class_="snippet")
    assert snippet["lang"] == "es"
    assert [mark.get_text() for mark in snippet.find_all("mark")] == ["cruzaron"]


def test_the_filters_offer_only_the_languages_of_published_checks(client):
    published(ENGLISH)
    published(SPANISH, language="es-MX")
    published(PORTUGUESE, language="pt")
    factories.ClaimFactory(quote=FRENCH, language="fr", researching=True)  # not public
    factories.ClaimFactory(quote=FRENCH, language="de", published=True, imported=True,
                           original_url="https://archive.example.org/1")  # an archive record
    for url in ("/", "/search/"):
        select = field_by_label(parse(client.get(url)), "Language")
        options = [(o["value"], o.get_text()) for o in select.find_all("option")]
        assert options == [("", "Any language"), ("en", "English"), ("es", "Español"), ("pt", "Português")]
        assert select.find("option", value="es")["lang"] == "es"


def test_the_language_filter_is_hidden_when_every_check_is_in_one_language(client):
    published(ENGLISH)
    published("Another claim in English about boats.")
    soup = parse(client.get("/"))
    assert soup.find("select", attrs={"name": "language"}) is None
    assert field_by_label(soup, "Rating") is not None


def test_the_language_filter_matches_the_language_whatever_the_region(client):
    mexico = published(SPANISH, language="es-MX")
    spain = published("El paro bajó a la mitad en la región el año pasado.", language="es")
    english = published(ENGLISH)
    assert set(card_links(parse(client.get("/", {"language": "es"})))) == {
        f"/claims/{mexico.slug}/", f"/claims/{spain.slug}/"}
    # The language counts, not the region (as in Google's Fact Check Tools).
    soup = parse(client.get("/", {"language": "ES-mx"}))
    assert len(card_links(soup)) == 2
    assert field_by_label(soup, "Language").find("option", selected=True)["value"] == "es"
    assert set(card_links(parse(client.get("/", {"language": "en"})))) == {f"/claims/{english.slug}/"}
    assert card_links(parse(client.get("/", {"language": "fr"}))) == []
    # Junk is ignored, never an error.
    assert len(card_links(parse(client.get("/", {"language": "<script>"})))) == 3
    soup = parse(client.get("/search/", {"q": "canal", "language": "es"}))
    assert card_links(soup) == [f"/claims/{mexico.slug}/"]
    assert field_by_label(soup, "Language").find("option", selected=True)["value"] == "es"


def test_filtered_takes_filters_without_a_language():
    claim = published(ENGLISH)
    filters = {"rating": "", "speaker": "", "topic": "", "from": "", "to": ""}
    assert list(filtered(Claim.objects.public(), filters)) == [claim]
    assert list(filtered(Claim.objects.public(), {**filters, "language": "es"})) == []


def test_public_pages_say_the_language_of_the_quote(client):
    spanish = published(SPANISH, language="es")
    english = published(ENGLISH)
    page = parse(client.get(spanish.get_absolute_url()))
    assert page.find(attrs={"data-testid": "quote"})["lang"] == "es"
    assert parse(client.get(english.get_absolute_url())).find(attrs={"data-testid": "quote"}).get("lang") is None
    cards = {card.find("a")["href"]: card for card in all_by_testid(parse(client.get("/")), "claim-card")}
    assert cards[f"/claims/{spanish.slug}/"].find("a").find("span")["lang"] == "es"
    assert cards[f"/claims/{english.slug}/"].find("a").find("span").get("lang") is None
    embed = parse(client.get(f"/embed/claims/{spanish.slug}/"))
    assert embed.find(attrs={"data-testid": "quote"})["lang"] == "es"


def count_queries(client, url: str) -> int:
    cache.clear()
    public_cache.generation()
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", ["/", "/search/?q=canal", "/?language=es"])
def test_the_language_filter_costs_one_query_however_many_languages(client, url):
    published("The canal is closed.", language="en")
    published("El canal está cerrado.", language="es")
    few = count_queries(client, url)
    for n, tag in enumerate(["pt", "fr", "de", "it", "ar", "es-MX", "pt-BR", "sw"]):
        published(f"Canal {n} cerrado, fechado, fermé, geschlossen.", language=tag)
    assert count_queries(client, url) == few <= (10 if url.startswith("/search/") else 9)  # search: + its snippets


# --- matching ----------------------------------------------------------------------------------------


SPANISH_DUPLICATES = [
    ("es", "El desempleo se ha reducido a la mitad desde las últimas elecciones.",
     "el desempleo se ha reducido a la mitad desde las ultimas elecciones"),
    ("es", "Los migrantes cruzaron el canal en pequeñas embarcaciones durante el verano pasado.",
     "«Los migrantes cruzaron el Canal en pequeñas embarcaciones durante el verano pasado»"),
]
PORTUGUESE_DUPLICATES = [
    ("pt-BR", "O número de desempregados caiu pela metade desde as últimas eleições no país.",
     "O numero de desempregados caiu pela metade desde as ultimas eleicoes no pais!"),
    ("pt", "A inflação chegou a dez por cento no mês passado, disse o ministro.",
     "“A inflação chegou a dez por cento no mês passado”, disse o ministro."),
]


@pytest.mark.parametrize(("language", "logged", "typed"), SPANISH_DUPLICATES + PORTUGUESE_DUPLICATES)
def test_a_claim_finds_its_duplicate_in_its_own_language(language, logged, typed):
    claim = factories.ClaimFactory(quote=logged, language=language)
    factories.ClaimFactory(quote="Unemployment has halved since the last election, the minister said.")
    assert [m.claim for m in find_duplicates(typed)] == [claim]
    assert [m.claim for m in find_duplicates(typed, language=language)] == [claim]


def test_a_different_spanish_claim_is_no_duplicate():
    factories.ClaimFactory(quote="El desempleo se ha reducido a la mitad desde las últimas elecciones.", language="es")
    assert find_duplicates("La inflación se ha duplicado desde las últimas elecciones generales.") == []


def test_matching_puts_claims_in_the_texts_language_first():
    english = factories.ClaimFactory(published=True, quote="Canal migrantes canal migrantes verano.", language="en")
    spanish = factories.ClaimFactory(published=True, quote=SPANISH, language="es")
    matches = find_similar("Los migrantes cruzaron el canal el verano pasado en barcas pequeñas.")
    assert [m.claim for m in matches][:1] == [spanish]
    assert english in [m.claim for m in find_similar("migrantes canal verano", language="en")]
    assert next(m.claim for m in find_similar("migrantes canal verano", language="en")) == english


# --- importers ---------------------------------------------------------------------------------------


def test_the_archive_import_stems_each_record_in_its_language(tmp_path):
    path = tmp_path / "archive.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["claim", "speaker", "rating", "date", "url"])
        writer.writerow([SPANISH, "Lucía Ferrer", "False", "2024-05-01", "https://archive.example.org/es"])
        writer.writerow([ENGLISH, "Dana Whitfield", "True", "2024-05-02", "https://archive.example.org/en"])
        writer.writerow(["Crime fell.", "Dana Whitfield", "True", "2024-05-03", "https://archive.example.org/short"])
    call_command("import_claims", str(path), "--quiet-progress", stdout=io.StringIO(), stderr=io.StringIO())
    languages = dict(Claim.objects.values_list("original_url", "language"))
    assert languages == {"https://archive.example.org/es": "es", "https://archive.example.org/en": "en",
                         "https://archive.example.org/short": "en"}
    spanish = Claim.objects.get(original_url="https://archive.example.org/es")
    assert found("cruzan", language="es") == {spanish.pk}
    assert "cruz" in lexemes(spanish)


def test_the_claimreview_import_stems_each_record_in_its_language(tmp_path):
    import json

    from claims.claimreview.importer import import_claimreview

    def review(n, claim, **extra):
        return {"@context": "https://schema.org", "@type": "ClaimReview", "url": f"https://checks.example.org/{n}",
                "claimReviewed": claim, "reviewRating": {"@type": "Rating", "alternateName": "False"},
                "itemReviewed": {"@type": "Claim", "author": {"@type": "Person", "name": "Ana Costa"}}, **extra}

    path = tmp_path / "reviews.json"
    path.write_text(json.dumps([review(1, PORTUGUESE, inLanguage="pt-BR"), review(2, SPANISH)]))
    import_claimreview([str(path)])
    portuguese = Claim.objects.get(original_url="https://checks.example.org/1")
    spanish = Claim.objects.get(original_url="https://checks.example.org/2")
    assert "desempreg" in lexemes(portuguese) and "cruz" in lexemes(spanish)
    # Imported again, in another language: the document follows.
    path.write_text(json.dumps([review(1, PORTUGUESE, inLanguage="es")]))
    import_claimreview([str(path)])
    again = Claim.objects.get(pk=portuguese.pk)
    assert again.language == "es"
    assert stems("spanish", PORTUGUESE) <= lexemes(again)
    assert stems("portuguese", PORTUGUESE) - stems("spanish", PORTUGUESE) - stems("simple", PORTUGUESE)
    assert not (stems("portuguese", PORTUGUESE) - stems("spanish", PORTUGUESE) - stems("simple", PORTUGUESE)
                ) & lexemes(again)
    assert Claim.objects.filter(search_vector=SearchQuery("desempregados", config="simple"), pk=portuguese.pk)


def stems(config: str, text: str) -> set[str]:
    from claims.textnorm import normalise

    with connection.cursor() as cursor:
        cursor.execute("SELECT word FROM unnest(to_tsvector(%s::regconfig, %s)) AS v(word)", [config, normalise(text)])
        return {row[0] for row in cursor.fetchall()}


def test_refresh_search_terms_rebuilds_the_documents_of_claims_in_other_languages():
    spanish = factories.ClaimFactory(quote="Los migrantes llegaron en barcos pequeños este verano.", language="es")
    english = factories.ClaimFactory(quote="Migrants arrived in small boats this summer.")
    Claim.objects.filter(pk__in=[spanish.pk, english.pk]).update(search_vector=None)
    out = io.StringIO()
    call_command("refresh_search_terms", "--documents", stdout=out)
    assert "Rebuilt 1 search documents." in out.getvalue()
    assert Claim.objects.filter(pk=spanish.pk, search_vector=search_query("migrante", language="es")).exists()
    assert Claim.objects.get(pk=english.pk).search_vector is None  # the newsroom's language is left as it was
