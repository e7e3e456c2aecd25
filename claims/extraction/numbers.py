"""Numbers with their units, found in running text.

``find_numbers`` returns one dict per quantity: ``{"text", "value", "unit", "start", "end"}``
with code-point offsets into the text as given. ``text`` is the number expression itself
(currency sign, scale and per cent included: "£210m", "79%", "1.5 million", "two"), not the
counted noun; the noun goes into ``unit`` ("illegal immigrants", "small boats").

Conventions:
- money: value in the currency's units, unit an ISO code ("£210m" → 210000000 "GBP";
  "50p" → 0.5 "GBP"); percentages: unit "%"; percentage points: "percentage points";
  fractions ("half", "a third", "two-thirds", "one in five"): value as a fraction, unit "fraction".
- Ages ("Jo Bloggs, 58,", "aged 58", "a 58-year-old") have unit "age".
- A calendar year is a period, not a quantity: it is returned with unit "year" ("March 2025"
  → 2025 "year", "the 2019 election" → 2019 "year"), so callers can show it and must not count it.
  Days of the month, times of day, ordinals and identifiers ("Covid-19", "M25", "Article 50")
  are not returned at all.
- Approximations ("over 50,000") keep the stated figure as the value.
"""

from __future__ import annotations

import math
import re

from claims.extraction.lexicon import word_set
from claims.extraction.trie import trie_pattern

_SMALL = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000,
           "trillion": 1_000_000_000_000}
_ABBR_SCALES = {"k": 1_000, "m": 1_000_000, "mn": 1_000_000, "mln": 1_000_000, "bn": 1_000_000_000,
                "tn": 1_000_000_000_000, "trn": 1_000_000_000_000}
_CURRENCY_SIGNS = {"£": "GBP", "$": "USD", "€": "EUR", "¥": "JPY", "US$": "USD", "A$": "AUD", "C$": "CAD",
                   "NZ$": "NZD", "HK$": "HKD"}
_CURRENCY_WORDS = {"pounds": "GBP", "pound": "GBP", "sterling": "GBP", "dollars": "USD", "dollar": "USD",
                   "euros": "EUR", "euro": "EUR", "yen": "JPY", "pence": "GBP", "cents": "USD"}
_FRACTIONS = {"half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4, "fifth": 5,
              "fifths": 5, "tenth": 10, "tenths": 10}
MONTHS = word_set(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec")

NOT_QUANTITIES = frozenset({"year", "age"})
_NUM_WORD = trie_pattern([*_SMALL, *_SCALES, "dozen"], either_case=True)
_AFTER_SCALE = "(?:" + "|".join(f"(?<={w})" for w in ("hundred", "thousand", "million", "billion", "trillion")) + ")"
_FIRST_LETTERS = "".join(sorted({w[0] for w in [*_SMALL, *_SCALES, "dozen", *_FRACTIONS]}))

_DIGITS = r"\d{1,3}(?:[,\u00a0\u202f\u2009]\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_DIGIT_NUMBER = re.compile(
    rf"""(?<![\w.,/:\-])(?P<digits>{_DIGITS})
    (?:(?P<abbr>\s?(?:bn|mn|mln|trn|tn|m|k)\b)|\s(?P<scale>hundred|thousand|million|billion|trillion)\b)?""",
    re.VERBOSE | re.IGNORECASE,
)
# Number words joined by spaces, hyphens or "and" ("two hundred and fifty", "twenty-five thousand"),
# and fractions ("half", "two-thirds"). A leading "a" ("a third", "a million") is picked up afterwards:
# starting the pattern with it would make every "a" in the text a place to try.
_WORD_NUMBER = re.compile(
    rf"""(?=[{_FIRST_LETTERS}{_FIRST_LETTERS.upper()}])(?<![\w\-])
    (?:
      (?P<fraction>(?:(?P<fnum>{trie_pattern(["one", "two", "three", "four", "five", "six", "seven", "eight",
                                               "nine"], either_case=True)})[\s-]+)?
        (?P<fword>{trie_pattern(_FRACTIONS, either_case=True)})\b)
      |
      (?P<words>{_NUM_WORD}(?:(?:{_AFTER_SCALE}\s+and\s+|[\s-]+){_NUM_WORD}\b)*\b)
    )""",
    re.VERBOSE,
)
_A_BEFORE = re.compile(r"(?<![\w-])[Aa][ \u00a0]+$")
_PERCENT = re.compile(r"\s?%|\s(?:per\s?cent|percent)\b|\s(?:percentage\s)?points?\b", re.IGNORECASE)
_ONE_IN = re.compile(rf"\s+in\s+(?:(?P<d>\d+)|(?P<w>{_NUM_WORD}))\b")
_GLUED = re.compile(r"[^\W_]+")  # letters or digits stuck to a number: "10km", "1st", "10am", "5G"
_NEXT_WORD = re.compile(r"[ \t\u00a0]+([^\W\d_][\w'’\-]*)")
_AGE_AFTER = re.compile(r"[\s-]years?[\s-]old\b", re.IGNORECASE)
_SEPARATORS = re.compile(r"[,\u00a0\u202f\u2009]")
# Words before a number that make it a label, not a quantity ("Article 50", "Covid 19", "tier 3").
_IDENTIFIER_WORDS = word_set(
    "article section clause chapter page pages no number room flight route act part paragraph rule level tier "
    "stage phase grade form line platform gate version covid ward block band category schedule")

