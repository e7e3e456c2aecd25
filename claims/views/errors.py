"""The answer when a request fails unexpectedly: never a traceback."""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.views.defaults import server_error as django_server_error


def server_error(request: HttpRequest) -> HttpResponse:
    """A lost database (restarted, killed) answers 503 with a page saying so, and a hint to retry;
    anything else is Django's plain 500 page."""
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        # Rendered without context processors: they could need the database that is gone.
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = "30"
        response["Cache-Control"] = "no-store"
        return response
    return django_server_error(request)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """A refusal in a sentence people say; on the desk, inside the desk's own layout with its
    navigation and a way back."""
    from django.shortcuts import render
    from django.utils.http import url_has_allowed_host_and_scheme

    from claims import permissions

    message = str(exception or "") or "You do not have permission to do that."
    user = getattr(request, "user", None)
    on_desk = request.path.startswith("/desk/") and user is not None and bool(permissions.roles_of(user))
    back = request.META.get("HTTP_REFERER", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}) or back.endswith(request.path):
        back = ""
    template = "desk/403.html" if on_desk else "403.html"
    return render(request, template, {"message": message, "back": back}, status=403)
