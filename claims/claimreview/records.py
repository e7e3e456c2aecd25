"""One ClaimReview object, as real pages write it, turned into one tidy ``Record`` (no database).

Publishers follow schema.org loosely: an author is an object, a list or a bare string; a rating
has only ``alternateName``, or only numbers; URLs are relative; text carries HTML entities;
``itemReviewed`` is a ``Claim``, a ``CreativeWork`` or missing; appearances are URLs, objects or
lists of either; dates come in any form and language. Everything here takes what it is given
and gives up on a record only when it has no ``claimReviewed``, no rating or no URL.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import re
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from claims.archive import is_http_url
from claims.languages import detect_language, normalise_tag
from claims.textnorm import drop_controls

MAX_QUOTE = 5000
MAX_CHECKED = 500
MAX_CONCLUSION = 500
MAX_RATING = 1000
MAX_NAME = 200
MAX_TITLE = 300
MAX_DEPTH = 40

_SCHEMA_PREFIX = re.compile(r"^(?:https?://schema\.org/|schema:)", re.IGNORECASE)
_TAG = re.compile(r"</?[A-Za-z][^>]{0,500}>")
_SPACE = re.compile(r"\s+")
_ESCAPED_AMPERSAND = re.compile(r"&(?:amp|#0*38|#x0*26);", re.IGNORECASE)
_ISO_DATE = re.compile(r"\s*(\d{4})-(\d{2})-(\d{2})(?![\d])")
_NUMERIC_DATE = re.compile(r"\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$")
_DATE_SETTINGS = {"REQUIRE_PARTS": ["day", "month", "year"], "PREFER_DATES_FROM": "past",
                  "RETURN_AS_TIMEZONE_AWARE": False}
_ORGANISATION_TYPES = {"organization", "newsmediaorganization", "governmentorganization", "politicalparty",
                       "corporation", "ngo", "educationalorganization"}


class Skip(Exception):  # a record left out, with the reason the report gives
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Seen:
    """One appearance of the claim: where it was said or published."""

    url: str
    title: str = ""
    outlet: str = ""
    date: dt.date | None = None


@dataclass
class Record:
    url: str
    claim: str  # claimReviewed, in full
    rating_text: str  # the publisher's rating in its words (alternateName, or the numbers written out)
    claimant: str = ""  # "" when the record names nobody
    claimant_is_organisation: bool = False
    publisher_name: str = ""
    publisher_site: str = ""
    reviewed_on: dt.date | None = None  # the ClaimReview's datePublished
    said_on: dt.date | None = None  # the claim's own date, else its first appearance's
    conclusion: str = ""
    appearances: list[Seen] = field(default_factory=list)  # the first appearance first
    language: str = ""  # BCP 47: the record's inLanguage, else the claim's words guessed; "" when neither


# --- finding the records -------------------------------------------------------------------------


def types_of(obj: dict) -> set[str]:
    """The object's schema.org types, bare and lower-cased ("http://schema.org/ClaimReview" → "claimreview")."""
    value = obj.get("@type", obj.get("type"))
    values = value if isinstance(value, list) else [value]
    return {_SCHEMA_PREFIX.sub("", v).strip().lower() for v in values if isinstance(v, str)}


def is_claimreview(obj: dict) -> bool:
    # Typed ClaimReview, or untyped (or mistyped) but plainly one: it names the claim reviewed.
    return "claimreview" in types_of(obj) or "claimReviewed" in obj


def find_claimreviews(data: object) -> list[dict]:
    """Every ClaimReview in a JSON-LD value, in document order: a single object, an array, an
    ``@graph``, a DataFeed's ``dataFeedElement[].item[]``, or nested deeper in any of them."""
    found: list[dict] = []
    stack: list[tuple[object, int]] = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            continue
        if isinstance(value, list):
            stack.extend((item, depth + 1) for item in reversed(value))
        elif isinstance(value, dict):
            if is_claimreview(value):
                found.append(value)
                continue
            stack.extend((item, depth + 1) for item in reversed(list(value.values()))
                         if isinstance(item, dict | list))
    return found


# --- one record ----------------------------------------------------------------------------------


