"""Reading ClaimReview sources: JSON or JSON-LD files and feeds, and HTML pages, from disk or the web.

JSON is read whole (a single object, an array, an ``@graph`` or a DataFeed). An HTML page gives
every ``<script type="application/ld+json">`` block and its microdata, through extruct in one
pass; a block that is not valid JSON is reported and the others are still read. Addresses are
fetched by ``claims.fetch.fetch_bytes``, under the intake fetcher's private-address policy.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from claims.claimreview.records import find_claimreviews
from claims.fetch import FetchError, IPAddress, decode_document, fetch_bytes, gunzip, public_address

LOCAL_GZIP_LIMIT = 1_000_000_000  # a file on the importer's own disk: only a sanity cap


class SourceError(Exception):
    """A source that could not be read at all; ``message`` says why, for the report."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Document:
    source: str  # the path or URL as given
    base_url: str | None  # what relative URLs in it are resolved against
    objects: list[dict] = field(default_factory=list)  # its ClaimReview objects, in order
    problems: list[str] = field(default_factory=list)  # parts of it that could not be read


def is_address(source: str) -> bool:
    return urlsplit(source).scheme.lower() in ("http", "https")


def read_source(source: str, *, base_url: str | None = None,
                address_allowed: Callable[[IPAddress], bool] = public_address) -> Document:
    """The ClaimReview objects in one file or address, or ``SourceError``."""
    if is_address(source):
        try:
            fetched = fetch_bytes(source, address_allowed=address_allowed)
        except FetchError as error:
            raise SourceError(error.message) from error
        return parse_document(source, fetched.body, charset=fetched.charset, content_type=fetched.content_type,
                              base_url=base_url or fetched.final_url)
    try:
        body = Path(source).read_bytes()
    except OSError as error:
        raise SourceError(f"cannot read the file: {error.strerror or error}") from None
    if body[:2] == b"\x1f\x8b":
        try:
            body = gunzip(body, max_bytes=LOCAL_GZIP_LIMIT, thing="file")
        except FetchError as error:
            raise SourceError(error.message) from error
    return parse_document(source, body, base_url=base_url)


def parse_document(source: str, body: bytes, *, charset: str | None = None, content_type: str | None = None,
                   base_url: str | None = None) -> Document:
    """JSON when it looks like JSON (whatever the server called it), otherwise an HTML page."""
    if _looks_like_json(body):
        text = decode_document(body, charset, "text/plain")  # JSON is text: no <meta> to look for in it
        try:
            data = json.loads(text)
        except ValueError as error:
            raise SourceError(f"not valid JSON ({error})") from None
        return Document(source=source, base_url=base_url, objects=find_claimreviews(data))
    if content_type and content_type not in ("text/html", "application/xhtml+xml"):
        raise SourceError(f"neither JSON nor an HTML page ({content_type})")
    if b"\0" in body[:4096] and not body.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SourceError("neither JSON nor an HTML page (it holds binary data)")
    return _html_document(source, decode_document(body, charset, "text/html"), base_url)


def _looks_like_json(body: bytes) -> bool:
    start = body[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")
    return start[:1] in (b"{", b"[")


def _html_document(source: str, text: str, base_url: str | None) -> Document:
    import extruct
    from extruct.jsonld import JsonLdExtractor
    from extruct.utils import parse_html
    from lxml.etree import LxmlError

    try:
        tree = parse_html(text.encode("utf-8"), encoding="UTF-8")
    except (LxmlError, ValueError) as error:  # "Document is empty", and the like
        raise SourceError(f"not an HTML page ({error})") from None
    if tree is None:
        raise SourceError("not an HTML page")
    base_url = _page_base(tree, base_url)
    document = Document(source=source, base_url=base_url)
    try:
        found = extruct.extract(tree, base_url=base_url, syntaxes=["json-ld", "microdata"], uniform=True)
        items = [*found.get("json-ld", []), *found.get("microdata", [])]
    except Exception:  # extruct gives up on every block when one is not JSON: read them one by one
        items = []
        for number, node in enumerate(tree.xpath('//script[@type="application/ld+json"]'), start=1):
            try:
                items.extend(JsonLdExtractor().extract_items(node, base_url=base_url))
            except ValueError as error:
                document.problems.append(f"JSON-LD block {number} is not valid JSON ({error})")
        try:
            items.extend(extruct.extract(tree, base_url=base_url, syntaxes=["microdata"], uniform=True)
                         .get("microdata", []))
        except Exception as error:  # whatever microdata breaks, the JSON-LD is kept
            document.problems.append(f"the microdata could not be read ({error})")
    document.objects = find_claimreviews(items)
    return document


def _page_base(tree, base_url: str | None) -> str | None:
    """What the page's relative URLs mean: its <base href>, else where it was fetched from, else
    (for a saved page) the address it says it is: its canonical link or og:url."""
    declared = [urljoin(base_url or "", href.strip()) for href in tree.xpath("//base/@href")[:1]]
    if not base_url:
        declared += [value.strip() for value in (*tree.xpath('//link[@rel="canonical"]/@href'),
                                                 *tree.xpath('//meta[@property="og:url"]/@content'))]
    return next((url for url in declared if is_address(url)), base_url)
