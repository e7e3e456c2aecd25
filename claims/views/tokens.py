"""Personal API tokens (placeholder until built)."""

from django.http import Http404


def token_list(request):
    raise Http404


def token_revoke(request, token_id: int):
    raise Http404
