"""An evidence row's archived copy in the desk: its state (asked again while it is fetched) and
"Try again" when it could not be archived."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_http_methods

from claims import permissions
from claims.archiving.store import archive_again
from claims.models import Evidence
from claims.views.common import see_other, wants_fragment
from claims.views.decorators import desk_required


def _item(evidence_id: int) -> Evidence:
    return get_object_or_404(Evidence.objects.select_related("claim", "archive").defer("archive__text"),
                             pk=evidence_id)


@require_http_methods(["GET", "POST"])
@desk_required
def evidence_archive(request: HttpRequest, evidence_id: int) -> HttpResponse:
    item = _item(evidence_id)
    permissions.require(request.user, "claim_view", item.claim)
    if request.method == "POST":
        permissions.require(request.user, "archive_retry", item.claim)
        archive_again(evidence_id=item.pk)
        item = _item(evidence_id)
    if not wants_fragment(request):
        return see_other(f"{item.claim.get_desk_url()}#evidence-{item.pk}")
    response = render(request, "desk/_evidence_archive.html", {
        "item": item, "can_retry_archive": permissions.can(request.user, "archive_retry", item.claim)})
    response["Vary"] = "HX-Request, HX-History-Restore-Request, HX-Boosted"
    return response
