"""Background jobs (placeholder until built)."""

from django.http import Http404


def job_list(request):
    raise Http404


def job_retry(request, job_id: int):
    raise Http404
