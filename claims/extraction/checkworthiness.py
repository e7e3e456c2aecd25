"""How worth checking a claim is, from 0 to 1, with the reasons in plain words.

Factual, checkable statements score high: numbers (counts, money, percentages), comparisons
and trends, superlatives ("the worst … in our history"), causal claims, time periods and
sweeping quantifiers ("barely any", "most"). Opinions, promises, pleasantries and questions
score low. Each signal adds to the score with diminishing returns, each damper scales it down,
so the score stays in 0..1 and ranks rather than classifies.
"""

from __future__ import annotations

import re

from claims.extraction.numbers import MONTHS, NOT_QUANTITIES

_FIRST = re.compile(r"(?:^|\(\?:|\|)([a-z0-9])")


def _any(*alternatives: str) -> re.Pattern:
    """Whole-word alternatives, matched against lower-cased text.

    A look-ahead on the letters the alternatives can start with lets ``re`` skip ahead quickly;
    those letters are over-approximated from the pattern text, which is safe.
    """
    letters: set[str] = set()
    for alt in alternatives:
        if not alt[0].isalnum() and not alt.startswith("(?:"):
            letters = set()
            break
        letters.update(_FIRST.findall(alt))
    guard = "(?=[" + "".join(sorted(letters)) + "])" if letters else ""
    return re.compile(guard + r"\b(?:" + "|".join(alternatives) + r")\b")


