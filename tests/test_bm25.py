"""The word half of "already checked?": Okapi BM25 with IDF from the term statistics we keep.

Pure scoring first (term frequency saturates, longer documents count a shared word for less, rarer
words weigh more), then the terms (stemmed as PostgreSQL stems them, numbers by value), then the
statistics the IDF comes from (``SearchTerm``: refreshed, or added to after an import).
"""

from __future__ import annotations

import math

import pytest

from claims.extraction.ranking import bm25, bm25_terms, near_miss
from claims.matching import (
    STATS_CLAIMS,
    STATS_LENGTH,
    Stats,
    add_term_stats,
    find_similar,
    query_lexemes,
    refresh_term_stats,
    term_stats,
)
from claims.models import SearchTerm
from tests import factories

# --- scoring --------------------------------------------------------------------------------------


def test_it_scores_a_shared_term_by_its_idf_and_saturated_frequency():
    value, shared = bm25({"boat": 2.0}, ["boat", "channel"], avgdl=2.0, k1=1.2, b=0.75)
    # tf 1, length at the average: idf · (k1 + 1) / (1 + k1)
    assert value == pytest.approx(2.0)
    assert shared == {"boat"}


def test_it_saturates_term_frequency():
    one = bm25({"boat": 1.0}, ["boat", "a", "b", "c"], avgdl=4.0)[0]
    two = bm25({"boat": 1.0}, ["boat", "boat", "b", "c"], avgdl=4.0)[0]
    ten = bm25({"boat": 1.0}, ["boat"] * 10 + ["c"] * 0, avgdl=10.0)[0]
    assert one < two < ten < 1.0 * (1.2 + 1)  # never more than idf · (k1 + 1)
    assert two - one > ten - two - (two - one)  # each repeat adds less


def test_it_counts_a_shared_word_for_less_in_a_longer_document():
    short = bm25({"boat": 1.0}, ["boat", "channel"], avgdl=6.0)[0]
    long = bm25({"boat": 1.0}, ["boat", "channel", "a", "b", "c", "d", "e", "f", "g", "h"], avgdl=6.0)[0]
    assert short > long > 0
    # b = 0: no length normalisation at all
    assert bm25({"boat": 1.0}, ["boat"], avgdl=6.0, b=0)[0] == pytest.approx(
        bm25({"boat": 1.0}, ["boat"] + ["x"] * 20, avgdl=6.0, b=0)[0])


def test_it_weighs_rarer_words_more_and_ignores_words_not_asked_for():
    weights = {"iraqi": 5.0, "boat": 1.0}
    rare = bm25(weights, ["iraqi", "arrival"], avgdl=2.0)[0]
    common = bm25(weights, ["boat", "arrival"], avgdl=2.0)[0]
    assert rare > common
    assert bm25(weights, ["arrival", "channel"], avgdl=2.0) == (0.0, set())
    assert bm25({}, ["boat"], avgdl=2.0) == (0.0, set())
    assert bm25(weights, [], avgdl=2.0) == (0.0, set())


def test_its_idf_is_bm25s_and_a_word_nobody_used_counts_as_used_once():
    stats = Stats({"boat": 10, "the": 1000}, 1000, 10.0)
    assert stats.idf("boat") == pytest.approx(math.log(1 + (1000 - 10 + 0.5) / 10.5))
    assert stats.idf("the") == pytest.approx(math.log(1 + 0.5 / 1000.5))
    assert stats.idf("zzyzx") == pytest.approx(math.log(1 + (1000 - 1 + 0.5) / 1.5))
    assert stats.idf("zzyzx") > stats.idf("boat") > stats.idf("the") > 0


# --- terms ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_its_terms_are_the_lexemes_postgresql_stores():
    text = "Illegal immigrants have crossed the Channel in small boats, crossings rising"
    assert set(bm25_terms(text)) == set(query_lexemes(text))


def test_its_terms_read_numbers_by_value_accents_and_case_folded():
    assert bm25_terms("Over 50,000 crossed") == bm25_terms("more than fifty thousand CROSSED")
    assert "50000" in bm25_terms("fifty thousand")
    assert bm25_terms("Café") == bm25_terms("cafe")
    assert bm25_terms("Los migrantes cruzaron", "spanish") == ["los", "migrant", "cruz"]
    assert bm25_terms("Migrantes", "simple") == ["migrantes"]  # no stemmer for 'simple'
    assert bm25_terms("") == []


def test_it_marks_down_texts_that_say_another_thing_on_the_same_words():
    assert near_miss("Crime fell by half last year", "Crime fell by half last year") == 1.0
    assert near_miss("Crime fell by half last year", "Crime rose by half last year") < 1.0
    assert near_miss("We built 350 homes", "We built 450 homes") < 1.0
    assert near_miss("Unemployment is at a record low", "Unemployment is not at a record low") < 1.0


# --- statistics -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_keeps_the_number_of_claims_and_their_mean_length_beside_the_words():
    factories.ClaimFactory(quote="Illegal migrants crossed the Channel in small boats", claim_checked="")
    factories.ClaimFactory(quote="Knife crime rose in London", claim_checked="")
    from claims.models import Claim
    from claims.services import refresh_search_vectors

    refresh_search_vectors(Claim.objects.values_list("pk", flat=True))
    refresh_term_stats()
    stats = term_stats(["channel", "crime"])
    assert stats.claims == 2
    assert stats.ndoc == {"channel": 1, "crime": 1}
    assert 3 <= stats.avgdl <= 8
    rows = dict(SearchTerm.objects.filter(lexeme__in=[STATS_CLAIMS, STATS_LENGTH]).values_list("lexeme", "ndoc"))
    assert rows[STATS_CLAIMS] == 2


@pytest.mark.django_db
def test_it_adds_new_claims_to_the_statistics_without_recounting():
    from claims.models import Claim
    from claims.services import refresh_search_vectors

    first = factories.ClaimFactory(quote="Illegal migrants crossed the Channel in small boats", claim_checked="")
    refresh_search_vectors([first.pk])
    refresh_term_stats()
    second = factories.ClaimFactory(quote="Small boats crossed the Channel from Dover", claim_checked="")
    refresh_search_vectors([second.pk])
    add_term_stats([second.pk])
    stats = term_stats(["channel", "dover"])
    assert stats.claims == 2 and stats.ndoc == {"channel": 2, "dover": 1}
    assert Claim.objects.count() == 2


@pytest.mark.django_db
def test_it_ranks_by_bm25_the_claim_sharing_the_rarer_words_first():
    from claims.models import Claim
    from claims.services import refresh_search_vectors

    rare = factories.ClaimFactory(published=True, quote="Barely any small boat arrivals are Iraqi", claim_checked="")
    for n in range(6):
        factories.ClaimFactory(published=True, quote=f"Small boat arrivals rose in month {n} of the year",
                               claim_checked="")
    refresh_search_vectors(Claim.objects.values_list("pk", flat=True))
    refresh_term_stats()
    [best, *_] = find_similar("Iraqi small boat arrivals", limit=3)
    assert best.claim == rare
    assert {"Iraqi", "small", "boat", "arrivals"} <= set(best.shared_words)
    assert best.lexical == pytest.approx(1.0, abs=0.35)
