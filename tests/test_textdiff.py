"""word_diff() and diff_html(): what changed in a long text, as the history timeline shows it."""

from itertools import pairwise

import pytest
from django.utils.safestring import SafeString

from claims.textdiff import diff_html, is_long_text, word_diff
from tests.html import parse

PARAGRAPH = (
    "The minister said 50,000 people crossed the Channel in small boats last year, "
    "up from 45,774 the year before. The Home Office figures show a rise of 9%."
)

CASES = [
    pytest.param("", "", id="empty-to-empty"),
    pytest.param(None, "A new analysis.", id="none-to-text"),
    pytest.param("", PARAGRAPH, id="empty-to-text"),
    pytest.param(PARAGRAPH, "", id="text-to-empty"),
    pytest.param(PARAGRAPH, None, id="text-to-none"),
    pytest.param(PARAGRAPH, PARAGRAPH, id="same-text"),
    pytest.param(PARAGRAPH, PARAGRAPH.replace("small", "large"), id="one-word"),
    pytest.param("Claim: false.", "Claim: false!\n\nSee the sources.", id="punctuation-and-line-breaks"),
    pytest.param("one\ntwo\n\nthree", "one two\r\n\r\nthree\n", id="line-endings"),
    pytest.param("  leading and trailing  ", "\tleading, trailing\n", id="edge-whitespace"),
    pytest.param(
        "He said \u201cover 50,000\u201d \u2014 Labour\u2019s figure.",
        "He said \u2018over 5,000\u2019 \u2013 the Tories\u2019 figure.",
        id="curly-quotes-and-numbers",
    ),
    pytest.param("Café naïve Łódź 数字", "Cafe naive Lodz 数字 🙂", id="unicode"),
    pytest.param("the quick brown fox jumps", "a slow red fox sleeps soundly", id="rewrite"),
]


def reconstruct(runs, side):
    return "".join(text for op, text in runs if op in ("equal", side))


@pytest.mark.parametrize(("before", "after"), CASES)
def test_it_rebuilds_both_texts_from_the_runs(before, after):
    runs = word_diff(before, after)

    assert reconstruct(runs, "delete") == (before or "")
    assert reconstruct(runs, "insert") == (after or "")


@pytest.mark.parametrize(("before", "after"), CASES)
def test_it_never_puts_two_runs_of_one_op_side_by_side(before, after):
    runs = word_diff(before, after)

    assert all(text for _, text in runs)
    assert all(first[0] != second[0] for first, second in pairwise(runs))
    # A replaced span reads "old, then new".
    assert all((first[0], second[0]) != ("insert", "delete") for first, second in pairwise(runs))


def test_it_gives_one_equal_run_for_the_same_text():
    assert word_diff(PARAGRAPH, PARAGRAPH) == [("equal", PARAGRAPH)]


def test_it_gives_no_runs_for_two_empty_texts():
    assert word_diff(None, "") == []


def test_it_gives_one_insert_for_a_new_text():
    assert word_diff(None, PARAGRAPH) == [("insert", PARAGRAPH)]


def test_it_gives_one_delete_for_a_cleared_text():
    assert word_diff(PARAGRAPH, "") == [("delete", PARAGRAPH)]


def test_it_marks_only_the_changed_word_in_a_paragraph():
    runs = word_diff(PARAGRAPH, PARAGRAPH.replace("small", "large"))

    assert [run for run in runs if run[0] != "equal"] == [("delete", "small"), ("insert", "large")]
    assert [op for op, _ in runs] == ["equal", "delete", "insert", "equal"]


def test_it_shows_a_changed_figure_whole():
    runs = word_diff("over 50,000 people", "over 5,000 people")

    assert runs == [("equal", "over "), ("delete", "50,000"), ("insert", "5,000"), ("equal", " people")]


