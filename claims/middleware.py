from __future__ import annotations

from django.conf import settings
from django.shortcuts import resolve_url
from django_htmx.http import HttpResponseClientRedirect


class HtmxLoginRedirectMiddleware:
    """An htmx request that must sign in gets ``HX-Redirect``: the whole page goes to sign-in,
    instead of the sign-in form being swapped into a fragment."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.login_url = None

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "htmx", False) and response.status_code == 302:
            self.login_url = self.login_url or resolve_url(settings.LOGIN_URL)
            location = response.get("Location", "")
            if location.startswith(self.login_url):
                return HttpResponseClientRedirect(location)
        return response
