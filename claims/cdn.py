"""Purging a CDN or reverse proxy by surrogate key, after a change readers should see.

Every public page names what it shows in ``Surrogate-Key`` and ``Cache-Tag`` (``claims.public_cache``):
``claim-<id>``, ``speaker-<id>``, ``topic-<id>``, ``listings`` and ``site``. A change that readers
see (publish, correction, retraction, an appearance, a speaker, topic or rating edited) purges the
keys of what it touches, once its transaction commits, through a background job (``cdn.purge``,
retried with backoff; failures are listed at /desk/jobs/). The purger is ``CDN_PURGER``:

- ``varnish``: one ``BAN`` request to ``CDN_PURGE_URL`` with the keys in a ``Surrogate-Key`` header;
  ``deploy/varnish.vcl`` bans every object whose ``Surrogate-Key`` holds one of them.
- ``fastly``: ``POST`` to ``CDN_PURGE_URL`` (``https://api.fastly.com/service/<service id>/purge``)
  with the keys in ``Surrogate-Key`` (at most 256 a request) and ``CDN_API_TOKEN`` as ``Fastly-Key``.
- ``cloudflare``: ``POST`` to ``CDN_PURGE_URL``
  (``https://api.cloudflare.com/client/v4/zones/<zone id>/purge_cache``) with ``{"tags": [...]}`` (at
  most 30 a request) and ``CDN_API_TOKEN`` as a bearer token.
- ``none`` (the default): nothing is sent; the shared cache alone is invalidated.

The purge address is the operator's own configuration, not input, so it is fetched directly (the
fetcher's refusal of private addresses is for addresses readers and journalists give).
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterable

from django.conf import settings
from django.db import connection, transaction

TIMEOUT_SECONDS = 10
FASTLY_KEYS_PER_REQUEST = 256
CLOUDFLARE_TAGS_PER_REQUEST = 30


class PurgeFailed(Exception):
    pass


class _Pending:
    """The keys a transaction purges, sent once, by one job, when it commits."""

    def __init__(self) -> None:
        self.keys: set[str] = set()
        self.sent = False

    def __call__(self) -> None:
        from claims.tasks import purge_cdn

        self.sent = True
        purge_cdn.defer(keys=sorted(self.keys))


def purge_on_commit(keys: Iterable[str]) -> None:
    """Purge these keys from the CDN once the current transaction commits (at once outside one)."""
    keys = list(keys)
    if settings.CDN_PURGER == "none" or not keys:
        return
    if connection.in_atomic_block:
        # One job per transaction, however many changes in it: the callback already waiting, if any.
        for _, callback, _ in connection.run_on_commit:
            if isinstance(callback, _Pending) and not callback.sent:
                callback.keys.update(keys)
                return
    pending = _Pending()
    pending.keys.update(keys)
    transaction.on_commit(pending)


def purge(keys: list[str]) -> None:
    """Send the purge of these keys to the configured purger; raises ``PurgeFailed`` when it refuses."""
    if not keys:
        return
    kind = settings.CDN_PURGER
    if kind == "varnish":
        _send("BAN", {"Surrogate-Key": " ".join(keys)})
    elif kind == "fastly":
        for start in range(0, len(keys), FASTLY_KEYS_PER_REQUEST):
            _send("POST", {"Surrogate-Key": " ".join(keys[start:start + FASTLY_KEYS_PER_REQUEST]),
                           "Fastly-Key": settings.CDN_API_TOKEN, "Accept": "application/json"})
    elif kind == "cloudflare":
        for start in range(0, len(keys), CLOUDFLARE_TAGS_PER_REQUEST):
            answer = _send("POST", {"Authorization": f"Bearer {settings.CDN_API_TOKEN}",
                                    "Content-Type": "application/json"},
                           json.dumps({"tags": keys[start:start + CLOUDFLARE_TAGS_PER_REQUEST]}).encode())
            try:
                ok = json.loads(answer).get("success") is True
            except (ValueError, AttributeError):
                ok = False
            if not ok:
                raise PurgeFailed(f"Cloudflare did not purge the tags: {answer[:300]!r}")


def _send(method: str, headers: dict[str, str], body: bytes | None = None) -> bytes:
    request = urllib.request.Request(settings.CDN_PURGE_URL, data=body, method=method,  # noqa: S310 - operator's URL
                                     headers={"User-Agent": "Factcheck Desk purge", **headers})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            return response.read(65536)
    except urllib.error.HTTPError as error:
        raise PurgeFailed(f"{settings.CDN_PURGER} answered {error.code} to the purge") from None
    except (urllib.error.URLError, OSError) as error:
        raise PurgeFailed(f"{settings.CDN_PURGER} could not be reached: {error}") from None