_YEAR_CUES = word_set(
    "in since by until till during before after between from of year years spring summer autumn winter "
    "fall early late mid end start beginning the class budget election season") | MONTHS
# Words that end a counted noun phrase: function words, auxiliaries and other non-nouns.
_STOP = word_set(
    "the a an of in on at to from by for with and or but nor than as per that which who whom whose this these "
    "those is are was were be been being have has had will would could should may might can must shall do "
    "does did not no more less fewer over under up down into onto since last next each every all any some "
    "such so too very just only also even still yet about around roughly nearly almost approximately "
    "across between among among after before during while when where because if though although it its "
    "their his her our your my they them we you he she i me us him there here then now ago out off "
    "again away back per cent percent a-year times time")
_VERBISH = word_set(
    "rose fell grew went came got made took saw say says said keep keeps kept remain remains remained "
    "face faces live lives die dies need needs want wants work works arrive arrives become became "
    "left leave leaves cross crosses crossing hit hits rise rises fall falls")
_IRREGULAR_PLURALS = word_set(
    "people children men women staff police personnel cattle sheep fish data media teeth feet mice "
    "geese aircraft crew folk offspring")
_MEASURES = word_set(
    "km kg mg ml cm mm kwh mwh gwh twh gw mw kw ft lb lbs oz mph kph sq ha acres metres meters miles "
    "tonnes tons litres liters hours minutes seconds days weeks months years decades centuries")


def _to_number(value: float) -> int | float:
    rounded = round(value)
    return int(rounded) if abs(value - rounded) < 1e-9 else round(value, 6)


def parse_number_words(words: str) -> float | None:
    """"two hundred and fifty thousand" → 250000; None when the words do not form a number."""
    total = 0
    current = 0
    seen = False
    for word in re.split(r"[\s-]+", words.lower()):
        if word in {"and", ""}:
            continue
        if word == "a":
            current = max(current, 1)
            continue
        if word == "dozen":
            current = (current or 1) * 12
            seen = True
        elif word in _SMALL:
            current += _SMALL[word]
            seen = True
        elif word == "hundred":
            current = (current or 1) * 100
            seen = True
        elif word in _SCALES:
            total += (current or 1) * _SCALES[word]
            current = 0
            seen = True
        else:
            return None
    return float(total + current) if seen else None


def _trim_word_number(match_text: str) -> str:
    """Cut "two and three" before "and": "and" only belongs to a number after hundred or a scale."""
    parts = re.split(r"(\s+and\s+)", match_text, flags=re.IGNORECASE)
    kept = parts[0]
    for i in range(1, len(parts) - 1, 2):
        if kept.split()[-1].lower() not in _SCALES:
            break
        kept += parts[i] + parts[i + 1]
    return kept


def _is_plural(word: str) -> bool:
    lower = word.lower()
    if lower in _IRREGULAR_PLURALS:
        return True
    return len(lower) > 2 and lower.endswith("s") and not lower.endswith(("ss", "us", "is", "'s", "’s"))


def _counted_noun(text: str, pos: int, value: float) -> tuple[str | None, int]:
    """The noun phrase a count applies to ("illegal immigrants"), and where it ends."""
    words: list[tuple[str, int, int]] = []
    cursor = pos
    while len(words) < 4:
        m = _NEXT_WORD.match(text, cursor)
        if not m:
            break
        word = m.group(1).strip("-'’")
        lower = word.lower()
        if not word or lower in _STOP or lower in _VERBISH or lower.endswith("ly") or lower in MONTHS:
            break
        if words and lower.endswith(("ed", "ing")):
            break
        words.append((word, m.start(1), m.start(1) + len(word)))
        cursor = m.end()
        if lower in _MEASURES or _is_plural(word) or (value == 1 and not lower.endswith(("ed", "ing"))):
            break
    while words and not (_is_plural(words[-1][0]) or words[-1][0].lower() in _MEASURES or value == 1):
        words.pop()
    if not words:
        return None, pos
    return text[words[0][1]:words[-1][2]], words[-1][2]