def test_it_keeps_curly_quotes_and_apostrophes_with_their_words():
    runs = word_diff("Labour\u2019s \u201csmall\u201d boats", "Labour\u2019s \u201clarge\u201d boats")

    assert runs == [
        ("equal", "Labour\u2019s \u201c"),
        ("delete", "small"),
        ("insert", "large"),
        ("equal", "\u201d boats"),
    ]


def test_it_marks_a_changed_line_break_but_not_the_words_around_it():
    runs = word_diff("First paragraph.\n\nSecond paragraph.", "First paragraph. Second paragraph.")

    assert runs == [
        ("equal", "First paragraph."),
        ("delete", "\n\n"),
        ("insert", " "),
        ("equal", "Second paragraph."),
    ]


def test_it_marks_only_the_whitespace_when_the_words_are_the_same():
    runs = word_diff("one\ntwo\n\nthree", "one two\r\n\r\nthree\n")

    assert runs == [
        ("equal", "one"),
        ("delete", "\n"),
        ("insert", " "),
        ("equal", "two"),
        ("delete", "\n\n"),
        ("insert", "\r\n\r\n"),
        ("equal", "three"),
        ("insert", "\n"),
    ]


def test_it_marks_changed_leading_whitespace_alone():
    runs = word_diff("  Indented text", "\tIndented text")

    assert runs == [("delete", "  "), ("insert", "\t"), ("equal", "Indented text")]


def test_it_marks_changed_punctuation_alone():
    runs = word_diff("The claim is false.", "The claim is false!")

    assert runs == [("equal", "The claim is false"), ("delete", "."), ("insert", "!")]


def test_it_merges_neighbouring_changed_words_into_one_delete_and_one_insert():
    # The space between "quick brown" and "slow red" is common to both, but marking it
    # unchanged would split one replacement into two.
    runs = word_diff("the quick brown fox", "the slow red fox")

    assert runs == [("equal", "the "), ("delete", "quick brown"), ("insert", "slow red"), ("equal", " fox")]


def test_it_diffs_a_50000_character_analysis():
    paragraphs = [
        f"Paragraph {n}: the department reported {n * 37:,} cases in region {n % 11}, "
        f"against {n * 41:,} a year earlier, a change the minister called \u201csignificant\u201d."
        for n in range(1, 600)
    ]
    before = "\n\n".join(paragraphs)
    after = before.replace("region 3,", "county 3,", 1)
    assert len(before) >= 50_000

    runs = word_diff(before, after)

    assert [run for run in runs if run[0] != "equal"] == [("delete", "region"), ("insert", "county")]
    assert reconstruct(runs, "delete") == before
    assert reconstruct(runs, "insert") == after


def test_it_escapes_every_piece_of_text_in_the_html():
    before = "Safe <script>alert('before')</script> & sound"
    after = 'Safe <script>alert("after")</script> & sound <b>bold</b>'

    html = diff_html(before, after)

    assert "&lt;script&gt;" in html
    assert "<script" not in html
    soup = parse(html)
    assert soup.find_all(["script", "b"]) == []
    assert {tag.name for tag in soup.find_all(True)} == {"del", "ins"}
    assert soup.get_text() == "".join(text for _, text in word_diff(before, after))


def test_it_wraps_inserts_and_deletes_and_leaves_equal_text_plain():
    html = diff_html("the quick brown fox", "the slow red fox")

    soup = parse(html)
    assert [(tag.name, tag.get_text()) for tag in soup.find_all(True)] == [("del", "quick brown"), ("ins", "slow red")]
    assert [str(node) for node in soup.contents if isinstance(node, str)] == ["the ", " fox"]


def test_it_returns_html_that_templates_do_not_escape_again():
    assert isinstance(diff_html("a", "b"), SafeString)
    assert isinstance(diff_html(None, None), SafeString)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("x" * 80, False),
        ("x" * 81, True),
        ("two\nlines", True),
        ("Short claim", False),
        ("", False),
        (None, False),
        (50000, False),
    ],
)
def test_it_tells_long_text_from_short_values(value, expected):
    assert is_long_text(value) is expected
