"""Numbers against the record: a claimed figure next to the official one, and the difference.

The difference is computed here, never typed by hand. Units and periods that do not match are
flagged instead of compared: 50,000 people over a year is not comparable with 1,900 a month.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

_UNIT_SYNONYMS = {
    "people": {"people", "person", "persons", "migrants", "migrant", "immigrants", "immigrant", "illegal immigrants",
               "illegal migrants", "arrivals", "individuals", "iraqis", "asylum seekers", "refugees"},
    "%": {"%", "per cent", "percent", "pc"},
    "GBP": {"gbp", "£", "pounds", "pound"},
    "USD": {"usd", "$", "dollars", "dollar"},
    "EUR": {"eur", "€", "euros", "euro"},
    "boats": {"boats", "boat", "small boats", "small boat"},
}
_PERIOD_WORDS = re.compile(r"[^a-z0-9]+")


def normal_unit(unit: str | None) -> str:
    text = (unit or "").strip().lower()
    for canonical, words in _UNIT_SYNONYMS.items():
        if text in words:
            return canonical
    return text.rstrip("s") if len(text) > 3 else text


def normal_period(period: str | None) -> str:
    return _PERIOD_WORDS.sub(" ", (period or "").lower()).strip()


@dataclass
class Comparison:
    claimed: Decimal
    claimed_unit: str
    official: Decimal
    official_unit: str
    official_period: str
    comparable: bool
    reason: str = ""

    @property
    def difference(self) -> Decimal:
        return self.claimed - self.official

    @property
    def percent(self) -> Decimal | None:
        if not self.official:
            return None
        return (self.claimed - self.official) / abs(self.official) * 100

    @property
    def summary(self) -> str:
        if not self.comparable:
            return self.reason
        pct = self.percent
        if pct is None:
            return "The official figure is zero: no percentage difference."
        if abs(pct) < Decimal("0.5"):
            return "The same as the official figure."
        direction = "higher" if pct > 0 else "lower"
        return f"{abs(pct):.0f}% {direction} than the official figure."


def compare(claimed_value, claimed_unit: str, claimed_period: str, official_value, official_unit: str,
            official_period: str) -> Comparison:
    claimed, official = Decimal(str(claimed_value)), Decimal(str(official_value))
    result = Comparison(claimed, claimed_unit, official, official_unit, official_period, comparable=True)
    cu, ou = normal_unit(claimed_unit), normal_unit(official_unit)
    if cu and ou and cu != ou:
        result.comparable = False
        result.reason = f"Not compared: the units differ ({claimed_unit} and {official_unit})."
    elif claimed_period and official_period and normal_period(claimed_period) != normal_period(official_period):
        result.comparable, result.reason = False, (
            f"Not compared: the periods differ ({claimed_period} and {official_period}).")
    return result


def claimed_figure(text: str) -> dict | None:
    """The first quantity stated in a claim's text, with its unit (years are periods, not quantities)."""
    from claims.extraction import find_numbers

    for number in find_numbers(text or ""):
        if number.get("unit") in ("year", "date", "age"):
            continue  # when something happened, or how old someone is: not the figure being claimed
        return number
    return None


def comparisons_for(claim, evidence_rows) -> list[tuple[object, Comparison]]:
    """Each evidence row that carries an official figure, compared with the claimed figure."""
    rows = [row for row in evidence_rows if row.figure_value is not None]
    if not rows:
        return []
    figure = claimed_figure(claim.claim_checked) or claimed_figure(claim.quote)
    if figure is None:
        return []
    return [(row, compare(figure["value"], figure.get("unit") or "", figure.get("period") or "", row.figure_value,
                          row.figure_unit, row.figure_period)) for row in rows]
