"""The desk: dashboard, claims list, new claim."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page
from django.db import transaction
from django.db.models import OuterRef, Subquery, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from claims import permissions, services
from claims.errors import DuplicateClaim, Invalid
from claims.forms import AssignForm, ClaimForm, SpeakerForm, desk_people
from claims.idempotency import submit_once
from claims.languages import language_for
from claims.models import Claim, ReviewVote, Speaker, Status, Tally, Tip, Topic
from claims.paging import CappedPaginator, ranked_page
from claims.search import search_query
from claims.views.common import page_or_fragment, posted_text, see_other, wants_fragment
from claims.views.decorators import desk_required

OPEN_STATES = (Status.LOGGED, Status.RESEARCHING, Status.IN_REVIEW)
PER_PAGE = 25


@require_GET
@desk_required
def dashboard(request: HttpRequest) -> HttpResponse:
    last_vote = ReviewVote.objects.filter(claim=OuterRef("pk")).order_by("-created_at", "-id")
    mine = (Claim.objects.assigned_to(request.user).filter(status__in=OPEN_STATES).with_list_detail()
            .annotate(last_decision=Subquery(last_vote.values("decision")[:1]),
                      last_comment=Subquery(last_vote.values("comment")[:1]),
                      last_editor_first=Subquery(last_vote.values("editor__first_name")[:1]),
                      last_editor_last=Subquery(last_vote.values("editor__last_name")[:1])))
    review = Claim.objects.awaiting_review().with_list_detail() if permissions.is_editor(request.user) else None
    tips = Tip.objects.filter(status=Tip.TipStatus.NEW)
    published = Claim.objects.published().with_list_detail().newest_published()
    return render(request, "desk/dashboard.html", {
        "mine": mine[:10], "mine_count": mine.count(),
        "review": review[:10] if review is not None else None,
        "review_count": review.count() if review is not None else None,
        "tips": tips[:10], "tips_count": tips.count(),
        # Counted by the tallies (claims.models.Tally): a million published checks are not read.
        "published": published[:10],
        "published_count": Tally.objects.filter(kind=Tally.Kind.SITE).aggregate(n=Sum("n"))["n"] or 0,
    })


def search_page(queryset, text: str, number) -> Page | None:
    """A page of the full-text search on the stored vector: the best matches first, those in the
    words' language (when it is clear, else the newsroom's) ahead (claims.paging.ranked_page); None
    when the text has no word to search."""
    language = language_for(text)
    query = search_query(text, language=language)
    if query is None:
        return None
    return ranked_page(queryset.filter(search_vector=query), query, language, queryset, PER_PAGE, number)


@require_GET
@desk_required
def claim_list(request: HttpRequest) -> HttpResponse:
    params = request.GET
    claims = Claim.objects.filter(imported=False).with_list_detail()
    filters = {
        "status": params.get("status", ""), "speaker": params.get("speaker", ""),
        "assignee": params.get("assignee", ""), "topic": params.get("topic", ""), "q": params.get("q", "")[:500],
    }
    if filters["status"] in Status.values:
        claims = claims.filter(status=filters["status"])
    if filters["speaker"].isdigit():
        claims = claims.filter(speaker_id=int(filters["speaker"]))
    if filters["assignee"] == "none":
        claims = claims.filter(assignee__isnull=True)
    elif filters["assignee"].isdigit():
        claims = claims.filter(assignee_id=int(filters["assignee"]))
    if filters["topic"].isdigit():
        claims = claims.filter(topics__id=int(filters["topic"]))
    page = search_page(claims, filters["q"], params.get("page")) if filters["q"].strip() else None
    if page is None:
        page = CappedPaginator(claims.order_by("-updated_at", "-id"), PER_PAGE).get_page(params.get("page"))
    query = params.copy()
    query.pop("page", None)
    return page_or_fragment(request, "desk/claim_list.html", "claim-table", {
        "page": page, "filters": filters, "query": query.urlencode(),
        "statuses": Status.choices, "speakers": Speaker.objects.only("pk", "name").order_by("name"),
        "people": desk_people(), "topics": Topic.objects.all(),
        "can_assign": permissions.is_editor(request.user), "assign_form": AssignForm(auto_id="bulk_%s"),
    })


@require_POST
@desk_required
def claim_bulk_assign(request: HttpRequest) -> HttpResponse:
    if not permissions.is_editor(request.user):
        raise PermissionDenied("Only editors assign claims to others.")
    form = AssignForm(request.POST)
    ids = [int(i) for i in request.POST.getlist("claims") if i.isdigit()]
    if not form.is_valid() or not ids:
        messages.error(request, "Choose at least one claim and the person to assign.")
        return see_other(reverse("desk:claims") + "?" + request.POST.get("query", ""))
    with transaction.atomic():  # all of them or none
        for claim_id in ids:
            services.claim_assign(claim_id=claim_id, actor=request.user, assignee=form.cleaned_data["assignee"])
    done = len(ids)
    messages.success(request, f"Assigned {done} claim{'s' if done != 1 else ''}.")
    return see_other(reverse("desk:claims") + "?" + request.POST.get("query", ""))


@require_http_methods(["GET", "POST"])
@desk_required
def claim_new(request: HttpRequest) -> HttpResponse:
    permissions.require(request.user, "claim_create")
    tip = None
    tip_id = request.GET.get("tip") or request.POST.get("tip")
    if tip_id and str(tip_id).isdigit():
        tip = Tip.objects.filter(pk=int(tip_id), status=Tip.TipStatus.NEW).first()
    context = {}
    if request.method == "POST":
        form = ClaimForm(request.POST, similar_url=reverse("desk:similar_claims"))
        if form.is_valid():
            try:
                data = form.service_data()
                done = submit_once(request, lambda: (None, _save_new_claim(request, data, tip)["Location"]))
                return see_other(done.url or reverse("desk:claims"))
            except DuplicateClaim as duplicate:
                status, context = 409, {"duplicates": duplicate.matches}
            except Invalid as invalid:
                if "different_reason" not in invalid.errors:
                    raise
                from claims.matching import find_duplicates

                status, context = 422, {"duplicates": find_duplicates(form.cleaned_data["quote"],
                                                                      language=form.cleaned_data["language"] or None),
                                        "reason_error": invalid.errors["different_reason"][0]}
            context.update(decision_value=request.POST.get("duplicate_of", ""),
                           reason_value=posted_text(request, "different_reason", 5000))
        else:
            status = 422
    else:
        initial = {"quote": tip.text, "source_url": tip.url} if tip else {}
        speaker_id = request.GET.get("speaker", "")
        if speaker_id.isdigit():
            initial["speaker"] = Speaker.objects.filter(pk=int(speaker_id)).values_list("name", flat=True).first()
        form, status = ClaimForm(initial=initial, similar_url=reverse("desk:similar_claims")), 200
    return page_or_fragment(request, "desk/claim_new.html", "claim-new-form", {
        "form": form, "tip": tip, "speaker_value": form["speaker"].value(), **context,
    }, status=status)


def _save_new_claim(request: HttpRequest, data: dict, tip) -> HttpResponse:
    """"Save claim", and the two answers when the quote matches a claim already logged:
    "Add as an appearance" joins that claim; "Log as a new claim" needs the reason."""
    decision = request.POST.get("decision", "")
    if decision == "appearance":
        target = request.POST.get("duplicate_of", "")
        if not target.isdigit() or not Claim.objects.filter(pk=int(target)).exists():
            raise Invalid("Choose the claim this is another appearance of.")
        appearance = services.appearance_add(claim_id=int(target), actor=request.user, quote=data["quote"],
                                             speaker=data["speaker"], source_url=data["source_url"],
                                             date_said=data["date_said"], tip=tip, language=data["language"] or None)
        waits = "" if appearance.accepted else " An editor must accept it before the public page shows it."
        messages.success(request, f"Added as an appearance of claim {appearance.claim_id}.{waits}")
        return see_other(reverse("desk:claim", args=[appearance.claim_id]) + "#appearances-panel")
    reason = posted_text(request, "different_reason", 5000) if decision == "new" else None
    claim = services.claim_create(actor=request.user, quote=data["quote"], speaker=data["speaker"],
                                  claim_checked=data["claim_checked"], source_url=data["source_url"],
                                  date_said=data["date_said"], topics=data["topics"], tip=tip,
                                  different_reason=reason, language=data["language"] or None)
    if reason is not None:
        messages.success(request, "Logged as a new claim; the reason is in its history.")
    return see_other(claim.get_desk_url())


@require_GET
@desk_required
def similar_claims(request: HttpRequest) -> HttpResponse:
    """Claims already logged or checked that look like the quote being typed: checked ones first."""
    from claims.matching import find_similar

    text = (request.GET.get("quote") or "")[:500]
    matches = []
    if len(text.split()) >= 2:
        found = find_similar(text, limit=5, checked_only=False)
        matches = sorted(found, key=lambda m: m.claim.status != "published" and not m.claim.imported)
    return render(request, "desk/claim_new.html#similar-claims", {"similar": matches, "searched": bool(text)})


@require_GET
@desk_required
def speaker_options(request: HttpRequest) -> HttpResponse:
    text = (request.GET.get("speaker") or request.GET.get("q") or "").strip()[:100]
    speakers = Speaker.objects.order_by("name")
    if text:
        speakers = speakers.filter(name__istartswith=text) | speakers.filter(name__icontains=f" {text}")
    return render(request, "desk/claim_new.html#speaker-options", {"speakers": speakers.distinct()[:20]})


@require_http_methods(["GET", "POST"])
@desk_required
def speaker_add_inline(request: HttpRequest) -> HttpResponse:
    """"Add speaker" on the new-claim page: creates one without leaving the page."""
    permissions.require(request.user, "speaker_edit")
    if request.method == "GET":
        return page_or_fragment(request, "desk/speaker_form.html", "speaker-inline-form",
                                {"speaker_form": SpeakerForm(prefix="speaker"), "inline": True})
    form = SpeakerForm(request.POST, prefix="speaker")
    if not form.is_valid():
        return page_or_fragment(request, "desk/speaker_form.html", "speaker-inline-form",
                                {"speaker_form": form, "inline": True}, status=422)
    done = submit_once(request, lambda: (services.speaker_create(actor=request.user, data=form.cleaned_data).pk,
                                         ""))
    speaker = Speaker.objects.get(pk=done.object_id) if done.object_id else \
        Speaker.objects.filter(name=form.cleaned_data["name"]).order_by("-pk").first()
    if wants_fragment(request):
        return page_or_fragment(request, "desk/speaker_form.html", "speaker-created",
                                {"speaker": speaker, "inline": True}, event="speaker-added")
    messages.success(request, f"Added speaker {speaker.name}.")
    return see_other(reverse("desk:claim_new") + f"?speaker={speaker.pk}")