def _previous_word(text: str, start: int, *, keep_case: bool = False) -> str:
    """The word before ``start``, skipping spaces and commas ("" at a sentence or clause break)."""
    i = start
    floor = max(0, start - 40)
    while i > floor and text[i - 1] in " ,\t\u00a0":
        i -= 1
    j = i
    while j > floor and (text[j - 1].isalpha() or text[j - 1] in "'’"):
        j -= 1
    word = text[j:i]
    return word if keep_case else word.lower()


def _next_word(text: str, end: int) -> str:
    m = _NEXT_WORD.match(text, end)
    return m.group(1) if m else ""


def _looks_like_year(text: str, start: int, end: int, value: float) -> bool:
    if not (1500 <= value <= 2100) or end - start != 4:
        return False
    before = text[max(0, start - 2):start]
    if before.endswith(("-", "–", "/")) and start >= 6 and text[start - 6:start - 2].isdigit():
        return True  # "2024-2025", "2019/2020"
    prev = _previous_word(text, start)
    if prev in _YEAR_CUES:
        return True
    following = text[end:end + 3]
    if following[:1] in {"-", "–", "/"} and following[1:3].isdigit():
        return True  # "2024-25" financial years
    nxt = _next_word(text, end)
    # A count is followed by a plural ("1900 migrants"); a year by anything else ("2019 election").
    return not (nxt and _is_plural(nxt))


def _is_age(text: str, start: int, end: int, value: float) -> bool:
    """"Jo Bloggs, 58, said", "aged 58", "a 58-year-old": an age, not a claim's figure."""
    if not 0 < value < 125 or not text[start:end].isdigit():
        return False
    if _AGE_AFTER.match(text, end) or _previous_word(text, start) == "aged":
        return True
    # A number alone between commas straight after a capitalised name.
    return (text[start - 2:start] == ", " and text[end:end + 1] == ","
            and _previous_word(text, start, keep_case=True)[:1].isupper())


def _is_day_of_month(text: str, start: int, end: int, value: float) -> bool:
    if not (1 <= value <= 31) or end - start > 2:
        return False
    if _previous_word(text, start) in MONTHS:
        return True
    return _next_word(text, end).lower() in MONTHS


def _currency_before(text: str, start: int) -> tuple[str | None, int]:
    if start == 0:
        return None, start
    before = text[start - 1]
    if before == " ":
        if start < 2 or text[start - 2] not in "£$€¥":
            return None, start
    elif before not in "£$€¥":
        return None, start
    for sign in ("NZ$", "HK$", "US$", "A$", "C$", "£", "$", "€", "¥"):
        n = len(sign)
        if text[start - n:start] == sign:
            return _CURRENCY_SIGNS[sign], start - n
        if text[start - n - 1:start] == sign + " ":
            return _CURRENCY_SIGNS[sign], start - n - 1
    return None, start


# No statistic a politician quotes reaches a quadrillion; past it (or past what a float holds: 309
# digits are infinity) a run of digits is not a figure, and must never raise.
MAX_FIGURE = 10 ** 15


def _result(text: str, start: int, end: int, value: float, unit: str | None) -> dict | None:
    if not math.isfinite(value) or abs(value) > MAX_FIGURE:
        return None
    return {"text": text[start:end], "value": _to_number(value), "unit": unit, "start": start, "end": end}


def _after_quantity(text: str, start: int, end: int, value: float, currency: str | None) -> dict | None:
    """Percent signs, currency words or the counted noun that follow a quantity."""
    if currency:
        return _result(text, start, end, value, currency)
    pct = _PERCENT.match(text, end)
    if pct:
        points = "point" in pct.group(0).lower()
        return _result(text, start, pct.end(), value, "percentage points" if points else "%")
    nxt = _NEXT_WORD.match(text, end)
    if nxt and nxt.group(1).lower() in _CURRENCY_WORDS:
        word = nxt.group(1).lower()
        factor = 0.01 if word in {"pence", "cents"} else 1
        return _result(text, start, nxt.end(1), value * factor, _CURRENCY_WORDS[word])
    unit, _ = _counted_noun(text, end, value)
    return _result(text, start, end, value, unit)


def _match_start(m: re.Match) -> int:
    return m.start()


