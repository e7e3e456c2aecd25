"""What every public API answer shares: problems (RFC 9457), the rate limit, ETags and cursors."""

from __future__ import annotations

import base64
import binascii
import json
import logging
import time
from functools import wraps
from http import HTTPStatus

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from ninja.responses import NinjaJSONEncoder

from claims.net import client_address
from claims.public_cache import generation

log = logging.getLogger("factcheck.api")

PROBLEM_TYPE = "application/problem+json"
# Bumped when the shape of the answers changes, so a client's stored ETag never matches an answer
# of another shape.
FORMAT_VERSION = "1"


class Problem(Exception):
    """An error answered as ``application/problem+json``."""

    def __init__(self, status: int, detail: str, *, headers: dict | None = None, **extra):
        super().__init__(detail)
        self.status, self.detail, self.headers, self.extra = status, detail, headers or {}, extra


# RFC 9110's names where older Pythons still give RFC 7231's.
TITLES = {413: "Content Too Large", 422: "Unprocessable Content"}


def problem_response(status: int, detail: str, *, headers: dict | None = None, **extra) -> HttpResponse:
    title = TITLES.get(status) or HTTPStatus(status).phrase
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    response = HttpResponse(json.dumps(body, cls=NinjaJSONEncoder, ensure_ascii=False), status=status,
                            content_type=f"{PROBLEM_TYPE}; charset=utf-8")
    for name, value in (headers or {}).items():
        response[name] = value
    response["Cache-Control"] = "no-store"
    return response


# --- Rate limit: a fixed window of one minute per client address (or per token: claims.api.auth),
# counted with an atomic incr.

def too_many(request: HttpRequest, *, key: str | None = None, limit: int | None = None) -> int | None:
    """Seconds to wait when this request is over the limit; None when it may go on. ``key`` names
    what is counted (the client's address unless given), ``limit`` its requests a minute."""
    now = time.time()
    window = int(now // 60)
    key = f"api:rate:{key or client_address(request) or 'unknown'}:{window}"
    try:
        cache.add(key, 0, timeout=120)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr: this request opens a new count
            cache.set(key, 1, timeout=120)
            count = 1
    except Exception as error:  # the shared cache is down: the API still answers, uncounted
        log.warning("API rate limit not counted: %s", error)
        return None
    if count > (limit or settings.API_REQUESTS_PER_MINUTE):
        return max(1, int((window + 1) * 60 - now + 0.999))
    return None


# --- ETags: weak, from the public generation (bumped after every change readers can see).

def current_etag() -> str | None:
    try:
        return f'W/"{FORMAT_VERSION}-{generation()}"'
    except Exception as error:
        log.warning("API answers without an ETag: %s", error)
        return None


def _matches(if_none_match: str, etag: str) -> bool:
    """Weak comparison (RFC 9110 §13.1.2): W/ prefixes are ignored."""
    if if_none_match.strip() == "*":
        return True
    bare = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == bare for tag in if_none_match.split(","))


def _cache_headers(response: HttpResponse, etag: str | None) -> HttpResponse:
    if etag:
        response["ETag"] = etag
    response["Cache-Control"] = f"public, max-age={settings.PUBLIC_CACHE_MAX_AGE}, must-revalidate"
    return response


def public_endpoint(run):
    """Wraps an operation's ``run``: the rate limit first, then ``If-None-Match``, then the operation."""

    @wraps(run)
    def wrapper(request: HttpRequest, *args, **kwargs):
        wait = too_many(request)
        if wait is not None:
            return problem_response(
                429, f"More than {settings.API_REQUESTS_PER_MINUTE} requests a minute from this address: "
                f"try again in {wait} seconds.", headers={"Retry-After": str(wait)})
        etag = current_etag()
        if_none_match = request.headers.get("If-None-Match")
        if etag and if_none_match and _matches(if_none_match, etag):
            return _cache_headers(HttpResponse(status=304), etag)
        response = run(request, *args, **kwargs)
        if response.status_code == 200:
            _cache_headers(response, etag)
        return response

    return wrapper


# --- Cursors: opaque to clients, base64url of a small JSON list.

def encode_cursor(*values) -> str:
    text = json.dumps(list(values), cls=NinjaJSONEncoder, separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, *, kinds: tuple[type, ...], name: str = "cursor") -> list:
    """The values in a cursor this API made, checked against ``kinds``; a 422 problem for anything else."""
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode())
    except (binascii.Error, UnicodeDecodeError, ValueError):
        values = None
    if (not isinstance(values, list) or len(values) != len(kinds)
            or not all(isinstance(v, k) and not isinstance(v, bool) for v, k in zip(values, kinds, strict=True))):
        raise Problem(422, f"The {name} is not one this API gave out: start again without it.")
    return values