COMPARISON = _any(
    r"(?:more|less|fewer|greater|higher|lower|bigger|smaller|larger|better|worse|cheaper|faster|slower|"
    r"longer|shorter|older|younger|richer|poorer|stronger|weaker)\s+than",
    r"as\s+(?:many|much|few|little|high|low)\s+as", r"compared\s+(?:with|to)", r"(?:down|up)\s+from",
    r"ris(?:e|es|ing|en)", r"rose", r"f[ae]ll(?:s|ing|en)?", r"increas(?:e|es|ed|ing)", r"decreas(?:e|es|ed|ing)",
    r"declin(?:e|es|ed|ing)", r"drop(?:s|ped|ping)?", r"doubled", r"tripled", r"trebled", r"halved",
    r"soar(?:s|ed|ing)?", r"surg(?:e|es|ed|ing)", r"plummet(?:s|ed|ing)?", r"grew", r"grow(?:s|ing|n)",
    r"slash(?:ed|es|ing)", r"cut(?:s|ting)?\s+(?:by|from|to)", r"twice\s+as", r"times\s+(?:more|as)",
    r"record\s+(?:high|low|level)s?", r"than\s+(?:ever|any|before|last|in)",
)
SUPERLATIVE = _any(
    r"worst", r"best", r"biggest", r"largest", r"highest", r"lowest", r"greatest", r"smallest", r"fastest",
    r"slowest", r"longest", r"shortest", r"deadliest", r"strongest", r"weakest", r"richest", r"poorest",
    r"cheapest", r"(?:the\s+)?most\s+(?!of\b|people\b|would\b|will\b|are\b|were\b|have\b)[a-z]{4,}",
    r"(?:the\s+)?least\s+[a-z]{4,}", r"record(?:-breaking)?", r"unprecedented",
    r"in\s+(?:our|its|their|the\s+country['’]s|british|uk|us|living)\s+(?:history|memory)", r"of\s+all\s+time",
    r"ever\s+(?:recorded|seen)", r"first\s+time", r"never\s+before",
)
CAUSAL = _any(
    r"because(?:\s+of)?", r"due\s+to", r"caus(?:e|es|ed|ing)", r"le(?:d|ads?|ading)\s+to", r"result(?:s|ed|ing)?\s+in",
    r"as\s+a\s+(?:direct\s+)?result", r"thanks\s+to", r"driv(?:e|es|en|ing)", r"drove", r"fuel(?:s|led|ling)",
    r"blam(?:e|es|ed|ing)", r"consequences?", r"responsible\s+for", r"means?\s+that", r"therefore",
    r"linked\s+to", r"contribut(?:e|es|ed|ing)\s+to", r"which\s+is\s+why", r"that\s+is\s+why",
    r"created\s+the\s+conditions", r"in\s+order\s+to", r"so\s+that", r"deter(?:s|red|rent|rents)?",
    r"(?:will|would)\s+(?:allow|stop|reduce|cut|increase|prevent|save)",
)
TIME_PERIOD = re.compile(
    r"\b(?:in\s+the\s+(?:year|months?|weeks?|decade)\s+to|since|last\s+(?:year|month|week|decade)|"
    r"this\s+(?:year|month|week)|(?:over|in|during)\s+the\s+(?:past|last|previous|next)\s+\w+|"
    r"previous\s+(?:year|month|quarter)|per\s+(?:year|month|week|day)|a\s+(?:year|month|week|day)|"
    r"each\s+(?:year|month)|every\s+(?:year|month)|annual(?:ly)?|(?:short\s+)?time\s+in\s+(?:power|office)|"
    r"(?:19|20)\d\d|" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\b",
)
QUANTIFIER = _any(
    r"barely\s+any", r"hardly\s+any", r"almost\s+(?:all|no|every|none)", r"nearly\s+(?:all|every|half)",
    r"the\s+(?:vast\s+)?majority", r"most\s+(?:of|would|will|are|were|have|people)", r"none", r"nobody", r"no\s+one",
    r"every\s+(?:single\s+)?\w+", r"all\s+(?:of\s+)?(?:the\s+)?\w+s\b", r"never", r"always", r"only",
    r"dozens\s+of", r"hundreds\s+of", r"thousands\s+of", r"millions\s+of", r"billions\s+of", r"many",
)
OPINION = _any(
    r"i\s+(?:think|believe|feel|hope|suspect|fear)", r"we\s+(?:think|believe|feel|hope)", r"in\s+(?:my|our)\s+view",
    r"(?:i\s+am|i['’]m|we\s+are|we['’]re)\s+(?:sure|confident|convinced|concerned|worried)", r"hopefully",
    r"should", r"must", r"ought\s+to", r"need\s+to", r"important(?:ce)?", r"vital", r"crucial", r"essential",
    r"disgrace(?:ful)?", r"shameful", r"sham", r"ridiculous", r"absurd", r"outrageous", r"measly", r"shocking",
    r"appalling", r"scandal(?:ous)?", r"nonsense", r"pathetic", r"chaos", r"surrender(?:ed)?", r"betray(?:al|ed)?",
    r"brilliant", r"fantastic", r"wonderful", r"terrible", r"awful", r"excellent", r"deserve[sd]?", r"clearly",
    r"obviously", r"to\s+look\s+tough", r"boast(?:s|ed|ing)?", r"serious", r"real\s+results",
)
PROMISE = _any(
    r"(?:we|i)\s+(?:will|shall|are\s+going\s+to|am\s+going\s+to|intend\s+to|plan\s+to|are\s+determined\s+to)",
    r"we['’]ll", r"i['’]ll", r"(?:only|a)\s+(?:the\s+)?\w+\s+(?:government\s+)?will\s+(?:stop|restore|deliver|fix|end|build|cut|bring|protect|make|get|take)",
    r"(?:pledge|promise|vow)(?:s|d)?", r"commit(?:s|ted)?\s+to", r"(?:we|i)\s+(?:are|am)\s+committed",
)
PLEASANTRY = _any(
    r"thank(?:s|ful)?", r"grateful", r"delighted", r"pleased", r"proud", r"honou?red", r"welcom(?:e|es|ed|ing)",
    r"congratulat\w*", r"look(?:ing)?\s+forward", r"testament", r"partnership", r"friendship", r"reinforces?",
    r"privilege", r"pleasure", r"enduring", r"warm(?:ly)?", r"happy\s+to", r"celebrat\w+", r"excited",
    r"best\s+wishes", r"condolences", r"thoughts\s+(?:are|go)\s+with", r"first-hand", r"working\s+together",
    r"stronger\s+relationships?", r"strengthen\w*", r"deepen\w*", r"co-?operation", r"shared\s+challenges",
    r"trust", r"commitment", r"counterparts", r"diplomacy",
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
_WORD = re.compile(r"\w+")


def score(text: str, numbers: list[dict], *, promise: bool = False, attributed: bool = True) -> tuple[float, list[str]]:
    """(check-worthiness 0..1, reasons) for one claim; ``numbers`` are the numbers inside it."""
    reasons: list[str] = []
    counts = [n for n in numbers if n["unit"] not in NOT_QUANTITIES]
    if counts:
        reasons.append("contains a number")
        if any(n["unit"] in {"%", "percentage points"} for n in counts):
            reasons.append("percentage")
        if any(n["unit"] in {"GBP", "USD", "EUR", "JPY", "AUD", "CAD", "NZD", "HKD"} for n in counts):
            reasons.append("money")
    text = text.lower()
    if COMPARISON.search(text):
        reasons.append("comparison")
    if SUPERLATIVE.search(text):
        reasons.append("superlative")
    if CAUSAL.search(text):
        reasons.append("causal claim")
    if TIME_PERIOD.search(text) or any(n["unit"] == "year" for n in numbers):
        reasons.append("time period")
    if QUANTIFIER.search(text):
        reasons.append("quantifier")
    pleasantries = len(PLEASANTRY.findall(text))
    words = len(_WORD.findall(text))
    if OPINION.search(text):
        reasons.append("opinion")
    if promise or PROMISE.search(text):
        reasons.append("promise")
    # One warm word in a long factual sentence is not a pleasantry; two, or one in a short one, is.
    if pleasantries >= 2 or (pleasantries and words < 15):
        reasons.append("pleasantry")
    if text.rstrip("\"”’' ").endswith("?"):
        reasons.append("question")
    if words < 6:
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
