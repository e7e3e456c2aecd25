"""Import ClaimReview (editors): upload a file or give an address, preview, map ratings, import."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from claims import permissions
from claims.errors import Invalid
from claims.fetch import FetchError, fetch_bytes
from claims.forms import ClaimReviewUploadForm, DeskForm
from claims.services import claimreview as service
from claims.views.common import see_other
from claims.views.decorators import desk_required

TEMPLATE = "desk/claimreview_import.html"
UNRATED = ""


class RatingMappingsForm(DeskForm):
    """One select per publisher rating with no meaning on our scale yet: "Our rating for “…”"."""

    def __init__(self, *args, unmapped: list[service.Unmapped], ratings, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(UNRATED, "Leave unrated"), *((str(r.pk), r.label) for r in ratings)]
        self.rows = []
        for pending in unmapped:
            used = "once" if pending.count == 1 else f"{pending.count} times"
            self.fields[pending.key] = forms.TypedChoiceField(
                label=f"Our rating for “{pending.text}”", choices=choices, required=False, coerce=int,
                empty_value=None, help_text=f"{pending.site}: used {used} in this file.")
            self.rows.append({"site": pending.site, "field": self[pending.key]})

    def mappings(self) -> dict[str, int | None]:
        return dict(self.cleaned_data)


def _read(form: ClaimReviewUploadForm) -> tuple[str, bytes, str] | None:
    """The source's name, bytes and base URL; what goes wrong is said next to its field."""
    upload, url = form.cleaned_data.get("file"), form.cleaned_data.get("url")
    field, base_url = ("file", "") if upload else ("url", "")
    try:
        if upload:
            name, body, charset = upload.name or "upload", upload.read(), None
        else:
            fetched = fetch_bytes(url, max_bytes=settings.CLAIMREVIEW_UPLOAD_MAX_BYTES)
            name, body, charset, base_url = url, fetched.body, fetched.charset, fetched.final_url
        return name, service.read_body(name, body, charset=charset, base_url=base_url), base_url
    except FetchError as error:
        form.add_error(field, error.message)
    except Invalid as error:
        form.add_error(field, error.message)
    return None


@require_http_methods(["GET", "POST"])
@desk_required
def claimreview_import(request: HttpRequest) -> HttpResponse:
    """Step 1: "Preview import" keeps the source as the editor's draft; nothing is imported yet."""
    permissions.require(request.user, "claimreview_import")
    limit = settings.CLAIMREVIEW_UPLOAD_MAX_BYTES
    posted = request.method == "POST"
    form = ClaimReviewUploadForm(request.POST if posted else None, request.FILES if posted else None, max_bytes=limit)
    if request.method == "POST":
        source = _read(form) if form.is_valid() else None
        if source is None:
            return render(request, TEMPLATE, {"form": form, "limit_mb": f"{limit / 1_000_000:g}"}, status=422)
        name, body, base_url = source
        draft = service.claimreview_draft_create(actor=request.user, name=name, body=body, base_url=base_url)
        return see_other(reverse("desk:claimreview_draft", args=[draft.pk]))
    return render(request, TEMPLATE, {"form": form, "limit_mb": f"{limit / 1_000_000:g}"})


@require_http_methods(["GET", "POST"])
@desk_required
def claimreview_draft(request: HttpRequest, draft_id: int) -> HttpResponse:
    """Step 2, the preview and rating mappings, and "Import"; once imported, the report."""
    permissions.require(request.user, "claimreview_import")
    draft = service.draft_for(request.user, draft_id)
    if draft is None:
        return render(request, "desk/refusal.html", {"message": service.NO_DRAFT}, status=404)
    if draft.imported_at is None and service.is_expired(draft):
        return render(request, "desk/refusal.html", {"message": service.EXPIRED}, status=409)
    if draft.imported_at is not None:  # a second "Import" (a double click, a resend) imports nothing
        if request.method == "POST":
            return see_other(reverse("desk:claimreview_draft", args=[draft.pk]))
        return render(request, "desk/claimreview_report.html", {"draft": draft, "report": draft.report})
    preview = service.claimreview_preview(draft)
    posted = request.POST if request.method == "POST" else None
    form = RatingMappingsForm(posted, unmapped=preview.unmapped, ratings=service.mapping_choices())
    if request.method == "POST":
        if form.is_valid():
            done = service.claimreview_import_draft(actor=request.user, draft_id=draft.pk, mappings=form.mappings())
            counts = done.report["counts"]
            messages.success(request, f"ClaimReview import: {counts['imported']} imported, {counts['updated']} "
                                      f"updated, {counts['skipped']} skipped.")
            return see_other(reverse("desk:claimreview_draft", args=[draft.pk]))
        status = 422
    else:
        status = 200
    return render(request, "desk/claimreview_preview.html", {
        "draft": draft, "preview": preview, "form": form, "new_count": preview.count(service.NEW),
        "update_count": preview.count(service.UPDATE), "skip_count": preview.count(service.SKIP),
    }, status=status)
