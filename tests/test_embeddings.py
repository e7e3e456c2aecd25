"""The meaning half of "already checked?": embeddings stored for every claim and appearance.

Run on both servers: the embedded one (pgvector: HNSW indexes, nearest meanings asked of them) and
a PostgreSQL without the extension (``DATABASE_URL=postgres://…:5432/…``: the word candidates are
re-ranked exactly in numpy). Each test says what it expects of the server it runs on.
"""

from __future__ import annotations

import csv
import io
import json
import socket

import numpy as np
import pytest
from django.core.checks import Info
from django.core.management import call_command
from django.db import connection

from claims import embeddings, services
from claims.checks import matching_mode
from claims.matching import find_similar, has_pgvector, refresh_term_stats, similarity
from claims.models import Appearance, Claim
from tests import factories

pytestmark = pytest.mark.django_db


def _server_has_pgvector() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'vector'")
        return cursor.fetchone() is not None


# --- the model ------------------------------------------------------------------------------------


def test_it_embeds_offline_into_unit_vectors_of_256(monkeypatch):
    embeddings._model.cache_clear()

    def no_network(*args, **kwargs):
        raise AssertionError("the model tried the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    [a, b, c] = embeddings.embed_array(["Over 50,000 migrants crossed the Channel",
                                        "More than fifty thousand people crossed the channel in boats",
                                        "Teachers' pay has fallen in real terms"])
    assert len(a) == embeddings.DIM == 256
    assert np.linalg.norm(a) == pytest.approx(1.0, abs=1e-4)
    assert np.dot(a, b) > np.dot(a, c)
    assert embeddings.embed_array([]).shape == (0, 256)


def test_it_embeds_english_only():
    assert embeddings.applies_to("en") and embeddings.applies_to("en-GB") and embeddings.applies_to(None)
    assert not embeddings.applies_to("es") and not embeddings.applies_to("pt-BR")
    english, spanish = embeddings.literals(["Crime fell", "El crimen bajó"], ["en", "es"])
    assert english.startswith("{") and len(english.strip("{}").split(",")) == 256 and spanish is None


# --- stored on save, on import, and by a command ------------------------------------------------


def test_it_stores_the_embedding_of_a_claim_logged_and_of_its_first_appearance(journalist):
    speaker = factories.SpeakerFactory()
    claim = services.claim_create(actor=journalist, quote="Knife crime has gone up by 77% in London",
                                  speaker=speaker, language="en")
    claim.refresh_from_db()
    assert len(claim.embedding) == 256
    first = claim.appearances.get(primary=True)
    assert first.embedding == pytest.approx(claim.embedding, abs=1e-5)


def test_it_stores_no_embedding_for_a_claim_in_another_language(journalist):
    claim = services.claim_create(actor=journalist, quote="Los migrantes cruzaron el canal en pequeñas barcas",
                                  speaker=factories.SpeakerFactory(), language="es")
    claim.refresh_from_db()
    assert claim.embedding is None
    assert claim.appearances.get().embedding is None


def test_it_recomputes_the_embedding_when_the_quote_changes(editor):
    claim = services.claim_create(actor=editor, quote="Knife crime has gone up by 77% in London",
                                  speaker=factories.SpeakerFactory(), language="en")
    claim.refresh_from_db()
    before = claim.embedding
    services.claim_update(claim_id=claim.pk, actor=editor, version=claim.version,
                          data={"quote": "Teachers' pay has fallen 13% in real terms since 2010"})
    claim.refresh_from_db()
    assert claim.embedding != before
    assert claim.appearances.get(primary=True).embedding == pytest.approx(claim.embedding, abs=1e-5)


def test_it_stores_the_embedding_of_an_appearance_added(editor):
    claim = services.claim_create(actor=editor, quote="Knife crime has gone up by 77% in London",
                                  speaker=factories.SpeakerFactory(), language="en")
    appearance = services.appearance_add(claim_id=claim.pk, actor=editor, quote="London knife crime up 77 per cent",
                                         speaker=factories.SpeakerFactory())
    appearance.refresh_from_db()
    assert len(appearance.embedding) == 256


