from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render

from claims import permissions
from claims.errors import ServiceError
from claims.views.common import wants_fragment


def desk_required(view):
    """Signed-in members of Journalists or Editors (superusers count as editors).

    Service refusals that escape a view (wrong state, stale version) become a 409 or 422
    answer with the message, never a 500.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not permissions.is_desk_member(request.user):
            raise PermissionDenied("The desk is for journalists and editors.")
        try:
            return view(request, *args, **kwargs)
        except ServiceError as error:
            return refusal(request, error)

    return wrapper


def refusal(request, error: ServiceError) -> HttpResponse:
    context = {"message": error.message, "errors": error.errors, "current": error.current}
    if wants_fragment(request):
        response = render(request, "desk/refusal.html#refusal-message", context, status=error.status)
        response["HX-Retarget"] = "#desk-messages"
        response["HX-Reswap"] = "innerHTML"
        return response
    return render(request, "desk/refusal.html", context, status=error.status)
