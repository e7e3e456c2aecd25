"""Link health (editors): placeholder until built."""

from django.http import Http404


def link_list(request):
    raise Http404


def link_detail(request, evidence_id: int):
    raise Http404
