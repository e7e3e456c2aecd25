from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from claims import permissions


def desk_required(view):
    """Signed-in members of Journalists or Editors (superusers count as editors)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not permissions.is_desk_member(request.user):
            raise PermissionDenied("The desk is for journalists and editors.")
        return view(request, *args, **kwargs)

    return wrapper