def find_numbers(text: str) -> list[dict]:
    """Every quantity in ``text`` with its unit, in order of position (see the module notes)."""
    matches = [*_DIGIT_NUMBER.finditer(text), *_WORD_NUMBER.finditer(text)]
    matches.sort(key=_match_start)
    found: list[dict] = []
    taken = 0
    for m in matches:
        if m.start() < taken:
            continue  # inside the previous quantity ("five" in "one in five")
        if m.re is _DIGIT_NUMBER:
            item = _digit_quantity(text, m)
        elif m.group("fraction") is not None:
            item = _fraction(text, m)
        else:
            item = _word_quantity(text, m)
        if item is not None:
            found.append(item)
            taken = item["end"]
    return found


def _digit_quantity(text: str, m: re.Match) -> dict | None:
    start, end = m.span("digits")
    raw = m.group("digits")
    if start and _previous_word(text, start).rstrip(".") in _IDENTIFIER_WORDS and text[start - 1] in " \u00a0":
        return None
    value = float(raw if raw.isdigit() else _SEPARATORS.sub("", raw))
    currency, money_start = _currency_before(text, start)
    scale_end = end
    if m.group("abbr"):
        value *= _ABBR_SCALES[m.group("abbr").strip().lower()]
        scale_end = m.end("abbr")
    elif m.group("scale"):
        value *= _SCALES[m.group("scale").lower()]
        scale_end = m.end("scale")
    glued = _GLUED.match(text, scale_end)
    if glued:
        suffix = glued.group(0).lower()
        if suffix == "p" and scale_end == end:
            return _result(text, start, end + 1, value * 0.01, "GBP")  # "50p"
        if suffix in _MEASURES and not currency:
            return _result(text, start, glued.end(), value, suffix)  # "10km", "40mph"
        return None  # ordinals, times of day, decades, identifiers ("1st", "10am", "1990s", "5G")
    if text[scale_end:scale_end + 1] == ":" and text[scale_end + 1:scale_end + 2].isdigit():
        return None  # times and scores
    if scale_end == end and not currency and _is_age(text, start, end, value):
        return _result(text, start, end, value, "age")
    if currency:
        return _after_quantity(text, money_start, scale_end, value, currency)
    if scale_end == end:
        if _is_day_of_month(text, start, end, value):
            return None
        if raw.isdigit() and _looks_like_year(text, start, end, value):
            return _result(text, start, end, value, "year")
        if value == 1:
            one_in = _ONE_IN.match(text, end)
            if one_in:
                return _one_in(text, start, one_in)
    return _after_quantity(text, start, scale_end, value, None)


def _a_before(text: str, start: int) -> int | None:
    """Where a leading "a" starts ("a million", "a third"), if there is one."""
    m = _A_BEFORE.search(text, max(0, start - 4), start)
    return m.start() if m else None


def _word_quantity(text: str, m: re.Match) -> dict | None:
    start = m.start("words")
    words = _trim_word_number(m.group("words"))
    end = start + len(words)
    first = words.split(None, 1)[0].lower()
    if first in _SCALES or first == "dozen":
        a = _a_before(text, start)
        if a is not None:
            words, start = text[a:end], a
    value = parse_number_words(words)
    if value is None:
        return None
    if words.lower() == "one":
        one_in = _ONE_IN.match(text, end)
        if one_in:
            return _one_in(text, start, one_in)
        # "one of the", "no one", "one day": a count only before a per cent sign or a currency word.
        if not _PERCENT.match(text, end) and _next_word(text, end).lower() not in _CURRENCY_WORDS:
            return None
    return _after_quantity(text, start, end, value, None)


def _one_in(text: str, start: int, m: re.Match) -> dict | None:
    denominator = float(m.group("d")) if m.group("d") else parse_number_words(m.group("w"))
    if not denominator or not math.isfinite(denominator) or denominator > MAX_FIGURE:
        return None
    return _result(text, start, m.end(), 1 / denominator, "fraction")


def _fraction(text: str, m: re.Match) -> dict | None:
    word = m.group("fword").lower()
    count_word = (m.group("fnum") or "").lower()
    if m.start() > 0 and text[m.start() - 1] == "-":
        return None
    start = m.start()
    if not count_word:
        a = _a_before(text, start)
        if a is not None:
            start, count_word = a, "a"
    if word not in {"half", "halves"} and not count_word:
        return None  # "the third time", "the first quarter": ordinals, not fractions
    count = 1.0 if count_word in {"", "a", "one"} else float(_SMALL[count_word])
    return _result(text, start, m.end(), count / _FRACTIONS[word], "fraction")


def quantities(numbers: list[dict]) -> list[dict]:
    """The numbers that count something (years are periods and ages are descriptions, not quantities)."""
    return [n for n in numbers if n["unit"] not in NOT_QUANTITIES]
