"""Webhook endpoints for editors: the list with "Add endpoint", each endpoint's delivery log, and
its buttons ("Send test event", "Disable", "Enable", "Delete")."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import OuterRef, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from claims import permissions
from claims.errors import Invalid
from claims.idempotency import submit_once
from claims.models import WebhookDelivery, WebhookEndpoint
from claims.views.common import see_other
from claims.views.confirm import confirm_first
from claims.views.decorators import desk_required
from claims.webhooks import endpoints
from claims.webhooks.forms import EndpointForm

JUST_ADDED = "webhook_just_added"  # session key: the endpoint whose next detail page shows its secret


def _with_last_delivery(queryset):
    last = WebhookDelivery.objects.filter(endpoint=OuterRef("pk")).order_by("-created_at", "-pk")
    return queryset.annotate(last_state=Subquery(last.values("state")[:1]),
                             last_at=Subquery(last.values("created_at")[:1]),
                             last_code=Subquery(last.values("response_code")[:1]))


def _list_page(request: HttpRequest, form: EndpointForm, status: int = 200) -> HttpResponse:
    rows = list(_with_last_delivery(WebhookEndpoint.objects.all()))
    return render(request, "desk/webhooks.html", {
        "endpoints": rows, "form": form, "states": dict(WebhookDelivery.State.choices),
        "disabled_by_failures": [e for e in rows if not e.active and e.disabled_reason],
    }, status=status)


@require_http_methods(["GET", "POST"])
@desk_required
def endpoint_list(request: HttpRequest) -> HttpResponse:
    permissions.require(request.user, "webhook_manage")
    form = EndpointForm(request.POST or None)
    if request.method == "GET":
        return _list_page(request, form)
    if not form.is_valid():
        return _list_page(request, form, status=422)

    def create():
        endpoint = endpoints.endpoint_add(actor=request.user, **form.cleaned_data)
        request.session[JUST_ADDED] = endpoint.pk
        messages.success(request, f"Added {endpoint.url}.")
        return endpoint.pk, reverse("desk:webhook", args=[endpoint.pk])

    try:
        # A second click on "Add endpoint" is led to the first one's page, not to a twin with another secret.
        done = submit_once(request, create)
    except Invalid as refused:
        for field, errors in refused.errors.items():
            for error in errors:
                form.add_error(field, error)
        return _list_page(request, form, status=422)
    return see_other(done.url or "desk:webhooks")


@never_cache  # the page may carry the signing secret, shown once
@require_http_methods(["GET"])
@desk_required
def endpoint_detail(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    permissions.require(request.user, "webhook_manage")
    endpoint = get_object_or_404(WebhookEndpoint, pk=endpoint_id)
    show_secret = request.session.get(JUST_ADDED) == endpoint.pk
    if show_secret:
        del request.session[JUST_ADDED]
    deliveries = Paginator(WebhookDelivery.objects.filter(endpoint=endpoint).order_by("-created_at", "-pk"), 50)
    return render(request, "desk/webhook.html", {
        "endpoint": endpoint, "secret": endpoint.secret if show_secret else None,
        "page": deliveries.get_page(request.GET.get("page")),
    })


def _asks(request, endpoint_id: int, action: str) -> str | None:
    return "Delete endpoint" if action == "delete" else None


def _question(request, endpoint_id: int, action: str) -> str:
    url = WebhookEndpoint.objects.filter(pk=endpoint_id).values_list("url", flat=True).first() or "this endpoint"
    return f"Delete the endpoint {url}? Its delivery log goes with it, and nothing more is sent."


ACTIONS = {"test": endpoints.endpoint_test, "disable": endpoints.endpoint_disable,
           "enable": endpoints.endpoint_enable, "delete": endpoints.endpoint_delete}
DONE = {"test": "Test event queued: it shows in the delivery log below.", "disable": "Endpoint disabled.",
        "enable": "Endpoint enabled."}


@require_POST
@desk_required
@confirm_first(_asks, _question, permission="webhook_manage")
def endpoint_action(request: HttpRequest, endpoint_id: int, action: str) -> HttpResponse:
    permissions.require(request.user, "webhook_manage")
    if action not in ACTIONS:
        raise Http404("No such action.")
    endpoint = get_object_or_404(WebhookEndpoint, pk=endpoint_id)
    ACTIONS[action](endpoint_id=endpoint.pk, actor=request.user)
    if action == "delete":
        messages.success(request, f"Deleted the endpoint {endpoint.url}.")
        return see_other("desk:webhooks")
    messages.success(request, DONE[action])
    return see_other("desk:webhook", endpoint.pk)
