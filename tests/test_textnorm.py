"""normalise(): the one text normalisation shared by stored search documents and queries."""

import pytest

from claims.textnorm import fold_accents, normalise


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Café", "Cafe"),
        ("Zoë Brontë naïve", "Zoe Bronte naive"),
        ("Łódź", "Łodz"),  # Ł has no decomposition: only combining marks are folded
        ("ÉCOLE", "ECOLE"),
    ],
)
def test_it_folds_accents(text, expected):
    assert normalise(text) == expected


def test_it_folds_accents_written_as_combining_marks():
    assert normalise("Cafe\u0301") == "Cafe"
    assert fold_accents("cre\u0300me bru\u0302le\u0301e") == "creme brulee"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("\u201cbarely any\u201d", '"barely any"'),
        ("Labour\u2019s short time", "Labour's short time"),
        ("\u2018small boats\u2019", "'small boats'"),
        ("2024\u20132025", "2024-2025"),
        ("figures \u2014 official", "figures - official"),
    ],
)
def test_it_straightens_curly_quotes_and_dashes(text, expected):
    assert normalise(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("50,000", "50000"),
        ("Over 50,000 illegal immigrants", "Over 50000 illegal immigrants"),
        ("1,234,567", "1234567"),
        ("1,900 Iraqis, down from 2,600.", "1900 Iraqis, down from 2600."),
        ("12,345.67", "12345.67"),
        ("50\u00a0000", "50000"),  # no-break space as a thousands separator
        ("50\u202f000", "50000"),  # narrow no-break space
        ("50\u2009000", "50000"),  # thin space
    ],
)
def test_it_joins_thousands_separators(text, expected):
    assert normalise(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "1, 2, 3",
        "3,14",
        "3,1415",
        "1,2345",
        "in 2019, 500 people",
        "a, b and c",
    ],
)
def test_it_leaves_lists_and_decimal_commas_alone(text):
    assert normalise(text) == text


@pytest.mark.parametrize("text", [None, ""])
def test_it_turns_nothing_into_an_empty_string(text):
    assert normalise(text) == ""


def test_it_is_idempotent():
    once = normalise("\u201cCafé\u201d served 1,234,567 coffees")
    assert once == '"Cafe" served 1234567 coffees'
    assert normalise(once) == once
