"""Webhook endpoints (placeholder until built)."""

from django.http import Http404


def endpoint_list(request):
    raise Http404


def endpoint_detail(request, endpoint_id: int):
    raise Http404


def endpoint_action(request, endpoint_id: int, action: str):
    raise Http404
