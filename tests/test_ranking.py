"""rank(): the right claim first for paraphrases, reordered words and numbers written differently;
near misses (other figures, a negation, another subject) lower."""

from __future__ import annotations

import pytest

from claims.extraction import rank
from claims.extraction.stem import stem

ARCHIVE = [
    ("crossings", "Over 50,000 illegal immigrants have crossed the Channel since Labour came to power."),
    ("crossings-small", "5,000 illegal immigrants crossed the Channel in small boats last month."),
    ("crime", "Knife crime rose by 5% in the year to March."),
    ("crime-not", "Knife crime is not rising, police figures show."),
    ("nhs", "NHS waiting lists have fallen to 7.4 million."),
    ("rates", "Business rates have gone up 40% since 2019."),
    ("teachers", "The government has recruited 6,500 new teachers this year."),
    ("energy", "Energy bills have doubled in two years."),
    ("half", "Half of all nurses are thinking of quitting the profession."),
]


def best(query: str, candidates=ARCHIVE):
    ranked = rank(query, candidates)
    return ranked[0][0], ranked


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # paraphrase with synonyms and stems
        ("fifty thousand illegal migrants crossed the Channel under Labour", "crossings"),
        ("the number of knife crimes increased five per cent over the year to March", "crime"),
        ("NHS waiting list has dropped to 7.4m", "nhs"),
        ("6500 extra teachers were hired by ministers this year", "teachers"),
        ("energy bills doubled over the past two years", "energy"),
        # reordered words
        ("since 2019 business rates up by 40 per cent", "rates"),
        ("the Channel was crossed by over 50000 illegal immigrants since Labour came to power", "crossings"),
        # fractions written as percentages
        ("50% of nurses are thinking about quitting", "half"),
    ],
)
def test_the_right_claim_ranks_first(query, expected):
    top, ranked = best(query)
    assert top == expected, ranked[:3]
    assert ranked[0][1] > ranked[1][1]


def test_numbers_written_differently_are_the_same_number():
    pairs = [("a", "Spending rose to 50,000 pounds"), ("b", "Spending rose to 60,000 pounds")]
    for query in ("spending rose to 50000 pounds", "spending rose to fifty thousand pounds",
                  "spending rose to \u00a350,000"):
        top, ranked = best(query, pairs)
        assert top == "a", (query, ranked)


def test_percent_sign_and_per_cent_in_words_match():
    pairs = [("five", "Inflation is running at five per cent."), ("six", "Inflation is running at 6%.")]
    assert best("inflation is at 5%", pairs)[0] == "five"
    assert best("inflation running at six percent", pairs)[0] == "six"


def test_a_different_figure_is_a_near_miss():
    ranked = dict(rank("Over 50,000 illegal immigrants have crossed the Channel",
                       [("same", "More than 50,000 illegal immigrants crossed the Channel"),
                        ("other", "More than 5,000 illegal immigrants crossed the Channel")]))
    assert ranked["same"] > ranked["other"] > 0


def test_a_negation_is_a_near_miss():
    ranked = dict(rank("Knife crime is rising", ARCHIVE))
    assert ranked["crime"] > ranked["crime-not"]


def test_unrelated_texts_score_zero_and_scores_stay_in_range():
    ranked = rank("The weather in Cornwall was sunny at the weekend", ARCHIVE)
    assert all(score == 0.0 for _, score in ranked)
    for _, score in rank("knife crime rose 5%", ARCHIVE):
        assert 0.0 <= score <= 1.0


def test_an_identical_text_scores_near_one():
    ranked = rank(ARCHIVE[4][1], ARCHIVE)
    assert ranked[0] == ("nhs", pytest.approx(1.0, abs=0.01))


def test_it_is_deterministic_and_keeps_input_order_on_ties():
    candidates = [(i, "Energy bills have doubled") for i in range(5)]
    first = rank("energy bills doubled", candidates)
    assert first == rank("energy bills doubled", candidates)
    assert [key for key, _ in first] == [0, 1, 2, 3, 4]


def test_empty_inputs():
    assert rank("anything", []) == []
    assert rank("", [("a", "text")]) == [("a", 0.0)]
    assert rank("text", [("a", "")]) == [("a", 0.0)]


def test_keys_can_be_any_object():
    key = object()
    assert rank("energy bills", [(key, "energy bills doubled")])[0][0] is key


@pytest.mark.parametrize(
    ("words", "same"),
    [
        (("crossings", "crossed", "crossing", "cross"), True),
        (("immigration", "immigrants", "immigrant"), True),
        (("criticised", "criticized", "criticising"), True),
        (("rose", "rising", "rises"), True),
        (("connection", "connections", "connected", "connecting"), True),
        (("police", "policy"), False),
        (("news", "new"), False),
    ],
)
def test_the_stemmer_conflates_inflections(words, same):
    stems = {stem(w) for w in words}
    assert (len(stems) == 1) is same, stems
