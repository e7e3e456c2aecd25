"""The desk's part of the API: personal tokens (``Authorization: Bearer fcd_…``), their scopes, and a
rate limit per token. Session cookies are never read here, so a page elsewhere cannot make a signed-in
browser write through the API (no CSRF), and a token acts exactly as its owner does in the desk."""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from claims import permissions
from claims.api.http import problem_response, too_many
from claims.models import ApiToken
from claims.services.tokens import token_for_secret, token_touch

CHALLENGE = 'Bearer realm="api"'


def _unauthorised(detail: str, *, error: str = "") -> HttpResponse:
    # RFC 6750 §3: no error code when no token was sent; invalid_token for a bad, revoked or unknown one.
    challenge = f'{CHALLENGE}, error="{error}"' if error else CHALLENGE
    return problem_response(401, detail, headers={"WWW-Authenticate": challenge})


def _bearer(request: HttpRequest) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return None
    return secret.strip()


def _limited(request: HttpRequest, token: ApiToken | None) -> HttpResponse | None:
    if token is None:
        wait = too_many(request)
        limit, who = settings.API_REQUESTS_PER_MINUTE, "this address"
    else:
        wait = too_many(request, key=f"token:{token.pk}", limit=settings.API_TOKEN_REQUESTS_PER_MINUTE)
        limit, who = settings.API_TOKEN_REQUESTS_PER_MINUTE, "this token"
    if wait is None:
        return None
    return problem_response(429, f"More than {limit} requests a minute from {who}: try again in {wait} seconds.",
                            headers={"Retry-After": str(wait)})


def _authenticate(request: HttpRequest, scope: str) -> ApiToken | HttpResponse:
    """The request's token, or the answer refusing it."""
    secret = _bearer(request)
    token = token_for_secret(secret) if secret else None
    refused = _limited(request, token if token is not None and token.revoked_at is None else None)
    if refused:
        return refused
    if secret is None:
        return _unauthorised("Send a personal API token: Authorization: Bearer <token> (create one in the "
                             "desk, under API tokens).")
    if token is None:
        return _unauthorised("This API token is not one we know.", error="invalid_token")
    if token.revoked_at is not None:
        return _unauthorised("This API token was revoked.", error="invalid_token")
    if not permissions.is_desk_member(token.user):
        return problem_response(403, "This token's owner is no longer a journalist or editor on the desk.")
    if scope not in token.scopes:
        return problem_response(403, f"This token lacks the {scope} scope.",
                                headers={"WWW-Authenticate": f'{CHALLENGE}, error="insufficient_scope", '
                                                             f'scope="{scope}"'})
    token_touch(token)
    return token


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    vary = [v.strip() for v in response.get("Vary", "").split(",") if v.strip()]
    if "Authorization" not in vary:
        response["Vary"] = ", ".join([*vary, "Authorization"])
    return response


def desk_endpoint(scope: str):
    """Wraps an operation's ``run``: the token and its scope first, its rate limit, then the operation
    as the token's owner (``request.user``), answered private and never stored by caches."""

    def decorate(run):
        @wraps(run)
        def wrapper(request: HttpRequest, *args, **kwargs):
            token = _authenticate(request, scope)
            if isinstance(token, HttpResponse):
                return _private(token)
            request.user, request.api_token = token.user, token
            return _private(run(request, *args, **kwargs))

        return wrapper

    return decorate
