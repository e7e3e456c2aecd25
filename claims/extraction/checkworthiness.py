"""How worth checking a claim is, from 0 to 1, with the reasons in plain words.

Factual, checkable statements score high: numbers (counts, money, percentages), comparisons
and trends, superlatives ("the worst … in our history"), causal claims, time periods and
sweeping quantifiers ("barely any", "most"). Opinions, promises, pleasantries and questions
score low. Each signal adds to the score with diminishing returns, each damper scales it down,
so the score stays in 0..1 and ranks rather than classifies.

Each signal is a set of single words plus a few phrases. The words are looked up in the claim's
word set; a phrase is searched for only when its first word is present, which keeps scoring
cheap enough for whole archives.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from claims.extraction.numbers import MONTHS, NOT_QUANTITIES

_WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")
_MONEY = frozenset({"GBP", "USD", "EUR", "JPY", "AUD", "CAD", "NZD", "HKD"})


@dataclass(frozen=True)
class Cue:
    words: frozenset[str]
    triggers: frozenset[str]
    phrases: re.Pattern | None

    def count(self, text: str, words: set[str], tokens: list[str]) -> int:
        hits = sum(1 for t in tokens if t in self.words)
        if self.phrases is not None and not self.triggers.isdisjoint(words):
            hits += len(self.phrases.findall(text))
        return hits

    def found(self, text: str, words: set[str]) -> bool:
        if not self.words.isdisjoint(words):
            return True
        return (self.phrases is not None and not self.triggers.isdisjoint(words)
                and self.phrases.search(text) is not None)


def _cue(words: str, *phrases: tuple[str, str]) -> Cue:
    """``phrases`` as (first words, rest of the pattern): "compared" + r"\\s+(?:with|to)"."""
    triggers: set[str] = set()
    parts = []
    for first, rest in phrases:
        firsts = first.split()
        triggers.update(firsts)
        parts.append(r"\b(?:" + "|".join(firsts) + ")" + rest)
    pattern = re.compile("|".join(parts)) if parts else None
    return Cue(frozenset(words.split()), frozenset(triggers), pattern)


_COMPARATIVES = ("more less fewer greater higher lower bigger smaller larger better worse cheaper faster slower "
                 "longer shorter older younger richer poorer stronger weaker")
COMPARISON = _cue(
    "rise rises rising risen rose fall falls falling fallen fell increase increases increased increasing "
    "decrease decreases decreased decreasing decline declines declined declining drop drops dropped dropping "
    "doubled tripled trebled halved quadrupled soar soars soared soaring surge surges surged surging plummet "
    "plummets plummeted plummeting grew grow grows growing grown slashed slashing flatlined flatlining "
    "stagnated stagnating outstripped overtaken overtook compared",
    (_COMPARATIVES, r"\b[^.;]{0,30}?\bthan\b"),
    ("as", r"\s+(?:many|much|few|little|high|low)\s+as\b"),
    ("down up", r"\s+from\b"),
    ("cut cuts", r"\s+(?:by|from|to)\b"),
    ("twice times", r"\s+(?:as|more|higher|lower)\b"),
    ("record", r"\s+(?:high|low|level)s?\b"),
)
SUPERLATIVE = _cue(
    "worst best biggest largest highest lowest greatest smallest fastest slowest longest shortest deadliest "
    "strongest weakest richest poorest cheapest record record-breaking unprecedented steepest sharpest "
    "fairest hardest toughest",
    ("most", r"\s+(?!of\b|people\b|would\b|will\b|are\b|were\b|have\b|likely\b)[a-z]{4,}"),
    ("least", r"\s+[a-z]{4,}"),
    ("in", r"\s+(?:our|its|their|the\s+country['’]s|british|uk|us|living)\s+(?:history|memory)\b"),
    ("of", r"\s+all\s+time\b"),
    ("ever", r"\s+(?:recorded|seen)\b"),
    ("first", r"\s+time\b"),
    ("never", r"\s+before\b"),
)
CAUSAL = _cue(
    "because cause causes caused causing therefore drive drives driven driving drove fuel fuels fuelled "
    "fuelling blame blames blamed blaming consequence consequences deter deters deterred deterrent deterrents",
    ("due", r"\s+to\b"), ("led leads lead leading", r"\s+to\b"), ("result results resulted resulting", r"\s+in\b"),
    ("as", r"\s+a\s+(?:direct\s+)?result\b"), ("thanks linked", r"\s+to\b"),
    ("responsible", r"\s+for\b"), ("means mean", r"\s+that\b"), ("which that", r"\s+is\s+why\b"),
    ("contribute contributes contributed contributing", r"\s+to\b"), ("created", r"\s+the\s+conditions\b"),
    ("in", r"\s+order\s+to\b"), ("so", r"\s+that\b"),
    ("will would", r"\s+(?:allow|stop|reduce|cut|increase|prevent|save|lift|create)\b"),
)
TIME_PERIOD = _cue(
    "since annual annually yearly monthly decade decades " + " ".join(sorted(MONTHS)),
    ("in", r"\s+the\s+(?:year|months?|weeks?|decade)\s+to\b"),
    ("last this previous", r"\s+(?:year|month|week|decade|quarter)\b"),
    ("over in during", r"\s+the\s+(?:past|last|previous|next)\s+\w+"),
    ("per a each every", r"\s+(?:year|month|week|day)\b"),
    ("time", r"\s+in\s+(?:power|office)\b"),
)
QUANTIFIER = _cue(
    "none nobody never always only majority many dozens hundreds thousands millions billions",
    ("barely hardly", r"\s+any\b"), ("almost nearly", r"\s+(?:all|no|every|none|half)\b"),
    ("most", r"\s+(?:of|would|will|are|were|have|people)\b"), ("no", r"\s+one\b"),
    ("every", r"\s+(?:single\s+)?\w+"), ("all", r"\s+(?:of\s+)?(?:the\s+)?\w+s\b"),
)
OPINION = _cue(
    "hopefully should must vital crucial essential important importance disgrace disgraceful shameful sham "
    "ridiculous absurd outrageous measly shocking appalling scandal scandalous nonsense pathetic chaos "
    "surrender surrendered betrayal betrayed brilliant fantastic wonderful terrible awful excellent deserve "
    "deserves deserved clearly obviously boast boasts boasted boasting serious ashamed",
    ("i we", r"\s+(?:think|believe|feel|hope|suspect|fear)\b"), ("in", r"\s+(?:my|our)\s+view\b"),
    ("i i'm i’m we we're we’re", r"(?:\s+am|\s+are)?\s+(?:sure|confident|convinced|concerned|worried)\b"),
    ("ought need", r"\s+to\b"), ("to", r"\s+look\s+tough\b"), ("real", r"\s+results\b"),
)
PROMISE = _cue(
    "pledge pledges pledged promise promises promised vow vows vowed we'll we’ll i'll i’ll",
    ("we i", r"\s+(?:will|shall|are\s+going\s+to|am\s+going\s+to|intend\s+to|plan\s+to|are\s+determined\s+to)\b"),
    ("only", r"\s+(?:the\s+)?\w+\s+(?:government\s+)?will\b"),
    ("commit commits committed", r"\s+to\b"), ("we i", r"\s+(?:are|am)\s+committed\b"),
)
PLEASANTRY = _cue(
    "thank thanks thankful grateful delighted pleased proud honoured honored welcome welcomes welcomed "
    "welcoming partnership friendship reinforces reinforce privilege pleasure enduring warm warmly excited "
    "condolences first-hand strengthen strengthens strengthening strengthened deepen deepening co-operation "
    "cooperation trust commitment counterparts diplomacy testament",
    ("congratulate congratulates congratulated congratulations", r""),
    ("look looking", r"\s+forward\b"), ("happy great", r"\s+to\b"), ("best", r"\s+wishes\b"),
    ("thoughts", r"\s+(?:are|go)\s+with\b"), ("working", r"\s+together\b"),
    ("stronger", r"\s+relationships?\b"), ("shared", r"\s+challenges\b"),
)

_POSITIVE = {
    "contains a number": 0.45,
    "percentage": 0.2,
    "money": 0.2,
    "comparison": 0.3,
    "superlative": 0.3,
    "causal claim": 0.25,
    "time period": 0.12,
    "quantifier": 0.3,
}
_DAMPERS = {
    "opinion": 0.75,
    "promise": 0.7,
    "pleasantry": 0.45,
    "question": 0.5,
    "short": 0.7,
    "unattributed": 0.9,
}


def score(text: str, numbers: list[dict], *, promise: bool = False, attributed: bool = True) -> tuple[float, list[str]]:
    """(check-worthiness 0..1, reasons) for one claim; ``numbers`` are the numbers inside it."""
    reasons: list[str] = []
    counts = [n for n in numbers if n["unit"] not in NOT_QUANTITIES]
    if counts:
        reasons.append("contains a number")
        if any(n["unit"] in {"%", "percentage points"} for n in counts):
            reasons.append("percentage")
        if any(n["unit"] in _MONEY for n in counts):
            reasons.append("money")
    text = text.lower()
    tokens = _WORD.findall(text)
    words = set(tokens)
    if COMPARISON.found(text, words):
        reasons.append("comparison")
    if SUPERLATIVE.found(text, words):
        reasons.append("superlative")
    if CAUSAL.found(text, words):
        reasons.append("causal claim")
    if TIME_PERIOD.found(text, words) or any(n["unit"] == "year" for n in numbers):
        reasons.append("time period")
    if QUANTIFIER.found(text, words):
        reasons.append("quantifier")
    if OPINION.found(text, words):
        reasons.append("opinion")
    if promise or PROMISE.found(text, words):
        reasons.append("promise")
    # One warm word in a long factual sentence is not a pleasantry; two, or one in a short one, is.
    warm = PLEASANTRY.count(text, words, tokens)
    if warm >= 2 or (warm and len(tokens) < 15):
        reasons.append("pleasantry")
    if text.rstrip("\"”’' ").endswith("?"):
        reasons.append("question")
    if len(tokens) < 5:
        reasons.append("short")
    if not attributed:
        reasons.append("unattributed")
    missing = 1.0
    for reason in reasons:
        missing *= 1.0 - _POSITIVE.get(reason, 0.0)
    value = 0.1 + 0.85 * (1.0 - missing)
    for reason in reasons:
        value *= _DAMPERS.get(reason, 1.0)
    return round(min(1.0, max(0.0, value)), 3), reasons
