"""Destructive actions ask first.

The form in the page carries ``<input type="hidden" name="confirmed" value="no">`` and a button of
class ``button-danger``. With JavaScript, ``desk.js`` asks in a native ``<dialog>`` whose confirming
button repeats the action's name, and sends ``confirmed=yes``. Without it, the view answers this
confirmation page with the same button. A request without the field (a script, a test, an older
page) is taken as it is: it asks nothing of a person."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

Label = str | Callable[..., str | None]


def confirm_first(action: Label, question: Label | None = None, *, permission: str | None = None):
    """Answer the confirmation page when the form says it was not confirmed yet. ``action`` is the
    button's name ("Remove evidence"), or a function of the view's arguments giving it (None: this
    one does not ask); ``question`` the sentence above the button. Someone who may not take the
    action (``permission``, an action of the permission table) is refused before being asked."""

    def decorate(view):
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method == "POST" and request.POST.get("confirmed") == "no":
                name = action(request, *args, **kwargs) if callable(action) else action
                if name and permission:
                    from claims import permissions

                    permissions.require(request.user, permission)
                if name:
                    asked = question(request, *args, **kwargs) if callable(question) else question
                    return confirmation_page(request, name, asked)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


def confirmation_page(request: HttpRequest, action: str, question: str | None = None) -> HttpResponse:
    fields = [(key, value) for key in request.POST if key not in ("csrfmiddlewaretoken", "confirmed")
              for value in request.POST.getlist(key)]
    back = request.META.get("HTTP_REFERER", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        back = reverse("desk:dashboard")
    return render(request, "desk/confirm.html", {
        "action": action, "question": question or f"{action}?", "fields": fields, "target": request.get_full_path(),
        "back": back,
    })
