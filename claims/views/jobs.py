"""Background jobs (editors): what failed, what is being retried, and "Retry"."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from claims import jobs, permissions
from claims.views.common import see_other
from claims.views.decorators import desk_required


@require_GET
@desk_required
def job_list(request: HttpRequest) -> HttpResponse:
    permissions.require(request.user, "jobs_manage")
    return render(request, "desk/jobs.html", {
        "counts": jobs.counts(), "failed": jobs.failed(), "retrying": jobs.retrying(), "shown": jobs.SHOWN,
    })


@require_POST
@desk_required
def job_retry(request: HttpRequest, job_id: int) -> HttpResponse:
    permissions.require(request.user, "jobs_manage")
    jobs.job_retry(job_id=job_id)
    messages.success(request, "The job will run again in a moment.")
    return see_other("desk:jobs")
