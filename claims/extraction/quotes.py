"""Direct quotations: straight, curly and angle quotes, including quotes over several paragraphs.

News style continues a long quote into the next paragraph by opening that paragraph with a
quote mark while the previous paragraph was left open; each paragraph then becomes one segment
of the same quotation (same speaker). Single quotes (‘…’ or '…') count when they are not
inside a double-quoted passage; they stay within one paragraph, because an apostrophe cannot
be told from an unclosed single quote across a line break.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from claims.extraction.text import Paragraph

_DOUBLE = re.compile(r"[\"“”„«»‟]")
_DOUBLE_OPEN = "“„«‟"
_DOUBLE_CLOSE = "”»"
_SINGLE_OPEN = re.compile(r"(?<![^\s(\[—–/\-])[‘'](?=[^\s'’])")
_SINGLE_CLOSE = re.compile(r"(?<=\S)[’'](?![^\W_])")


@dataclass(slots=True)
class Segment:
    start: int  # first character inside the quote marks
    end: int  # one past the last character inside (the closing mark, or the paragraph's end)
    open_mark: int
    close_mark: int | None  # None when the paragraph ended with the quote still open
    para: int


@dataclass(slots=True)
class Quote:
    segments: list[Segment] = field(default_factory=list)
    single: bool = False

    @property
    def first(self) -> Segment:
        return self.segments[0]

    @property
    def last(self) -> Segment:
        return self.segments[-1]


def _starts_with_opener(text: str, p: Paragraph) -> bool:
    return text[p.start] in _DOUBLE_OPEN or text[p.start] == '"'


def find_quotes(text: str, paras: list[Paragraph]) -> list[Quote]:
    """Every quotation in reading order (furniture paragraphs are skipped)."""
    quotes: list[Quote] = []
    current: Quote | None = None  # a quotation left open at the end of the previous paragraph
    for index, p in enumerate(paras):
        if p.furniture:
            current = None
            continue
        marks = [m.start() for m in _DOUBLE.finditer(text, p.start, p.end)]
        open_at: int | None = None
        skip = 0
        if current is not None:
            if marks and marks[0] == p.start and _starts_with_opener(text, p):
                open_at, skip = p.start, 1
            else:
                current = None  # never closed: it ended with its paragraph
        for pos in marks[skip:]:
            ch = text[pos]
            if open_at is None:
                if ch in _DOUBLE_OPEN or ch == '"':
                    open_at = pos
                    current = Quote()
                    quotes.append(current)
                continue
            if ch in _DOUBLE_OPEN:
                # A new opening mark while one is open: the first was never closed.
                current.segments.append(Segment(open_at + 1, _rstrip(text, open_at + 1, pos), open_at, None, index))
                open_at = pos
                current = Quote()
                quotes.append(current)
                continue
            current.segments.append(Segment(open_at + 1, pos, open_at, pos, index))
            open_at = None
            current = None
        if open_at is not None:
            current.segments.append(Segment(open_at + 1, p.end, open_at, None, index))
        _single_quotes(text, p, index, quotes)
    quotes = [q for q in quotes if q.segments]
    quotes.sort(key=lambda q: q.first.open_mark)
    return quotes


def _rstrip(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


def _single_quotes(text: str, p: Paragraph, index: int, quotes: list[Quote]) -> None:
    if "‘" not in text[p.start:p.end] and "'" not in text[p.start:p.end]:
        return
    # Regions of the paragraph outside double-quoted passages.
    covered = sorted(
        (s.open_mark, (s.close_mark + 1) if s.close_mark is not None else s.end)
        for q in quotes if not q.single for s in q.segments if s.para == index
    )
    regions = []
    cursor = p.start
    for lo, hi in covered:
        if lo > cursor:
            regions.append((cursor, lo))
        cursor = max(cursor, hi)
    if cursor < p.end:
        regions.append((cursor, p.end))
    for lo, hi in regions:
        pos = lo
        while True:
            opener = _SINGLE_OPEN.search(text, pos, hi)
            if not opener:
                break
            closer = _SINGLE_CLOSE.search(text, opener.end(), hi)
            if not closer:
                break
            quotes.append(Quote([Segment(opener.end(), closer.start(), opener.start(), closer.start(), index)],
                                single=True))
            pos = closer.end()
