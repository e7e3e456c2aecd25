"""Personal API tokens: created and revoked by their owner in the desk, presented as
``Authorization: Bearer fcd_…``. The secret is shown once; only its SHA-256 digest is kept, so a
leaked database gives no working token. The digest is looked up through its unique index: the
comparison happens in PostgreSQL on a value an attacker cannot choose (the hash of what they send),
so timing tells them nothing about stored secrets."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from claims import permissions
from claims.errors import Invalid
from claims.events import record_event
from claims.models import ApiToken, ApiTokenScope

TOKEN_PREFIX = "fcd_"  # noqa: S105 - the public start of every token, no secret
# Long enough to tell a person's tokens apart in the list, short enough to reveal nothing useful.
SHOWN_PREFIX_LENGTH = len(TOKEN_PREFIX) + 6
# last_used_at is written at most this often, so a busy pipeline does not write on every request.
TOUCH_INTERVAL = dt.timedelta(minutes=1)


def token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def token_create(*, actor, name: str, scopes: list[str]) -> tuple[ApiToken, str]:
    """A new token for ``actor`` and its secret, which is never stored and cannot be shown again."""
    permissions.require(actor, "token_manage")
    name = name.strip()
    wanted = sorted(set(scopes))
    if not name or not wanted or not set(wanted) <= set(ApiTokenScope.values):
        raise Invalid("Give the token a name and at least one scope.")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(user=actor, name=name[:100], prefix=secret[:SHOWN_PREFIX_LENGTH],
                                        digest=token_digest(secret), scopes=wanted)
        record_event(actor=actor, action="token_created",
                     changes={"name": [None, token.name], "prefix": [None, token.prefix], "scopes": [None, wanted]})
    return token, secret


def token_revoke(*, actor, token_id: int) -> ApiToken:
    """Revoke one of the actor's own tokens; anyone else's is not found (404), and nothing changes."""
    permissions.require(actor, "token_manage")
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().filter(pk=token_id, user=actor).first()
        if token is None:
            raise Http404("You have no API token with this number.")
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            record_event(actor=actor, action="token_revoked",
                         changes={"name": [token.name, token.name], "prefix": [token.prefix, token.prefix]})
    return token


def token_for_secret(secret: str) -> ApiToken | None:
    """The token this secret belongs to, revoked or not, with its user; None for anything else."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    return ApiToken.objects.select_related("user").filter(digest=token_digest(secret)).first()


def token_touch(token: ApiToken) -> None:
    """Note that the token was used, at most once a minute (one UPDATE, no lock)."""
    now = timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < TOUCH_INTERVAL:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