def test_it_embeds_archive_records_in_bulk_on_import(tmp_path):
    path = tmp_path / "archive.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["claim", "speaker", "rating", "date", "url"])
        for i in range(30):
            writer.writerow([f"Council tax rose by {i + 5}% in district {i}.", "Archive Speaker", "False",
                             "2021-03-04", f"https://archive.example.org/e/{i}"])
    call_command("import_claims", str(path), quiet_progress=True, stdout=io.StringIO())
    assert Claim.objects.filter(imported=True, embedding__isnull=False).count() == 30
    assert Appearance.objects.filter(claim__imported=True, embedding__isnull=False).count() == 30


def test_it_embeds_existing_rows_with_a_command():
    claims = [factories.ClaimFactory(published=True) for _ in range(3)]
    factories.ClaimFactory(published=True, language="es", quote="El paro bajó")
    assert not Claim.objects.filter(embedding__isnull=False).exists()
    out = io.StringIO()
    call_command("embed_claims", "--missing", stdout=out)
    assert "Embedded 4 claims." in out.getvalue()
    assert Claim.objects.filter(pk__in=[c.pk for c in claims], embedding__isnull=False).count() == 3
    assert Claim.objects.get(language="es").embedding is None
    out = io.StringIO()
    call_command("embed_claims", "--missing", stdout=out)
    assert "Embedded 1 claims." in out.getvalue()  # only the Spanish one is still without


# --- both modes -----------------------------------------------------------------------------------


def test_it_indexes_the_embeddings_where_the_server_has_pgvector():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE indexname LIKE '%embedding_hnsw'")
        indexes = dict(cursor.fetchall())
        cursor.execute("SELECT data_type, udt_name FROM information_schema.columns "
                       "WHERE table_name = 'claims_claim' AND column_name = 'embedding'")
        assert cursor.fetchone() == ("ARRAY", "_float4")  # real[] on every server
    if _server_has_pgvector():
        assert set(indexes) == {"claims_claim_embedding_hnsw", "claims_appearance_embedding_hnsw"}
        assert "hnsw" in indexes["claims_claim_embedding_hnsw"]
        assert "vector(256)" in indexes["claims_claim_embedding_hnsw"]
        assert has_pgvector()
    else:
        assert indexes == {}
        assert not has_pgvector()


def test_it_reports_the_matching_mode_as_an_info_message():
    [message] = matching_mode(None, databases=["default"])
    assert isinstance(message, Info) and message.id == "claims.I001"
    if _server_has_pgvector():
        assert "pgvector" in message.msg
    else:
        assert "exact re-ranking" in message.msg
    assert matching_mode(None, databases=None) == []
    out = io.StringIO()
    call_command("check", "--database", "default", stdout=out, stderr=out)
    assert "claims.I001" in out.getvalue()


def _store(quote: str, **kwargs) -> Claim:
    claim = factories.ClaimFactory(published=True, quote=quote, claim_checked="", **kwargs)
    embeddings.store_claims([claim.pk])
    return claim


def test_it_finds_a_claim_by_its_meaning_among_others_sharing_its_words():
    from claims.services import refresh_search_vectors

    meant = _store("Migrants crossing the Channel in small boats reached a record this summer")
    for n in range(8):
        _store(f"A record {n} small council budgets were cut this year")
    refresh_search_vectors(Claim.objects.values_list("pk", flat=True))
    refresh_term_stats()
    [best, *_] = find_similar("record number of asylum seekers arrived by dinghy across the channel")
    assert best.claim == meant
    assert best.semantic is not None and best.semantic > 0.3
    data = best.as_dict()
    assert set(data) >= {"claim", "score", "lexical", "semantic", "shared_words"}
    assert json.dumps(data)


def test_it_matches_other_languages_by_their_words_only():
    from claims.services import refresh_search_vectors

    claim = factories.ClaimFactory(published=True, language="es", claim_checked="",
                                   quote="Los migrantes cruzaron el canal en pequeñas barcas")
    refresh_search_vectors([claim.pk])
    refresh_term_stats()
    [match] = find_similar("migrantes cruzaron el canal", language="es")
    assert match.claim == claim
    assert match.semantic is None
    assert match.score <= match.lexical  # words alone: no meaning raises it (a near miss may lower it)


def test_its_similarity_uses_meaning_as_well_as_words():
    near = similarity("Inflation has fallen to 2 per cent", "Inflation is down to two percent")
    far = similarity("Inflation has fallen to 2 per cent", "Knife crime has gone up in London")
    assert near > 0.5 > far
    assert similarity("Inflation is down to two percent", "Inflation has fallen to 2 per cent") == pytest.approx(near)
