"""Text normalisation shared by stored search documents and search queries.

Core PostgreSQL has no ``unaccent`` and its parser splits "50,000" into two numbers, so both
sides are normalised here, the same way: accents folded, typographic quotes straightened,
thousands separators removed from numbers.
"""

from __future__ import annotations

import re
import unicodedata

_THOUSANDS = re.compile(r"(?<=\d)[,\u00a0\u202f\u2009'](?=\d{3}(?!\d))")
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"})


def fold_accents(text: str) -> str:
    if text.isascii():  # nothing to fold (most archive text): no character-by-character pass
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def normalise(text: str | None) -> str:
    """Fold accents and join digit groups so "Café 50,000" matches "cafe 50000"."""
    if not text:
        return ""
    # Join digit groups first: folding turns no-break and thin spaces into plain ones.
    text = _THOUSANDS.sub("", text)
    return fold_accents(text).translate(_QUOTES)


def straighten(text: str) -> str:
    """Typographic quotes and dashes as typed on a keyboard."""
    return text.translate(_QUOTES)


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# Tab, line feed and carriage return belong in multi-line text; no other C0 control does.
_CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def has_controls(text: str, *, multi_line: bool) -> bool:
    return bool((_CONTROL_IN_TEXT if multi_line else _CONTROL).search(text))


def drop_controls(text: str, *, multi_line: bool = True) -> str:
    """Text a person typed, without the control characters PostgreSQL or a page cannot take."""
    return (_CONTROL_IN_TEXT if multi_line else _CONTROL).sub("", text)


def query_text(text: str | None, limit: int = 500) -> str:
    """What a reader or journalist typed, ready to search: cut, without control characters
    (PostgreSQL refuses NUL), normalised like the stored documents."""
    return _CONTROL.sub(" ", normalise((text or "")[:limit])).strip()
