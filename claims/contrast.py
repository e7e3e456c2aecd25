"""WCAG 2 contrast for the rating colours: relative luminance, contrast ratio, the text colour that
reads best on a colour, and whether a colour stands out from the page.

Pure Python, no Django. Two facts shape how it is used:

- Every colour reaches AA for text (4.5:1) with black or with white: the better of the two is never
  below about 4.58:1 (at a luminance of about 0.18 both give the same figure). So text drawn on a
  rating colour is always readable once it is black or white as ``text_colour_on`` chooses.
- What can fail is the colour itself against the page (WCAG 1.4.11, non-text contrast, 3:1): a
  pale colour vanishes on a white page, a dark one on the dark scheme's background.
"""

from __future__ import annotations

import re
from functools import lru_cache

BLACK = "#000000"
WHITE = "#ffffff"
# The page backgrounds (--bg in static/css/tokens.css), light and dark schemes.
LIGHT_PAGE = "#ffffff"
DARK_PAGE = "#15171a"
AA_TEXT = 4.5
NON_TEXT = 3.0

_HEX = re.compile(r"#?([0-9a-fA-F]{6})")


def rgb(colour: str) -> tuple[int, int, int]:
    """``#rrggbb`` (the # optional) as three integers; ValueError for anything else."""
    match = _HEX.fullmatch(colour.strip()) if isinstance(colour, str) else None
    if match is None:
        raise ValueError(f"Not a #rrggbb colour: {colour!r}")
    digits = match.group(1)
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def _linear(channel: int) -> float:
    c = channel / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


@lru_cache(maxsize=256)  # a scale has a handful of colours, and a listing draws each many times
def relative_luminance(colour: str) -> float:
    """WCAG 2 relative luminance, 0 (black) to 1 (white)."""
    r, g, b = (_linear(c) for c in rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2 contrast ratio, 1 to 21, the same whichever colour comes first."""
    a, b = relative_luminance(first), relative_luminance(second)
    lighter, darker = max(a, b), min(a, b)
    return (lighter + 0.05) / (darker + 0.05)


def text_colour_on(colour: str) -> str:
    """Black or white, whichever gives text on ``colour`` the higher contrast."""
    return BLACK if contrast_ratio(colour, BLACK) >= contrast_ratio(colour, WHITE) else WHITE


def text_contrast(colour: str) -> float:
    """The contrast of ``text_colour_on(colour)`` on ``colour``."""
    return contrast_ratio(colour, text_colour_on(colour))


def text_reaches_aa(colour: str) -> bool:
    """Whether black or white text on ``colour`` reaches AA (4.5:1). True for every colour (see the
    module's docstring); kept as a check so that a stricter threshold would be enforced too."""
    return text_contrast(colour) >= AA_TEXT


def against_pages(colour: str) -> dict[str, float]:
    """The colour's contrast with the page background in each scheme."""
    return {"light": contrast_ratio(colour, LIGHT_PAGE), "dark": contrast_ratio(colour, DARK_PAGE)}


def stands_out(colour: str, scheme: str) -> bool:
    """Whether the colour reaches 3:1 against the page in ``scheme`` ("light" or "dark")."""
    return against_pages(colour)[scheme] >= NON_TEXT


def figure(ratio: float) -> str:
    """A ratio as people write it: 4.5:1 (rounded down, so a figure shown never overstates)."""
    return f"{int(ratio * 10) / 10:g}:1"