def record_from(obj: dict, base_url: str | None = None) -> Record:
    """The record ``obj`` describes, or ``Skip`` with the reason. ``base_url`` is the page it came
    from: relative URLs are resolved against it (or, without one, against the review's own URL)."""
    claim = text_of(obj.get("claimReviewed"))
    if not claim:
        raise Skip("no claimReviewed")
    rating_text, explanation = _rating(obj.get("reviewRating"))
    if not rating_text:
        raise Skip("no rating (reviewRating has neither alternateName nor ratingValue)")
    url = _review_url(obj, base_url)
    if len(claim) > MAX_QUOTE:
        raise Skip(f"claimReviewed is longer than {MAX_QUOTE:,} characters")
    if len(rating_text) > MAX_RATING:
        raise Skip(f"the rating's text is longer than {MAX_RATING:,} characters")
    base = base_url or url

    item = _first_dict(obj.get("itemReviewed")) or {}
    claimant = _party(item.get("author")) or _party(item.get("creator"))
    publisher = _party(obj.get("publisher")) or _party(obj.get("author"))
    appearances = _appearances(item, base)
    said_on = date_of(item.get("datePublished")) or date_of(item.get("dateCreated"))
    if said_on is None and appearances:
        said_on = appearances[0].date
    publisher_url = _url(publisher.url, base) if publisher else ""
    return Record(
        url=url, claim=claim, rating_text=rating_text,
        claimant=claimant.name[:MAX_NAME] if claimant else "",
        claimant_is_organisation=bool(claimant and claimant.organisation),
        publisher_name=publisher.name[:MAX_NAME] if publisher else "",
        publisher_site=site_of(publisher_url or url),
        reviewed_on=date_of(obj.get("datePublished")) or date_of(obj.get("dateModified")),
        said_on=said_on,
        conclusion=shorten(explanation or text_of(obj.get("reviewBody")) or text_of(obj.get("description")),
                            MAX_CONCLUSION),
        appearances=appearances,
        language=_language(obj.get("inLanguage")) or _language(item.get("inLanguage")) or detect_language(claim) or "",
    )


def _language(value: object) -> str | None:
    """inLanguage is a tag ("es"), a Language ({"alternateName": "es", "name": "Spanish"}) or a list."""
    for one in _listed(value):
        if isinstance(one, dict):
            one = one.get("alternateName") or one.get("identifier") or one.get("name")
        tag = normalise_tag(text_of(one)) if isinstance(one, str) else None
        if tag:
            return tag
    return None


def _review_url(obj: dict, base_url: str | None) -> str:
    raw = url_text(obj.get("url"))
    if not raw:
        raise Skip("no url")
    if base_url:
        raw = urljoin(base_url, raw)
    elif not urlsplit(raw).scheme:
        raise Skip(f"the url “{raw[:100]}” is relative and there is no page address to resolve it against")
    if not is_http_url(raw):
        raise Skip(f"the url “{raw[:100]}” is not an http or https address")
    return raw


def _rating(value: object) -> tuple[str, str]:
    """The publisher's rating in its words, and its explanation if it gives one."""
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, dict | str) and v), None)
    if isinstance(value, str):
        return text_of(value), ""
    if not isinstance(value, dict):
        return "", ""
    explanation = text_of(value.get("ratingExplanation"))
    words = text_of(value.get("alternateName"))
    if words:
        return words, explanation
    number = _number(value.get("ratingValue"))
    if not number:
        return "", explanation
    best, worst = _number(value.get("bestRating")), _number(value.get("worstRating"))
    if best and worst:
        return f"{number} (from {worst} to {best})", explanation
    if best:
        return f"{number} of {best}", explanation
    return number, explanation


def _number(value: object) -> str:
    """A rating number written plainly: 2, "2", 2.0 → "2"; 3.5 → "3.5"."""
    if isinstance(value, dict):
        value = value.get("@value")
    if isinstance(value, bool) or value is None:
        return ""
    text = text_of(value)
    try:
        number = float(text.replace(",", "."))
    except ValueError:
        return text[:20]
    return f"{number:g}"


@dataclass(frozen=True)
class _Party:
    name: str
    organisation: bool
    url: str


def _party(value: object) -> _Party | None:
    """An author, creator or publisher given as an object, a list (the first with a name) or a string."""
    if isinstance(value, list):
        return next((p for p in map(_party, value) if p), None)
    if isinstance(value, str):
        name = text_of(value)
        return _Party(name, False, "") if name else None
    if not isinstance(value, dict):
        return None
    name = (text_of(value.get("name")) or text_of(value.get("legalName"))
            or text_of(value.get("alternateName")))
    if not name:
        return None
    url = url_text(value.get("url")) or url_text(value.get("sameAs"))
    return _Party(name, bool(types_of(value) & _ORGANISATION_TYPES), url)


