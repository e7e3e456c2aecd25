"""Re-rank candidate texts by how closely they say the same thing as a query.

Robust to paraphrase without any model: words are folded (accents, curly quotes), stop words
dropped (negations kept), stemmed and mapped through a few synonyms common in political claims
("rose"/"increased"/"went up"); numbers are compared by value whatever their spelling
("50,000" = "50000" = "fifty thousand", "5%" = "five per cent", "half" = "50%"); word order
does not matter. Rare words weigh more (inverse document frequency over the candidates).
A claim with the same words but different figures, or with a negation the other lacks, is a
near miss and ranks lower. Scores are 0..1, deterministic, best first.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from claims.extraction.numbers import find_numbers
from claims.extraction.stem import NEGATIONS, STOP_WORDS, stem
from claims.textnorm import normalise

_WORD = re.compile(r"[a-z][a-z'’-]*[a-z]|[a-z]")
# Stems that mean the same in claims about figures and policy, mapped to one.
_SYNONYMS = {
    "increas": "up", "rise": "up", "grow": "up", "climb": "up", "soar": "up", "surg": "up", "jump": "up",
    "higher": "up", "decreas": "down", "fall": "down", "drop": "down", "declin": "down", "plung": "down",
    "slump": "down", "reduc": "down", "lower": "down", "shrink": "down", "immigr": "migrant",
    "asylum-seek": "migrant", "vessel": "boat", "dinghi": "boat", "deport": "return", "remov": "return",
    "wage": "pai", "salari": "pai", "earn": "pai", "hous": "home", "offenc": "crime", "offend": "crime",
    "kid": "child", "pupil": "child", "unemploi": "jobless", "employ": "job", "ministri": "depart",
    "govt": "govern", "uk": "britain", "british": "britain", "nation": "countri", "cost": "price",
    "doubl": "twice", "pound": "gbp", "dollar": "usd", "euro": "eur",
}
_NEAR_MISS_NUMBERS = 0.55
_NEAR_MISS_NEGATION = 0.5
_TRIGRAM_WEIGHT = 0.15


@dataclass(slots=True)
class _Doc:
    terms: set[str]
    numbers: set[str]
    negated: bool
    trigrams: set[str]


def _number_key(n: dict) -> str:
    value = float(n["value"])
    unit = n["unit"]
    if unit == "fraction":
        value, unit = value * 100, "%"
    if unit in {"%", "percentage points"}:
        return f"{value:.4g}%"
    return f"{value:.6g}"


def _analyse(text: str) -> _Doc:
    norm = normalise(text).lower()
    numbers = set()
    pieces = []
    cursor = 0
    for n in find_numbers(norm):
        numbers.add(_number_key(n))
        pieces.append(norm[cursor:n["start"]])
        cursor = n["end"]
    pieces.append(norm[cursor:])
    words = _WORD.findall(" ".join(pieces))
    terms = set()
    negated = False
    for word in words:
        word = word.replace("’", "'")
        if word in NEGATIONS or word.endswith("n't"):
            negated = True
            continue
        if word in STOP_WORDS:
            continue
        for part in word.split("-") if "-" in word and not word.startswith("co-") else [word]:
            if part and part not in STOP_WORDS:
                s = stem(part)
                terms.add(_SYNONYMS.get(s, s))
    joined = " ".join(sorted(terms))
    trigrams = {joined[i:i + 3] for i in range(max(0, len(joined) - 2))}
    return _Doc(terms, numbers, negated, trigrams)


def rank(query: str, candidates: list[tuple[object, str]]) -> list[tuple[object, float]]:
    """``candidates`` as (key, text); returns (key, score) best first, scores in 0..1."""
    if not candidates:
        return []
    q = _analyse(query or "")
    docs = [_analyse(text or "") for _, text in candidates]
    total = len(docs)
    df: dict[str, int] = {}
    for doc in docs:
        for term in doc.terms | {"#" + n for n in doc.numbers}:
            df[term] = df.get(term, 0) + 1

    def idf(term: str) -> float:
        return math.log(1.0 + (total + 1) / (df.get(term, 0) + 0.5))

    q_terms = q.terms | {"#" + n for n in q.numbers}
    q_weights = {t: idf(t) * (1.5 if t.startswith("#") else 1.0) for t in q_terms}
    q_norm = math.sqrt(sum(w * w for w in q_weights.values()))
    scored = []
    for index, ((key, _), doc) in enumerate(zip(candidates, docs, strict=True)):
        d_terms = doc.terms | {"#" + n for n in doc.numbers}
        if not q_terms or not d_terms:
            scored.append((0.0, index, key))
            continue
        d_weights = {t: idf(t) * (1.5 if t.startswith("#") else 1.0) for t in d_terms}
        d_norm = math.sqrt(sum(w * w for w in d_weights.values()))
        shared = sum(q_weights[t] * d_weights[t] for t in q_terms & d_terms)
        # A stem that only differs at the end ("deterr" / "deterrent") still counts for a little.
        partial = 0.0
        unmatched = d_terms - q_terms
        for t in q_terms - d_terms:
            if len(t) >= 5 and not t.startswith("#") and any(len(u) >= 5 and u.startswith(t[:5]) for u in unmatched):
                partial += 0.5 * q_weights[t] * q_weights[t]
        cosine = (shared + partial) / (q_norm * d_norm) if q_norm and d_norm else 0.0
        trigram = 0.0
        if q.trigrams and doc.trigrams:
            trigram = len(q.trigrams & doc.trigrams) / len(q.trigrams | doc.trigrams)
        value = (1 - _TRIGRAM_WEIGHT) * min(1.0, cosine) + _TRIGRAM_WEIGHT * trigram
        if q.numbers and doc.numbers and not (q.numbers & doc.numbers):
            value *= _NEAR_MISS_NUMBERS
        if q.negated != doc.negated:
            value *= _NEAR_MISS_NEGATION
        if shared == 0 and partial == 0:
            value = 0.0
        scored.append((round(max(0.0, min(1.0, value)), 6), index, key))
    scored.sort(key=lambda item: (-item[0], item[1]))
    return [(key, value) for value, _, key in scored]


# --- BM25 terms and near misses, for claims.matching ----------------------------------------------

# The Snowball stemmers PostgreSQL's text-search configurations use, by configuration name, so a
# term here is the lexeme PostgreSQL stores (and counts in its term statistics).
_STEMMERS: dict[str, object] = {}
_TOKEN = re.compile(r"\d+(?:\.\d+)?|[^\W\d_]+")
# PostgreSQL's English stop words (Snowball's list) that STOP_WORDS keeps, so no BM25 term is a word
# the term statistics never count.
_MORE_STOP_WORDS = frozenset({"don", "now", "t", "than"})


def _stemmer(config: str):
    if config not in _STEMMERS:
        import Stemmer

        _STEMMERS[config] = Stemmer.Stemmer(config) if config in Stemmer.algorithms() else None
    return _STEMMERS[config]


@lru_cache(maxsize=100_000)
def _cached_terms(text: str, config: str) -> tuple[str, ...]:
    return tuple(_bm25_terms(text, config))


def bm25_terms(text: str, config: str = "english") -> list[str]:
    """The text's terms as BM25 counts them (``_bm25_terms``), remembered for the texts seen most."""
    return list(_cached_terms(text or "", config))


