"""Caching of the public site.

Every cached public page is stored under a key holding the public "generation", a number
kept in the shared cache and bumped after every publish, correction, retraction and change to
a speaker, topic or rating. Bumping it makes every listing stale at once, in every worker,
without tracking which pages a change touches.

A URL has two answers, the whole page and the fragment htmx swaps in; they are stored apart,
chosen by the same rule the views use (`wants_fragment`), so a history restore or a boosted
request never gets a stored fragment and a plain htmx request never gets a stored page.

Anonymous readers' stored pages are answered by ``cached_answer`` from a middleware, before
sessions, auth and CSRF run (``claims.middleware.PublicCacheMiddleware``); ``public_page`` renders
and stores on a miss. Each page names what it shows in ``Surrogate-Key`` and ``Cache-Tag``, for a
CDN or Varnish to purge by (``claims.cdn``).
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Iterable
from functools import lru_cache, partial, wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.http import http_date, parse_http_date_safe, quote_etag

from claims.views.common import wants_fragment
from factcheck.replicas import reading_from, replica_aliases, replica_is_current

log = logging.getLogger("factcheck.cache")

GENERATION_KEY = "public:generation"
# With read replicas: the primary's WAL position when the generation last moved. A page rendered
# from a replica that has not replayed that far is served but not stored (factcheck.replicas).
PRIMARY_LSN_KEY = "public:primary-lsn"
# Every header wants_fragment reads: a shared cache must not answer one kind of request with the other's body.
VARY = "HX-Request, HX-History-Restore-Request, HX-Boosted"


def generation() -> int:
    value = cache.get(GENERATION_KEY)
    if value is None:
        value = time.time_ns() // 1000  # microseconds: also serves as Last-Modified
        cache.add(GENERATION_KEY, value, timeout=None)
        value = cache.get(GENERATION_KEY, value)
    return value


def _primary_lsn() -> str | None:
    from django.db import DatabaseError, connections

    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn()::text")
            return cursor.fetchone()[0]
    except DatabaseError:
        return None


def may_store(request: HttpRequest) -> bool:
    """Whether a page just rendered for this request may be stored: not when it was read from a
    replica that had not yet replayed the last change readers should see."""
    alias = reading_from()
    if alias is None:
        return True
    return replica_is_current(alias, cache.get(PRIMARY_LSN_KEY))


def bump_generation(keys: Iterable[str] | None = None) -> None:
    """Make every cached public page stale, and the kept content of checks that show any of these
    surrogate keys (``keep_content``; without keys, of every check). Runs after a write commits: a
    cache that cannot be reached must not turn the saved write into an error, so the bump is owed
    and made as soon as the cache answers again (then for every check: which keys were owed is not
    kept)."""
    global _bump_owed
    keys = {SITE_KEY} if _bump_owed or keys is None else set(keys)
    try:
        # A new value that is always larger: the time, or one more when clocks disagree.
        current = cache.get(GENERATION_KEY) or 0
        value = max(time.time_ns() // 1000, current + 1)
        # One write: a reader sees the new generation and the new key versions together.
        values = {GENERATION_KEY: value, **{_version_key(key): value for key in keys}}
        if replica_aliases():
            values[PRIMARY_LSN_KEY] = _primary_lsn()
        cache.set_many(values, timeout=None)
    except Exception as error:  # Redis down, or any backend failure: the page is rendered uncached
        _bump_owed = True
        _cache_failed(error)
    else:
        _bump_owed = False


def bump_on_commit(keys: Iterable[str]) -> None:
    """Bump the generation, and these keys' versions, once the current transaction commits (at once
    outside one)."""
    from django.db import transaction

    transaction.on_commit(partial(bump_generation, frozenset(keys)))


# The shared cache is an optimisation: when it is unreachable, public pages are rendered uncached,
# with one warning per outage.
_unreachable = False
_bump_owed = False


def _cache_failed(error: Exception) -> None:
    global _unreachable
    if not _unreachable:
        _unreachable = True
        log.warning("The shared cache cannot be reached (%s): public pages are rendered uncached until it "
                    "answers again.", error)


def _cache_answered() -> None:
    global _unreachable
    if _unreachable:
        _unreachable = False
        log.warning("The shared cache answers again: public pages are cached again.")
    if _bump_owed:
        bump_generation()


# Settings that public pages show: a change to one (made with a restart) starts afresh like a deploy.
RELEASE_SETTINGS = ("SITE_URL", "PUBLISHER_NAME", "PUBLISHER_URL", "PUBLISHER_LOGO_URL", "ARCHIVE_PUBLIC",
                    "REVIEW_APPROVALS_REQUIRED", "LANGUAGE_CODE")


@lru_cache(maxsize=1)
def release() -> str:
    """A digest of what renders the public pages: the code, the templates and the settings they
    show. It is part of every stored page's and every kept check's key, so a deploy that changes
    any of them starts with none of the last release's, while servers of one release share theirs."""
    root = settings.BASE_DIR
    digest = hashlib.sha256()
    for folder in ("claims", "factcheck", "templates"):
        for path in sorted((root / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
    for name in RELEASE_SETTINGS:
        digest.update(f"{name}={getattr(settings, name, None)!r}".encode())
    return digest.hexdigest()[:16]


def _key(request: HttpRequest, *, fragment: bool) -> str:
    variant = "fragment" if fragment else "page"
    digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"public:v3:{release()}:{variant}:{digest}"


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


def cache_control(*, fragment: bool) -> str:
    if fragment:
        # Only the browser that asked may keep a fragment: a shared cache that ignores Vary
        # would otherwise serve it as the page at this URL.
        return "private, max-age=0, must-revalidate"
    return (f"public, max-age={settings.PUBLIC_CACHE_MAX_AGE}, "
            f"stale-while-revalidate={settings.PUBLIC_CACHE_STALE_SECONDS}")


def _finish(response: HttpResponse, etag: str, last_modified: int, keys: str, *, fragment: bool) -> HttpResponse:
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    response["Cache-Control"] = cache_control(fragment=fragment)
    response["Vary"] = VARY
    if keys and not fragment:
        # What the page shows, for a CDN or Varnish to purge by (claims.cdn): the same list under
        # the name Varnish and Fastly read and the one Cloudflare reads.
        response["Surrogate-Key"] = keys
        response["Cache-Tag"] = keys
    return response


# --- surrogate keys: what a page shows ---------------------------------------------------------------

# On every page: what a change seen everywhere (a rating's label or colour) purges.
SITE_KEY = "site"
# On every page that lists checks (home, search, speakers, topics, corrections, feeds, the sitemap):
# what a publish, correction or retraction purges beside the check's own page.
LISTINGS_KEY = "listings"


def surrogate_keys(response: HttpResponse, *keys: str) -> HttpResponse:
    """Name what this page shows (``claim-<id>``, ``speaker-<id>``, ``topic-<id>``, ``listings``)."""
    response.surrogate_keys = [*getattr(response, "surrogate_keys", ()), *keys]
    return response


def claim_keys(claim) -> list[str]:
    """The keys of a check's own page: the check, everyone shown saying it, its topics (all prefetched
    by ``with_public_detail``)."""
    speakers = {claim.speaker_id, *(a.speaker_id for a in getattr(claim, "public_appearances", ()))}
    # The earlier checks its "why this differs" notes link to: their address or state may change.
    earlier = sorted({note.past_claim_id for note in getattr(claim, "public_notes", ())})
    return [f"claim-{claim.pk}", *(f"speaker-{pk}" for pk in sorted(speakers)),
            *(f"topic-{topic.pk}" for topic in claim.topics.all()), *(f"claim-{pk}" for pk in earlier)]


def _keys_of(response: HttpResponse) -> str:
    """The page's keys, with ``site``; a page that names none is a listing."""
    keys = dict.fromkeys(getattr(response, "surrogate_keys", None) or [LISTINGS_KEY])  # in order, once each
    keys[SITE_KEY] = None
    return " ".join(keys)


# Headers a view sets itself that the cached page keeps (the embed's and archive's own policies).
KEPT_HEADERS = ("Content-Security-Policy", "X-Robots-Tag")


def _extra_of(response: HttpResponse) -> dict:
    """What a stored answer keeps of a view's response beside its body: its own headers, and whether
    it may be framed."""
    extra = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
    extra["frameable"] = getattr(response, "xframe_options_exempt", False)
    return extra


def _with_extra(response: HttpResponse, extra: dict) -> HttpResponse:
    for name in KEPT_HEADERS:
        if name in extra:
            response[name] = extra[name]
    response.xframe_options_exempt = extra.get("frameable", False)
    return response


# --- a check's content, kept across other checks' changes ----------------------------------------------

# Every change readers see moves the generation, so every stored page goes stale at each publish,
# although a check's own page changes only with what its surrogate keys name. So each key also has
# a version in the shared cache, moved in the same write as the generation by every change that
# purges the key (``bump_generation``). What a view renders for a check is kept with the versions of
# its keys (``keep_content``) and served while they hold: the page of a check read everywhere is
# rendered again when something it shows changes, not at every publish of another check, and a new
# address for it (a tracking parameter a share adds) costs a cache read, not a render.


def _version_key(key: str) -> str:
    return f"public:key:{key}"


def _content_key(name: str) -> str:
    return f"public:v1:{release()}:content:{name}"


def _versions(keys: list[str]) -> tuple[int | None, dict]:
    """The generation and the current version of each key, read after giving a version to any key that
    has none yet. A key never goes back to having no version: one lost from the cache comes back as a
    new one, so it cannot make old content current again."""
    names = [_version_key(key) for key in keys]
    found = cache.get_many([GENERATION_KEY, *names])
    missing = [name for name in names if name not in found]
    if missing:
        # A value no bump ever writes (bumps write the time, so a positive number), in one write. It
        # may overwrite a bump made since the read above; but that bump also moved the generation,
        # which is read again after the write, so nothing rendered before that bump is stored.
        cache.set_many(dict.fromkeys(missing, -(time.time_ns() // 1000)), timeout=None)
        found = cache.get_many([GENERATION_KEY, *names])
    return found.get(GENERATION_KEY), {name: found.get(name) for name in names}


def keep_content(request: HttpRequest, name: str, render: Callable[[], HttpResponse]) -> HttpResponse:
    """The response ``render`` gives, kept under ``name`` (one per check) with the versions of the
    surrogate keys it names, and given again while none of them has moved. Only a 200 is kept, only
    one rendered under the generation current since before the view read the database (set by
    ``public_page``), and never one read from a lagging replica."""
    seconds = settings.PUBLIC_CONTENT_CACHE_SECONDS
    gen = getattr(request, "public_generation", None)
    if not seconds or gen is None:
        return render()
    key = _content_key(name)
    try:
        kept = cache.get(key)
        if kept is not None:
            content, content_type, keys, versions, extra = kept
            if cache.get_many(list(versions)) == versions:
                return surrogate_keys(_with_extra(HttpResponse(content, content_type=content_type), extra), *keys)
    except Exception as error:
        _cache_failed(error)
        return render()
    response = render()
    if response.status_code != 200 or response.streaming:
        return response
    keys = list(dict.fromkeys(getattr(response, "surrogate_keys", ())))
    try:
        current, versions = _versions([*keys, SITE_KEY])
        if current == gen and may_store(request):
            cache.set(key, (response.content, response["Content-Type"], keys, versions, _extra_of(response)),
                      timeout=seconds)
    except Exception as error:
        _cache_failed(error)
    return response


def _answer(request: HttpRequest, stored: tuple, gen: int, *, fragment: bool) -> HttpResponse:
    """The response for a stored page: 304 when the reader's copy is current."""
    _, content, content_type, etag, extra = stored
    last_modified = gen // 1_000_000
    keys = extra.get("keys", "")
    if _not_modified(request, etag, last_modified):
        return _finish(HttpResponseNotModified(), etag, last_modified, keys, fragment=fragment)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Length"] = str(len(content))
    _with_extra(response, extra)
    response.from_public_cache = True  # the site's policy as built once (claims.middleware.SiteCSPMiddleware)
    return _finish(response, etag, last_modified, keys, fragment=fragment)


def cached_answer(request: HttpRequest) -> HttpResponse | None:
    """The stored answer to a GET or HEAD, if there is a current one, else None (nothing raised:
    an unreachable cache means the request goes on to the view)."""
    fragment = wants_fragment(request)
    key = _key(request, fragment=fragment)
    try:
        found = cache.get_many([GENERATION_KEY, key])
    except Exception as error:
        _cache_failed(error)
        return None
    gen, stored = found.get(GENERATION_KEY), found.get(key)
    if gen is None or stored is None or stored[0] != gen:
        request.public_cache_miss = (key, gen)  # the view's public_page need not ask again
        return None
    _cache_answered()
    return _answer(request, stored, gen, fragment=fragment)


def public_page(view):
    """Serve a public GET from the shared cache; answer conditional requests with 304. (Anonymous
    readers are usually answered before the view is reached: ``claims.middleware.PublicCacheMiddleware``.)"""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        fragment = wants_fragment(request)
        key = _key(request, fragment=fragment)
        missed = getattr(request, "public_cache_miss", None)
        if missed is not None and missed[0] == key:
            gen, stored = missed[1], None
            if gen is None:  # no generation yet (a cache just started): make it
                try:
                    gen = generation()
                except Exception as error:
                    _cache_failed(error)
                    return view(request, *args, **kwargs)
        else:
            try:
                gen, stored = _lookup(key)
            except Exception as error:
                _cache_failed(error)
                return view(request, *args, **kwargs)
        _cache_answered()
        if stored is None:
            request.public_generation = gen  # what keep_content stores its content under
            response = view(request, *args, **kwargs)
            if response.status_code != 200 or response.streaming:
                return response
            content = response.content
            etag = quote_etag(hashlib.sha256(content).hexdigest()[:32])
            extra = {**_extra_of(response), "keys": _keys_of(response)}
            stored = (gen, content, response["Content-Type"], etag, extra)
            try:
                if may_store(request):
                    cache.set(key, stored, timeout=settings.PUBLIC_CACHE_SECONDS)
            except Exception as error:
                _cache_failed(error)
        return _answer(request, stored, gen, fragment=fragment)

    return wrapper

