"""Who is asking: the client's address, for sign-in throttling and the suggestion limit."""

from __future__ import annotations

from django.conf import settings


def client_address(request) -> str | None:
    """The connection's address; behind a trusted reverse proxy, the last hop it appended.

    Only the rightmost X-Forwarded-For entry was written by our proxy: entries to its left come
    from the client and can say anything.
    """
    if settings.CLIENT_IP_FROM_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return request.META.get("REMOTE_ADDR") or None
