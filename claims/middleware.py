from __future__ import annotations

from csp.constants import HEADER as CSP_HEADER
from csp.constants import HEADER_REPORT_ONLY as CSP_HEADER_REPORT_ONLY
from csp.middleware import CSPMiddleware
from django.conf import settings
from django.core.signals import setting_changed
from django.db import DatabaseError, connection
from django.dispatch import receiver
from django.http import HttpResponse, QueryDict
from django.shortcuts import resolve_url
from django.template import loader
from django_htmx.http import HttpResponseClientRedirect

from claims.public_cache import cached_answer
from claims.textnorm import drop_controls, has_controls


class HealthCheckMiddleware:
    """``GET /healthz``: 200 "ok" when the database answers, 503 when it does not. First in the
    stack, before the host check and the HTTPS redirect: load balancers and Varnish probe each app
    server by its address, over plain HTTP."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path != "/healthz":
            return self.get_response(request)
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except DatabaseError:
            response = HttpResponse("database unreachable\n", status=503, content_type="text/plain")
        else:
            response = HttpResponse("ok\n", content_type="text/plain")
        response["Cache-Control"] = "no-store"
        return response


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


class CleanQueryParametersMiddleware:
    """NUL and the other C0 control characters in GET parameters are dropped, the rest of each value
    kept: PostgreSQL refuses NUL in text, and no search, filter or page number needs the others.
    The one place that decides, before any view reads ``request.GET``. (Form fields refuse them
    next to the field instead: ``claims.forms.refuse_control_characters``.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.META.get("QUERY_STRING", "")
        if query and ("%" in query or has_controls(query, multi_line=False)):  # usually percent-encoded
            params = request.GET
            if any(has_controls(key + "".join(params.getlist(key)), multi_line=False) for key in params):
                cleaned = QueryDict(mutable=True)
                for key in params:
                    cleaned.setlist(drop_controls(key, multi_line=False),
                                    [drop_controls(v, multi_line=False) for v in params.getlist(key)])
                cleaned._mutable = False
                request.GET = cleaned
        return self.get_response(request)


# Pages for one signed-in person: no shared or browser cache may keep them.
PRIVATE_PREFIXES = ("/desk/", "/accounts/", "/admin/")


class SiteCSPMiddleware(CSPMiddleware):
    """django-csp's middleware, with one shortcut: a page answered from the public cache gets the
    site's policy headers as built once per process. django-csp otherwise builds the policy anew,
    from a deep copy of its settings, on every response, a fifth of a cached page's cost. Such a
    page never carries a nonce (a stored page cannot), and one with a policy of its own (the embed's,
    an archived copy's) takes the usual path."""

    _site_headers: dict[str, str] | None = None

    def process_response(self, request, response):
        if not getattr(response, "from_public_cache", False) or CSP_HEADER in response:
            return super().process_response(request, response)
        headers = SiteCSPMiddleware._site_headers
        if headers is None:
            probe = super().process_response(request, HttpResponse())
            headers = {name: probe[name] for name in (CSP_HEADER, CSP_HEADER_REPORT_ONLY) if probe.has_header(name)}
            SiteCSPMiddleware._site_headers = headers
        for name, value in headers.items():
            response.headers.setdefault(name, value)
        return response


@receiver(setting_changed)
def _forget_site_policy(setting, **kwargs) -> None:
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        SiteCSPMiddleware._site_headers = None


class PublicCacheMiddleware:
    """An anonymous GET or HEAD (no session cookie) whose page is in the shared cache is answered
    here, before sessions, authentication, messages and CSRF run, and after the security, CSP and
    frame middleware, so it carries exactly the headers the page would have had from its view.
    Everything else (a miss, a signed-in reader, the desk, the API, static files) goes on as usual;
    the views' ``public_page`` renders and stores the page on a miss."""

    SKIPPED = (*PRIVATE_PREFIXES, "/api/", "/static/", "/media/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (request.method in ("GET", "HEAD") and settings.SESSION_COOKIE_NAME not in request.COOKIES
                and not request.path.startswith(self.SKIPPED)):
            response = cached_answer(request)
            if response is not None:
                return response
        return self.get_response(request)


class ResponseHeadersMiddleware:
    """``Permissions-Policy`` on every response; ``Cache-Control: private, no-store`` on the desk,
    sign-in and admin, whatever the view set."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        if request.path.startswith(PRIVATE_PREFIXES):
            response["Cache-Control"] = "private, no-store"
        return response


CLAIMREVIEW_UPLOAD_PATH = "/desk/import/claimreview/"


class RequestSizeMiddleware:
    """A form larger than ``DATA_UPLOAD_MAX_MEMORY_SIZE`` answers 413 with a page that says what
    happened (nothing saved, how to send less), before anything reads the body: Django would
    otherwise answer a bare 400 from the CSRF check. Views with a smaller limit of their own
    (``/suggest/``) answer before this limit is reached. One page takes more: the desk's "Import
    ClaimReview" upload, up to ``CLAIMREVIEW_UPLOAD_MAX_BYTES``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if request.path == CLAIMREVIEW_UPLOAD_PATH:
            limit = settings.CLAIMREVIEW_UPLOAD_MAX_BYTES
        if limit is not None and request.method in ("POST", "PUT", "PATCH"):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > limit:
                body = loader.get_template("413.html").render(
                    {"size_mb": f"{length / 1_048_576:.1f}", "limit_mb": f"{limit / 1_048_576:.0f}"})
                return HttpResponse(body, status=413)
        return self.get_response(request)
