from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from claims import permissions
from claims.models import Claim, Event, Status
from claims.views.decorators import desk_required


@desk_required
def dashboard(request: HttpRequest) -> HttpResponse:
    claims = Claim.objects.filter(imported=False).with_list_detail()[:50]
    mine = Claim.objects.assigned_to(request.user).exclude(status__in=[Status.PUBLISHED, Status.DISMISSED,
                                                                       Status.RETRACTED])
    return render(request, "desk/dashboard.html", {
        "claims": claims,
        "my_count": mine.count(),
        "review_count": Claim.objects.awaiting_review().count() if permissions.is_editor(request.user) else None,
    })


@desk_required
def claim_workspace(request: HttpRequest, claim_id: int) -> HttpResponse:
    claim = get_object_or_404(Claim.objects.with_public_detail().select_related("assignee"), pk=claim_id)
    events = Event.objects.filter(claim=claim).select_related("actor")[:100]
    return render(request, "desk/claim_workspace.html", {
        "claim": claim,
        "verdict": getattr(claim, "verdict", None),
        "events": events,
        "actions": permissions.actions_for(request.user, claim),
    })