def _appearances(item: dict, base: str) -> list[Seen]:
    """firstAppearance, then every appearance, then the reviewed work itself when it is one (a
    CreativeWork with a URL); each URL once."""
    found: list[Seen] = []
    seen_urls: set[str] = set()
    candidates = [*_listed(item.get("firstAppearance")), *_listed(item.get("appearance"))]
    if item and "claim" not in types_of(item):
        candidates.append(item)
    for candidate in candidates:
        appearance = _seen(candidate, base)
        if appearance and appearance.url not in seen_urls:
            seen_urls.add(appearance.url)
            found.append(appearance)
    return found


def _seen(value: object, base: str) -> Seen | None:
    if isinstance(value, str):
        url = _url(url_text(value), base)
        return Seen(url=url) if url else None
    if not isinstance(value, dict):
        return None
    url = _url(url_text(value.get("url")) or url_text(value.get("@id")), base)
    if not url:
        return None
    outlet = _party(value.get("publisher")) or _party(value.get("isPartOf"))
    return Seen(url=url, title=shorten(text_of(value.get("headline")) or text_of(value.get("name")), MAX_TITLE),
                outlet=outlet.name[:MAX_NAME] if outlet else "", date=date_of(value.get("datePublished")))


def _listed(value: object) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _first_dict(value: object) -> dict | None:
    for item in _listed(value):
        if isinstance(item, dict):
            return item
    return None


def _url(value: str, base: str | None) -> str:
    """An absolute http(s) URL, resolved against ``base``; "" for anything else."""
    if not value:
        return ""
    # urljoin is slow, and nearly every URL in a feed is already absolute.
    url = urljoin(base, value) if base and not value.startswith(("https://", "http://")) else value
    return url if is_http_url(url) else ""


def site_of(url: str) -> str:
    """The site a URL belongs to, as rating mappings name it: "www.Example.org" → "example.org"."""
    if not url:
        return ""
    if "//" not in url:
        url = f"//{url}"
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""
    return host.removeprefix("www.")[:MAX_NAME]


# --- text and dates ------------------------------------------------------------------------------


def text_of(value: object, *, unescape: bool = True) -> str:
    """Plain text from a JSON-LD value: a string, a number, ``{"@value": …}`` or the first of a
    list; HTML entities decoded (twice over for pages that escaped them twice), tags and control
    characters dropped, spaces collapsed."""
    if isinstance(value, list):
        return next((t for t in (text_of(v, unescape=unescape) for v in value) if t), "")
    if isinstance(value, dict):
        value = value.get("@value")
    if isinstance(value, bool) or value is None:
        return ""
    text = str(value) if isinstance(value, int | float) else value
    if not isinstance(text, str):
        return ""
    if unescape and "&" in text:
        text = html.unescape(html.unescape(text))
    if unescape and "<" in text:
        text = _TAG.sub(" ", text)
    return _SPACE.sub(" ", drop_controls(text)).strip()


def url_text(value: object) -> str:
    """A URL as written, with the one entity pages leave in them (``&amp;``) undone. Nothing else is
    unescaped: "?a=1&copy=2" is a query, not a copyright sign."""
    return _ESCAPED_AMPERSAND.sub("&", text_of(value, unescape=False))


def shorten(text: str, limit: int) -> str:
    """At most ``limit`` characters, cut between words, with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2:]:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:") + "…"


def date_of(value: object) -> dt.date | None:
    text = text_of(value)
    return parse_date(text) if text else None


@functools.lru_cache(maxsize=8192)  # feeds repeat dates a lot, and dateparser is slow
def parse_date(text: str) -> dt.date | None:
    """A date in any common form or language: "2023-08-08T10:00:00-0300", "08/08/2023",
    "8 de agosto de 2023". ISO dates (nearly all of them) and numeric ones never reach dateparser.

    The date is the one the publisher wrote, whatever its time zone. A numeric date is read day
    first, as the archive's CSV dates are, unless only month first makes sense ("08/13/2023")."""
    match = _ISO_DATE.match(text)
    if match:
        return _date(*map(int, match.groups()))
    match = _NUMERIC_DATE.match(text)
    if match:
        first, second, year = map(int, match.groups())
        return _date(year, first, second) if second > 12 else _date(year, second, first)
    try:
        parsed = _date_parser().get_date_data(text[:100]).date_obj
    except (ValueError, OverflowError, TypeError):
        return None
    return parsed.date() if parsed else None


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


@functools.cache
def _date_parser():
    # Loaded on first use only. It tries the language that read the last date first: a feed is
    # written in one language, and guessing it afresh for every date is most of dateparser's time.
    from dateparser.date import DateDataParser

    return DateDataParser(settings=_DATE_SETTINGS, try_previous_locales=True)
