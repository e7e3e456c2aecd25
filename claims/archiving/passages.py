"""Is the quoted passage in the archived text, and is the evidence's figure near it?

Both sides are normalised the same way (accents, typographic quotes and dashes, white space, digit
groups, case) and compared with rapidfuzz's partial ratio: the best-matching stretch of the text of
the passage's length scores 0..100. At ``PASSAGE_MATCH_THRESHOLD`` (90) or more the passage counts
as found: a changed word or two, a hyphenation or a dropped comma still match; another sentence does
not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from rapidfuzz import fuzz

from claims.extraction.numbers import find_numbers
from claims.textnorm import normalise

_SPACE = re.compile(r"\s+")
_ELLIPSIS = re.compile(r"\s*(?:\.\.\.|…|\[\s*\.\.\.\s*\]|\[…\])\s*")
NEAR = 400  # characters either side of the passage where its figure may be


@dataclass(frozen=True)
class PassageMatch:
    score: float
    start: int  # in the normalised text
    end: int


def for_matching(text: str) -> str:
    text = normalise(text).replace("\u2026", "...").replace("\u00ad", "")
    return _SPACE.sub(" ", text).strip().casefold()


def find_passage(passage: str, text: str, threshold: float) -> PassageMatch | None:
    """Where the passage is in the text, or None. A passage quoted with an ellipsis ("… the rest")
    is found when each of its parts is."""
    needle, haystack = for_matching(passage), for_matching(text)
    if not needle or not haystack:
        return None
    exact = haystack.find(needle)
    if exact >= 0:
        return PassageMatch(100.0, exact, exact + len(needle))
    parts = [part for part in _ELLIPSIS.split(needle) if len(part) >= 3]
    if len(parts) > 1:
        found = [find_passage(part, haystack, threshold) for part in parts]
        if all(found):
            return PassageMatch(min(m.score for m in found), min(m.start for m in found), max(m.end for m in found))
        return None
    if len(needle) > len(haystack):
        return None
    aligned = fuzz.partial_ratio_alignment(needle, haystack, score_cutoff=threshold)
    if aligned is None:
        return None
    return PassageMatch(aligned.score, aligned.dest_start, aligned.dest_end)


def figure_near(value: Decimal | float | int, text: str, match: PassageMatch, near: int = NEAR) -> bool:
    """The figure's value is written (as digits or words, "1,900", "1.9 million") in or next to the
    passage's place in the (normalised) text."""
    try:
        wanted = Decimal(str(value))
    except InvalidOperation:
        return False
    haystack = for_matching(text)
    window = haystack[max(0, match.start - near): match.end + near]
    for number in find_numbers(window):
        try:
            if Decimal(str(number["value"])) == wanted:
                return True
        except InvalidOperation:
            continue
    return False