def _bm25_terms(text: str, config: str = "english") -> list[str]:
    """The text's terms as BM25 counts them: folded, lower case, stemmed as PostgreSQL stems them in
    ``config`` ('simple': as written), stop words dropped; in English, numbers by value whatever
    their spelling ("fifty thousand" and "50,000" are both the term "50000")."""
    norm = normalise(text or "").lower()
    out: list[str] = []
    if config == "english":
        pieces, cursor = [], 0
        for n in find_numbers(norm):
            value = float(n["value"]) * (100 if n["unit"] == "fraction" else 1)
            out.append(f"{value:.6g}" if not value.is_integer() else str(int(value)))
            pieces.append(norm[cursor:n["start"]])
            cursor = n["end"]
        pieces.append(norm[cursor:])
        norm = " ".join(pieces)
    words = [w for w in _TOKEN.findall(norm.replace("'s ", " ").replace("’s ", " "))
             if config != "english" or (w not in STOP_WORDS and w not in NEGATIONS and w not in _MORE_STOP_WORDS
                                    and len(w) > 1)]
    stemmer = _stemmer(config)
    out.extend(stemmer.stemWords(words) if stemmer is not None and words else words)
    return out


def bm25(query_terms: dict[str, float], doc_terms: list[str], avgdl: float, *, k1: float = 1.2,
         b: float = 0.75) -> tuple[float, set[str]]:
    """Okapi BM25 of a document for query terms with their IDF: each shared term's IDF times its
    saturated frequency, ``tf·(k1+1) / (tf + k1·(1 − b + b·len/avgdl))``; and the shared terms."""
    if not doc_terms or not query_terms:
        return 0.0, set()
    counts: dict[str, int] = {}
    for term in doc_terms:
        if term in query_terms:
            counts[term] = counts.get(term, 0) + 1
    norm = k1 * (1 - b + b * len(doc_terms) / max(avgdl, 1.0))
    return sum(query_terms[t] * tf * (k1 + 1) / (tf + norm) for t, tf in counts.items()), set(counts)


_DIRECTIONS = ("up", "down")
_NEAR_MISS_DIRECTION = 0.6


def near_miss(a: str, b: str) -> float:
    """1.0, or less when two texts on the same words say different things: other figures (neither
    shares one with the other), a negation only one has, or "rose" against "fell"."""
    x, y = _analyse(a or ""), _analyse(b or "")
    factor = 1.0
    if x.numbers and y.numbers and not (x.numbers & y.numbers):
        factor *= _NEAR_MISS_NUMBERS
    if x.negated != y.negated:
        factor *= _NEAR_MISS_NEGATION
    up_down = [(d in x.terms, d in y.terms) for d in _DIRECTIONS]
    if (up_down[0][0] and up_down[1][1] and not up_down[0][1] and not up_down[1][0]) or \
            (up_down[1][0] and up_down[0][1] and not up_down[1][1] and not up_down[0][0]):
        factor *= _NEAR_MISS_DIRECTION
    return factor
