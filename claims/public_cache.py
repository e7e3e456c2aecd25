"""Caching of the public site.

Every cached public page is stored under a key holding the public "generation", a number
kept in the shared cache and bumped after every publish, correction, retraction and change to
a speaker, topic or rating. Bumping it makes every listing stale at once, in every worker,
without tracking which pages a change touches.
"""

from __future__ import annotations

import hashlib
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.http import http_date, parse_http_date_safe, quote_etag

GENERATION_KEY = "public:generation"


def generation() -> int:
    value = cache.get(GENERATION_KEY)
    if value is None:
        value = time.time_ns() // 1000  # microseconds: also serves as Last-Modified
        cache.add(GENERATION_KEY, value, timeout=None)
        value = cache.get(GENERATION_KEY, value)
    return value


def bump_generation() -> None:
    # A new value that is always larger: the time, or one more when clocks disagree.
    current = cache.get(GENERATION_KEY) or 0
    cache.set(GENERATION_KEY, max(time.time_ns() // 1000, current + 1), timeout=None)


def _key(request: HttpRequest) -> str:
    variant = "htmx" if getattr(request, "htmx", False) else "page"
    digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"public:v2:{variant}:{digest}"


def _lookup(key: str) -> tuple[int, tuple | None]:
    """The current generation and the stored page, in one cache read."""
    found = cache.get_many([GENERATION_KEY, key])
    gen = found.get(GENERATION_KEY)
    if gen is None:
        gen = generation()
    stored = found.get(key)
    if stored is not None and stored[0] != gen:
        stored = None  # rendered before the last publish, correction or retraction
    return gen, stored


def _not_modified(request: HttpRequest, etag: str, last_modified: int) -> bool:
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        return etag in [tag.strip() for tag in if_none_match.split(",")] or if_none_match.strip() == "*"
    since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    return since is not None and since >= last_modified


def _finish(response: HttpResponse, etag: str, last_modified: int) -> HttpResponse:
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    response["Cache-Control"] = f"public, max-age={settings.PUBLIC_CACHE_MAX_AGE}, must-revalidate"
    response["Vary"] = "HX-Request"
    return response


def public_page(view):
    """Serve a public GET from the shared cache; answer conditional requests with 304."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        key = _key(request)
        gen, stored = _lookup(key)
        last_modified = gen // 1_000_000
        if stored is None:
            response = view(request, *args, **kwargs)
            if response.status_code != 200 or response.streaming:
                return response
            content = response.content
            etag = quote_etag(hashlib.sha256(content).hexdigest()[:32])
            extra = {name: response[name] for name in ("Content-Security-Policy",) if response.has_header(name)}
            extra["frameable"] = getattr(response, "xframe_options_exempt", False)
            stored = (gen, content, response["Content-Type"], etag, extra)
            cache.set(key, stored, timeout=settings.PUBLIC_CACHE_SECONDS)
        _, content, content_type, etag, extra = stored
        if _not_modified(request, etag, last_modified):
            return _finish(HttpResponseNotModified(), etag, last_modified)
        response = HttpResponse(content, content_type=content_type)
        if "Content-Security-Policy" in extra:
            response["Content-Security-Policy"] = extra["Content-Security-Policy"]
        response.xframe_options_exempt = extra.get("frameable", False)
        return _finish(response, etag, last_modified)

    return wrapper
