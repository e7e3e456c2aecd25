"""A small English stemmer (after M. F. Porter's 1980 algorithm) and a stop-word list.

Pure Python, no data files: "crossings", "crossed" and "crossing" all become "cross";
"immigration" and "immigrants" become "immigr". A few irregular forms common in political
claims ("rose", "fell", "grew", "people") are mapped first.
"""

from __future__ import annotations

import re
from functools import lru_cache

from claims.extraction.lexicon import word_set

STOP_WORDS = word_set(
    """a about above after again against all am an and any are aren't as at be because been before being
    below between both but by can can't cannot could couldn't did didn't do does doesn't doing don't down
    during each few for from further had hadn't has hasn't have haven't having he he'd he'll he's her here
    here's hers herself him himself his how how's i i'd i'll i'm i've if in into is isn't it it's its itself
    let's me more most my myself nor of off on once only or other ought our ours ourselves out over own same
    shan't she she'd she'll she's should shouldn't so some such that that's the their theirs them themselves
    then there there's these they they'd they'll they're they've this those through to too under until up
    very was wasn't we we'd we'll we're we've were weren't what what's when when's where where's which while
    who who's whom why why's will with won't would wouldn't you you'd you'll you're you've your yours yourself
    yourselves also just said says say told according mr mrs ms dr sir would could may might shall must
    one""")
# Negations change what a claim says: they are kept as words, never dropped as stop words.
NEGATIONS = frozenset({"no", "not", "never", "none", "nobody", "nothing", "neither", "without"})

_IRREGULAR = {
    "rose": "rise", "risen": "rise", "fell": "fall", "fallen": "fall", "grew": "grow", "grown": "grow",
    "people": "person", "men": "man", "women": "woman", "children": "child", "went": "go", "gone": "go",
    "taken": "take", "took": "take", "made": "make", "paid": "pay", "spent": "spend", "cut": "cut",
    "cuts": "cut", "won": "win", "lost": "lose", "left": "leav", "began": "begin", "begun": "begin",
    "brought": "bring", "bought": "buy", "sold": "sell", "kept": "keep", "built": "build", "saw": "see",
    "seen": "see", "felt": "feel", "thought": "think", "worse": "bad", "worst": "bad", "better": "good",
    "best": "good", "lives": "life", "died": "die", "dies": "die", "dying": "die", "data": "data",
    "news": "news", "police": "polic", "policing": "polic", "crises": "crisi", "analyses": "analysi",
}
_VOWELS = frozenset("aeiou")
_ISE = re.compile(r"(?<=\w{3})is(e|ed|es|ing|ation|ations)$")


def _is_consonant(word: str, i: int) -> bool:
    ch = word[i]
    if ch in _VOWELS:
        return False
    if ch == "y":
        return i == 0 or not _is_consonant(word, i - 1)
    return True


def _measure(stem: str) -> int:
    """Porter's m: the number of vowel-consonant sequences in the stem."""
    m = 0
    previous_vowel = False
    for i in range(len(stem)):
        vowel = not _is_consonant(stem, i)
        if previous_vowel and not vowel:
            m += 1
        previous_vowel = vowel
    return m


def _has_vowel(stem: str) -> bool:
    return any(not _is_consonant(stem, i) for i in range(len(stem)))


def _double_consonant(word: str) -> bool:
    return len(word) >= 2 and word[-1] == word[-2] and _is_consonant(word, len(word) - 1)


def _cvc(word: str) -> bool:
    if len(word) < 3:
        return False
    n = len(word)
    return (_is_consonant(word, n - 3) and not _is_consonant(word, n - 2) and _is_consonant(word, n - 1)
            and word[-1] not in "wxy")


def _replace(word: str, rules: tuple[tuple[str, str], ...], min_measure: int) -> str:
    for suffix, replacement in rules:
        if word.endswith(suffix):
            stem = word[: len(word) - len(suffix)]
            return stem + replacement if _measure(stem) > min_measure else word
    return word


_STEP2 = (
    ("ational", "ate"), ("tional", "tion"), ("enci", "ence"), ("anci", "ance"), ("izer", "ize"), ("bli", "ble"),
    ("alli", "al"), ("entli", "ent"), ("eli", "e"), ("ousli", "ous"), ("ization", "ize"), ("ation", "ate"),
    ("ator", "ate"), ("alism", "al"), ("iveness", "ive"), ("fulness", "ful"), ("ousness", "ous"), ("aliti", "al"),
    ("iviti", "ive"), ("biliti", "ble"), ("logi", "log"),
)
_STEP3 = (("icate", "ic"), ("ative", ""), ("alize", "al"), ("iciti", "ic"), ("ical", "ic"), ("ful", ""), ("ness", ""))
_STEP4 = ("al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment", "ent", "ion", "ou", "ism",
          "ate", "iti", "ous", "ive", "ize")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The stem of one lower-case word."""
    word = word.lower().replace("’", "'")
    if word.endswith("'s"):
        word = word[:-2]
    word = word.strip("'")
    if word in _IRREGULAR:
        base = _IRREGULAR[word]
        return base if base in _IRREGULAR or base == word else stem(base)
    if len(word) <= 2 or not word.isalpha():
        return word
    # British -ise spellings stem like American -ize ones ("criticised" = "criticized").
    word = _ISE.sub(r"iz\1", word)
    # Step 1a
    if word.endswith("sses") or word.endswith("ies"):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    # Step 1b
    extra = False
    if word.endswith("eed"):
        if _measure(word[:-3]) > 0:
            word = word[:-1]
    elif word.endswith("ed") and _has_vowel(word[:-2]):
        word, extra = word[:-2], True
    elif word.endswith("ing") and _has_vowel(word[:-3]):
        word, extra = word[:-3], True
    if extra:
        if word.endswith(("at", "bl", "iz")):
            word += "e"
        elif _double_consonant(word) and word[-1] not in "lsz":
            word = word[:-1]
        elif _measure(word) == 1 and _cvc(word):
            word += "e"
    # Step 1c
    if word.endswith("y") and _has_vowel(word[:-1]):
        word = word[:-1] + "i"
    word = _replace(word, _STEP2, 0)
    word = _replace(word, _STEP3, 0)
    # Step 4
    for suffix in _STEP4:
        if word.endswith(suffix):
            stem_part = word[: len(word) - len(suffix)]
            if _measure(stem_part) > 1 and (suffix != "ion" or stem_part.endswith(("s", "t"))):
                word = stem_part
            break
    # Step 5
    if word.endswith("e"):
        stem_part = word[:-1]
        m = _measure(stem_part)
        if m > 1 or (m == 1 and not _cvc(stem_part)):
            word = stem_part
    if word.endswith("ll") and _measure(word) > 1:
        word = word[:-1]
    return word
