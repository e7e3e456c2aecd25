"""Paragraphs, sentences and page furniture, all as offsets into the text exactly as given.

Nothing here copies or rewrites the text: "\\r\\n" line endings, non-breaking spaces and
curly quotes stay where they are, so every offset can be used on the original string.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from claims.extraction.lexicon import word_set

_LINE = re.compile(r"[^\r\n]+")
_TRAILING = "\"”»’')]*_ \t\u00a0"
_TERMINAL = ".!?…:;"

# Lines that are not article prose: links to other stories, sharing prompts, bylines, captions.
_FURNITURE = re.compile(
    r"""^\W*(?:
        read\s+more|related(?:\s+(?:articles?|stories|content))?\s*:|see\s+also|more\s+on\s+this\s+story|
        most\s+(?:read|popular|viewed)|top\s+stories|recommended|watch\s*:|listen\s*:|video\s*:|
        sign\s+up|subscribe|advertisement|sponsored|share\s+(?:this|on|via)|follow\s+(?:us|@)|click\s+here|
        (?:image|photo|picture|pic|photograph|video)s?\s+(?:caption|source|credit)|
        (?:image|photo|picture|photograph|credit)s?\s*:|
        (?:published|updated|last\s+updated|posted)\b[^.]{0,60}$|
        by\s+[A-Z][\w'’.-]*(?:\s+(?:and\s+)?[A-Z][\w'’.-]*){0,5}\s*(?:[,|–—-].{0,60})?$|
        copyright\b|©|all\s+rights\s+reserved|
        (?:reporting|writing|editing|additional\s+reporting)\s+by\b
    )""",
    re.IGNORECASE | re.VERBOSE,
)
_CAPTION_TAIL = re.compile(
    r"(?:\((?:image|photo|picture|pic|credit)s?\s*:[^)]*\)|"
    r"[(/|]\s*(?:getty(?:\s+images)?|pa(?:\s+(?:wire|media|archive))?|reuters|afp|ap|epa|shutterstock|alamy)\)?)\s*$",
    re.IGNORECASE,
)
_ABBREVIATIONS = word_set(
    "mr mrs ms dr prof st sr jr gen col lt sgt capt cmdr rev hon gov sen rep reps sens atty adm amb maj "
    "no nos vs etc e.g i.e "
    "jan feb mar apr jun jul aug sep sept oct nov dec inc ltd co corp approx est fig vol pp ca cf al "
    "u.s u.k u.n e.u dept govt mt ft")
_SENTENCE_END = re.compile(r"[.!?…]+[\"”’')\]]*(?=\s)")
_NEXT_START = re.compile(r"\s+[\"“‘'(\[]*(?=[A-Z0-9£$€]|[^\W\d_])")
_WORD_BEFORE = re.compile(r"([\w.]+)$")
_INITIALS = re.compile(r"(?:[a-z]\.)+[a-z]")


@dataclass(slots=True)
class Paragraph:
    start: int
    end: int
    prose: bool  # ends like a sentence, so it is body text rather than a headline or a label
    furniture: bool = False  # byline, caption, "Read more", list of other headlines: never a source of claims
    headline: bool = False


def _ends_like_prose(line: str) -> bool:
    stripped = line.rstrip(_TRAILING)
    return bool(stripped) and stripped[-1] in _TERMINAL


def paragraphs(text: str) -> list[Paragraph]:
    """One paragraph per line; a line broken mid-sentence (next line lower-case) joins the next."""
    lines = [(m.start(), m.end()) for m in _LINE.finditer(text)]
    spans: list[list[int]] = []
    for start, end in lines:
        chunk = text[start:end]
        lead = len(chunk) - len(chunk.lstrip())
        trail = len(chunk.rstrip())
        if trail <= lead:
            continue
        start, end = start + lead, start + trail
        if spans:
            prev_start, prev_end = spans[-1]
            first = text[start]
            if (first.islower() and not _ends_like_prose(text[prev_start:prev_end])
                    and text.count("\n", prev_end, start) + text.count("\r", prev_end, start) <= 2
                    and "\n\n" not in text[prev_end:start] and "\r\n\r\n" not in text[prev_end:start]):
                spans[-1][1] = end
                continue
        spans.append([start, end])
    result = [Paragraph(s, e, _ends_like_prose(text[s:e])) for s, e in spans]
    _mark_furniture(text, result)
    return result


def _mark_furniture(text: str, paras: list[Paragraph]) -> None:
    for p in paras:
        line = text[p.start:p.end]
        if len(line) < 300 and (_FURNITURE.match(line) or _CAPTION_TAIL.search(line)):
            p.furniture = True
    # Headlines and labels above the first prose paragraph.
    for p in paras:
        if p.prose:
            break
        p.headline = True
    # A run of sentence-less lines at the end is a list of other stories, tags or share links.
    for p in reversed(paras):
        if p.prose and not p.furniture:
            break
        p.furniture = True


def is_abbreviation(text: str, dot: int, floor: int = 0) -> bool:
    """Is the full stop at ``dot`` part of "Mr." / "U.S." / an initial rather than a sentence end?"""
    m = _WORD_BEFORE.search(text, max(floor, dot - 12), dot)
    if not m:
        return False
    word = m.group(1).lower().rstrip(".")
    if word in _ABBREVIATIONS:
        return True
    # A single capital letter or a run of them: initials ("J. K. Rowling", "G.K. Butterfield").
    return text[dot - 1].isupper() and (len(word) == 1 or _INITIALS.fullmatch(word) is not None)


def sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans inside ``text[start:end]``, trimmed of surrounding white space."""
    spans: list[tuple[int, int]] = []
    cursor = start
    for m in _SENTENCE_END.finditer(text, start, end):
        stop = m.end()
        nxt = _NEXT_START.match(text, stop, end)
        if not nxt:
            continue
        if text[m.start()] == "." and m.end() - m.start() == 1 and is_abbreviation(text, m.start(), start):
            continue
        follower = text[nxt.end()] if nxt.end() < end else ""
        if follower.islower():
            continue  # "… 5 p.m. on Monday", "… said Mr. smith": not a new sentence
        spans.append((cursor, stop))
        cursor = nxt.start()
    spans.append((cursor, end))
    trimmed = []
    for s, e in spans:
        chunk = text[s:e]
        lead = len(chunk) - len(chunk.lstrip())
        trail = len(chunk.rstrip())
        if trail > lead:
            trimmed.append((s + lead, s + trail))
    return trimmed
