"""Choosing the response: the whole page, or the fragment an htmx request asked for."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django_htmx.http import trigger_client_event

from claims.textnorm import drop_controls


def wants_fragment(request: HttpRequest) -> bool:
    """htmx asked for a piece of the page (a history restore always gets the whole page). Read from
    the headers as django-htmx reads them, so that the public cache can ask before its middleware runs."""
    headers = request.headers
    return (headers.get("HX-Request") == "true" and headers.get("HX-History-Restore-Request") != "true"
            and headers.get("HX-Boosted") != "true")


def page_or_fragment(request: HttpRequest, template: str, fragment: str, context: dict, *, status: int = 200,
                     event: str | None = None) -> HttpResponse:
    name = f"{template}#{fragment}" if wants_fragment(request) else template
    response = render(request, name, context, status=status)
    response["Vary"] = "HX-Request, HX-History-Restore-Request, HX-Boosted"
    if event and wants_fragment(request):
        trigger_client_event(response, event)
    return response


def see_other(to, *args) -> HttpResponseRedirect:
    """303 See Other: after a POST, the browser GETs the next page (never re-POSTs)."""
    response = HttpResponseRedirect(resolve_url(to, *args))
    response.status_code = 303
    return response


def posted_text(request: HttpRequest, name: str, limit: int) -> str:
    """A posted value that no form field checks (a comment, a hidden field): cut to the limit, its
    control characters dropped (tab and line breaks kept), so the database never refuses it."""
    return drop_controls(request.POST.get(name, "")[:limit])
