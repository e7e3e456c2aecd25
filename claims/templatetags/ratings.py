"""The rating graphic: the rating scale with the current rating marked and its label drawn on its
colour, as one SVG with an accessible name ("Rating: Mostly false").

``{% rating_graphic claim "large" %}`` on a fact-check page, ``{% rating_graphic claim %}`` on
cards and the desk; ``{% rating_graphic rating=r %}`` where there is a rating but no claim.

The scale (the ratings in use that have a value, in the desk's order) is read once per page: from
the context's ``rating_scale`` when the view annotated it onto its own query
(``with_rating_scale``), otherwise with one query kept on the request for every later graphic.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from django import template
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import QuerySet
from django.db.models.functions import JSONObject
from django.template.loader import get_template

from claims import contrast
from claims.models import Rating

register = template.Library()

_REQUEST_ATTR = "_rating_scale"


@dataclass(frozen=True)
class Step:
    """One rating on the scale: what the graphic needs, whether it came from a model or from JSON."""

    id: int
    label: str
    slug: str
    colour: str

    @property
    def pk(self) -> int:
        return self.id


def scale_queryset() -> QuerySet:
    return Rating.objects.filter(retired=False, value__isnull=False).order_by("position", "id")


def with_rating_scale(queryset: QuerySet) -> QuerySet:
    """Annotate ``rating_scale`` (the scale as JSON) onto each row, so the page needs no query of its own."""
    steps = scale_queryset().values(step=JSONObject(id="id", label="label", slug="slug", colour="colour"))
    return queryset.annotate(rating_scale=ArraySubquery(steps))


def _steps(rows) -> list[Step]:
    steps = []
    for row in rows:
        if isinstance(row, Rating):
            steps.append(Step(row.pk, row.label, row.slug, row.colour))
        else:
            steps.append(Step(row["id"], row["label"], row["slug"], row["colour"]))
    return steps


def rating_scale(context) -> list[Step]:
    given = context.get("rating_scale")
    if given is not None:
        return _steps(given)
    request = context.get("request")
    cached = getattr(request, _REQUEST_ATTR, None)
    if cached is None:
        cached = _steps(scale_queryset())
        if request is not None:
            setattr(request, _REQUEST_ATTR, cached)
    return cached


# Sizes in SVG units (pixels at 1:1). Label widths are estimated from the number of characters:
# generous for bold capitals, and the SVG scales down as a whole where its box is narrower.
SIZES = {
    "large": {"font": 20, "pill_h": 40, "pad": 16, "seg_w": 48, "seg_h": 14, "gap": 4, "inline": False},
    "small": {"font": 14, "pill_h": 26, "pad": 10, "seg_w": 18, "seg_h": 10, "gap": 3, "inline": True},
}
CHAR_WIDTH = 0.64  # of the font size


def _label_width(label: str, font: int) -> int:
    return math.ceil(len(label) * font * CHAR_WIDTH)


def graphic(rating, scale: list[Step], *, size: str = "small", retracted: bool = False) -> dict:
    """Everything the template draws, computed here so that the template only places it."""
    spec = SIZES.get(size, SIZES["small"])
    font, pill_h, pad = spec["font"], spec["pill_h"], spec["pad"]
    label = "Retracted" if retracted else rating.label
    colour = None if retracted else rating.colour
    current = None if retracted else next((i for i, s in enumerate(scale) if s.id == rating.pk), None)
    pill_w = _label_width(label, font) + 2 * pad
    seg_w, seg_h, gap = spec["seg_w"], spec["seg_h"], spec["gap"]
    scale_w = len(scale) * (seg_w + gap) - gap if scale else 0

    if spec["inline"]:  # label, then the scale to its right, centred on the label
        x0, mid = pill_w + 10, pill_h / 2
        seg_y, cur_y, cur_h = mid - seg_h / 2, 2, pill_h - 4
        width, height = x0 + scale_w, pill_h
    else:  # label above, a marker pointing down at the scale
        x0, seg_y = 0, pill_h + 18
        cur_y, cur_h = seg_y - 2, seg_h + 4
        width, height = max(pill_w, scale_w), seg_y + seg_h + 4
    marker = None
    segments = []
    for index, step in enumerate(scale):
        x = x0 + index * (seg_w + gap)
        is_current = index == current
        segments.append({
            "x": x, "y": cur_y if is_current else seg_y, "w": seg_w, "h": cur_h if is_current else seg_h,
            "fill": step.colour, "current": is_current, "outline": _outline(step.colour),
        })
    if current is not None and not spec["inline"]:
        cx = x0 + current * (seg_w + gap) + seg_w / 2
        top = pill_h + 4
        marker = f"{cx - 8:g},{top} {cx + 8:g},{top} {cx:g},{top + 10}"
    return {
        "label": label, "slug": "retracted" if retracted else rating.slug, "size": size,
        "colour": colour, "text_colour": contrast.text_colour_on(colour) if colour else None,
        "outline": _outline(colour) if colour else "",
        "retracted": retracted, "off_scale": current is None and not retracted,
        "width": width, "height": height, "pill_w": pill_w, "pill_h": pill_h, "radius": pill_h / 2,
        "text_x": pill_w / 2, "text_y": round(pill_h / 2 + font * 0.36, 1), "font": font,
        "segments": segments, "marker": marker,
    }


def _outline(colour: str) -> str:
    """The schemes in which a colour does not stand out from the page by 3:1: the graphic draws
    an outline around it there (CSS classes ``outline-light``/``outline-dark``)."""
    return " ".join(f"outline-{scheme}" for scheme in ("light", "dark") if not contrast.stands_out(colour, scheme))


@register.simple_tag(takes_context=True)
def rating_graphic(context, claim=None, size: str = "small", *, rating=None, retracted=None) -> str:
    """The graphic for a claim's verdict (or a given rating); nothing for a claim with no rating."""
    if claim is not None:
        verdict = getattr(claim, "verdict", None)
        rating = rating or (verdict.rating if verdict is not None else None)
        if retracted is None:
            retracted = claim.status == "retracted"
    if rating is None and not retracted:
        return ""
    shown = Step(rating.pk, rating.label, rating.slug, rating.colour) if rating is not None else None
    return _drawn(shown, tuple(rating_scale(context)), size, bool(retracted))


@lru_cache(maxsize=512)
def _drawn(rating: Step | None, scale: tuple[Step, ...], size: str, retracted: bool) -> str:
    """The SVG for one rating on one scale: the same few dozen on every page, so drawn once each (a
    card's graphic is most of a listing's template work). Keyed by every value it shows, so an
    edited rating or scale draws anew."""
    return get_template("includes/rating_graphic.html").render(
        {"graphic": graphic(rating, list(scale), size=size, retracted=retracted)})


@register.filter
def contrast_figures(colour: str) -> dict | None:
    """A colour as the desk sees it: the text drawn on it, and its contrast with the text and the pages."""
    try:
        pages = contrast.against_pages(colour)
    except ValueError:
        return None
    text = contrast.text_colour_on(colour)
    return {
        "text_colour": text, "text_name": "black" if text == contrast.BLACK else "white",
        "text": contrast.figure(contrast.text_contrast(colour)),
        "light": contrast.figure(pages["light"]), "light_ok": pages["light"] >= contrast.NON_TEXT,
        "dark": contrast.figure(pages["dark"]), "dark_ok": pages["dark"] >= contrast.NON_TEXT,
    }


@register.filter
def text_colour_on(colour: str) -> str:
    """Black or white, whichever reads better on the colour."""
    return contrast.text_colour_on(colour)
