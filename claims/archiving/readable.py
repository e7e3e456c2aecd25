"""The readable text of a fetched body: HTML reduced to its article, PDF text, CSV and plain text.

Only bytes we already fetched are parsed here: trafilatura is given a string and never a URL, so it
never fetches (it would not go through ``claims.fetch``'s address policy).
"""

from __future__ import annotations

import csv
import io
import logging
import re
from dataclasses import dataclass

HTML_TYPES = ("text/html", "application/xhtml+xml")
PDF_TYPES = ("application/pdf", "application/x-pdf")
CSV_TYPES = ("text/csv", "application/csv")
TEXT_TYPES = ("text/plain",)
READABLE_TYPES = (*HTML_TYPES, *PDF_TYPES, *CSV_TYPES, *TEXT_TYPES)
MAX_PDF_PAGES = 500
MAX_TEXT_CHARS = 2_000_000  # the readable text kept of one copy (a long report fits)
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_SPACES = re.compile(r"[ \t\u00a0]+")

log = logging.getLogger("factcheck.archive")


class Unreadable(Exception):
    """The body could not be turned into text; the message says why, for the evidence row."""


@dataclass(frozen=True)
class Readable:
    title: str
    text: str


def kind_of(content_type: str) -> str | None:
    media = (content_type or "").split(";")[0].strip().lower()
    for kind, types in (("html", HTML_TYPES), ("pdf", PDF_TYPES), ("csv", CSV_TYPES), ("text", TEXT_TYPES)):
        if media in types:
            return kind
    return None


def readable(body: bytes, *, content_type: str, charset: str | None = None, url: str = "") -> Readable:
    kind = kind_of(content_type)
    if kind == "html":
        return _html(_decode(body, charset), url)
    if kind == "pdf":
        return _pdf(body)
    if kind == "csv":
        return Readable("", _csv(_decode(body, charset)))
    if kind == "text":
        return Readable("", _tidy(_decode(body, charset)))
    media = (content_type or "unknown").split(";")[0].strip() or "unknown"
    raise Unreadable(f"The source is {media}, which cannot be read as text (HTML, PDF, CSV or plain text can).")


def _decode(body: bytes, charset: str | None) -> str:
    for encoding in (charset, "utf-8-sig", "cp1252"):
        if not encoding:
            continue
        try:
            return body.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    return body.decode("utf-8", errors="replace")


def _tidy(text: str) -> str:
    lines = (_SPACES.sub(" ", line).strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    return "\n".join(line for line in lines if line)[:MAX_TEXT_CHARS]


def _html(html: str, url: str) -> Readable:
    import trafilatura

    from claims.extraction import html_to_text

    text = None
    try:
        text = trafilatura.extract(html, url=url or None, include_comments=False, include_tables=True,
                                   favor_recall=True, deduplicate=False)
    except Exception:  # a page trafilatura chokes on still has text: the desk's own reader takes it
        log.warning("trafilatura failed on %s", url, exc_info=True)
    if not text:
        text = html_to_text(html)
    return Readable(_html_title(html), _tidy(text or ""))


def _html_title(html: str) -> str:
    found = _TITLE.search(html[:200_000])
    if not found:
        return ""
    from html import unescape

    return _SPACES.sub(" ", unescape(re.sub(r"<[^>]+>", "", found.group(1)))).strip()[:300]


def _pdf(body: bytes) -> Readable:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(body))
        if reader.is_encrypted:
            raise Unreadable("The PDF is encrypted: its text cannot be read.")
        pages = [page.extract_text() or "" for page in reader.pages[:MAX_PDF_PAGES]]
        title = str((reader.metadata or {}).get("/Title") or "")
    except Unreadable:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as error:
        raise Unreadable(f"The PDF could not be read ({type(error).__name__}).") from None
    text = _tidy("\n".join(pages))
    if not text:
        raise Unreadable("The PDF has no text to read (it may be scanned images).")
    return Readable(title.strip()[:300], text)


def _csv(text: str) -> str:
    """One line per row, cells separated by " | ", so a figure reads with its row's labels."""
    try:
        dialect = csv.Sniffer().sniff(text[:5000], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    rows = csv.reader(io.StringIO(text), dialect)
    try:
        return _tidy("\n".join(" | ".join(cell.strip() for cell in row) for row in rows))
    except csv.Error:
        return _tidy(text)
