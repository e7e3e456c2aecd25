"""Desk directories: reader tips, speakers (with merge), sources and topics."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from claims import permissions, services
from claims.forms import MergeSpeakersForm, RatingForm, SourceForm, SpeakerForm, TopicForm
from claims.idempotency import Refused, submit_once
from claims.models import Rating, Source, Speaker, Tip, Topic
from claims.views.common import page_or_fragment, see_other
from claims.views.confirm import confirm_first, confirmation_page
from claims.views.decorators import desk_required


@require_GET
@desk_required
def tip_list(request: HttpRequest) -> HttpResponse:
    tips = Tip.objects.select_related("claim").order_by("-created_at", "-id")
    page = Paginator(tips, 50).get_page(request.GET.get("page"))
    return page_or_fragment(request, "desk/tips.html", "tip-list", {"page": page})


@require_POST
@desk_required
@confirm_first("Dismiss tip", "Dismiss this tip? It leaves the list of new tips.", permission="tip_manage")
def tip_dismiss(request: HttpRequest, tip_id: int) -> HttpResponse:
    tip = get_object_or_404(Tip, pk=tip_id)
    services.tip_dismiss(tip_id=tip.pk, actor=request.user)
    if request.htmx:
        tips = Tip.objects.select_related("claim").order_by("-created_at", "-id")
        return page_or_fragment(request, "desk/tips.html", "tip-list",
                                {"page": Paginator(tips, 50).get_page(1)}, event="tip-dismissed")
    messages.success(request, "Tip dismissed.")
    return see_other("desk:tips")


@require_GET
@desk_required
def speaker_list(request: HttpRequest) -> HttpResponse:
    speakers = Speaker.objects.annotate(claim_count=Count("claims")).order_by("name")
    q = request.GET.get("q", "").strip()[:100]
    if q:
        speakers = speakers.filter(name__icontains=q)
    page = Paginator(speakers, 50).get_page(request.GET.get("page"))
    return render(request, "desk/speakers.html", {
        "page": page, "q": q, "merge_form": MergeSpeakersForm() if permissions.is_editor(request.user) else None,
    })


@require_http_methods(["GET", "POST"])
@desk_required
def speaker_edit(request: HttpRequest, speaker_id: int | None = None) -> HttpResponse:
    permissions.require(request.user, "speaker_edit")
    speaker = get_object_or_404(Speaker, pk=speaker_id) if speaker_id else None
    if request.method == "GET":
        return render(request, "desk/speaker_form.html", {"speaker_form": SpeakerForm(instance=speaker),
                                                          "speaker": speaker})
    form = SpeakerForm(request.POST, instance=Speaker.objects.get(pk=speaker.pk) if speaker else None)
    if not form.is_valid():
        return render(request, "desk/speaker_form.html", {"speaker_form": form, "speaker": speaker}, status=422)
    if speaker:
        services.speaker_update(speaker_id=speaker.pk, actor=request.user, data=form.cleaned_data)
        messages.success(request, "Speaker saved.")
    else:
        def create():
            made = services.speaker_create(actor=request.user, data=form.cleaned_data)
            messages.success(request, f"Added speaker {made.name}.")
            return made.pk, reverse("desk:speakers")

        submit_once(request, create)
    return see_other("desk:speakers")


@require_POST
@desk_required
def speaker_merge(request: HttpRequest) -> HttpResponse:
    permissions.require(request.user, "speaker_merge")
    form = MergeSpeakersForm(request.POST)
    if not form.is_valid():
        speakers = Speaker.objects.annotate(claim_count=Count("claims")).order_by("name")
        return render(request, "desk/speakers.html", {
            "page": Paginator(speakers, 50).get_page(1), "q": "", "merge_form": form}, status=422)
    if request.POST.get("confirmed") == "no":
        keep, duplicate = form.cleaned_data["keep"], form.cleaned_data["duplicate"]
        return confirmation_page(request, "Merge speakers", f"Merge “{duplicate.name}” into “{keep.name}”? "
                                                            f"Their claims move to {keep.name}, and the other goes.")
    keep = services.speaker_merge(keep_id=form.cleaned_data["keep"].pk,
                                  duplicate_id=form.cleaned_data["duplicate"].pk, actor=request.user)
    messages.success(request, f"Merged into {keep.name}.")
    return see_other("desk:speakers")


@require_GET
@desk_required
def source_list(request: HttpRequest) -> HttpResponse:
    sources = Source.objects.annotate(claim_count=Count("claims")).order_by("-published_on", "title")
    return render(request, "desk/sources.html", {"page": Paginator(sources, 50).get_page(request.GET.get("page"))})


@require_http_methods(["GET", "POST"])
@desk_required
def source_edit(request: HttpRequest, source_id: int | None = None) -> HttpResponse:
    permissions.require(request.user, "source_edit")
    source = get_object_or_404(Source, pk=source_id) if source_id else None
    form = SourceForm(request.POST or None, instance=Source.objects.get(pk=source.pk) if source else None)
    if request.method == "POST":
        if form.is_valid():
            def save():
                made = services.source_save(actor=request.user, data=form.cleaned_data, source_id=source_id)
                messages.success(request, "Source saved.")
                return made.pk, reverse("desk:sources")

            if source_id:
                save()
            else:
                submit_once(request, save)
            return see_other("desk:sources")
        return render(request, "desk/source_form.html", {"form": form, "source": source}, status=422)
    return render(request, "desk/source_form.html", {"form": form, "source": source})


@require_GET
@desk_required
def topic_list(request: HttpRequest) -> HttpResponse:
    topics = Topic.objects.annotate(claim_count=Count("claims")).order_by("name")
    return render(request, "desk/topics.html", {"topics": topics, "form": TopicForm()})


@require_http_methods(["GET", "POST"])
@desk_required
def topic_edit(request: HttpRequest, topic_id: int | None = None) -> HttpResponse:
    permissions.require(request.user, "topic_edit")
    topic = get_object_or_404(Topic, pk=topic_id) if topic_id else None
    form = TopicForm(request.POST or None, instance=Topic.objects.get(pk=topic.pk) if topic else None)
    if request.method == "GET":
        return render(request, "desk/topic_form.html", {"form": form, "topic": topic})

    def save():
        # Validated once the token is taken: a resent form finds the first one's topic, not a clash.
        if not form.is_valid():
            raise Refused(render(request, "desk/topic_form.html", {"form": form, "topic": topic}, status=422))
        made = services.topic_save(actor=request.user, name=form.cleaned_data["name"], topic_id=topic_id)
        messages.success(request, "Topic saved.")
        return made.pk, reverse("desk:topics")

    try:
        if topic_id:
            save()
        else:
            submit_once(request, save)
    except Refused as refused:
        return refused.response
    return see_other("desk:topics")


@require_http_methods(["GET", "POST"])
@desk_required
def rating_list(request: HttpRequest) -> HttpResponse:
    """The rating scale: editors add, rename, reorder, redefine, recolour and retire ratings."""
    permissions.require(request.user, "ratings_manage")
    form = RatingForm(request.POST or None, initial={"colour": "#555555"})
    if request.method == "POST" and form.is_valid():
        rating = services.rating_save(actor=request.user, data=form.cleaned_data)
        messages.success(request, f"Added “{rating.label}”.")
        return see_other("desk:ratings")
    ratings = Rating.objects.annotate(uses=Count("verdicts")).order_by("position", "id")
    return render(request, "desk/ratings.html", {"ratings": ratings, "form": form},
                  status=422 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@desk_required
def rating_edit(request: HttpRequest, rating_id: int) -> HttpResponse:
    permissions.require(request.user, "ratings_manage")
    rating = get_object_or_404(Rating, pk=rating_id)
    form = RatingForm(request.POST or None, instance=Rating.objects.get(pk=rating.pk))
    if request.method == "POST":
        if form.is_valid():
            services.rating_save(actor=request.user, data=form.cleaned_data, rating_id=rating.pk)
            messages.success(request, "Rating saved.")
            return see_other("desk:ratings")
        return render(request, "desk/rating_form.html", {"form": form, "rating": rating}, status=422)
    return render(request, "desk/rating_form.html", {"form": form, "rating": rating})


def _rating_asks(request, rating_id: int, action: str) -> str | None:
    return {"retire": "Retire", "delete": "Delete"}.get(action)


def _rating_question(request, rating_id: int, action: str) -> str:
    label = Rating.objects.filter(pk=rating_id).values_list("label", flat=True).first() or "this rating"
    return {"retire": f"Retire “{label}”? New verdicts can no longer use it.",
            "delete": f"Delete “{label}”? It leaves the scale for good."}[action]


@require_POST
@desk_required
@confirm_first(_rating_asks, _rating_question, permission="ratings_manage")
def rating_action(request: HttpRequest, rating_id: int, action: str) -> HttpResponse:
    permissions.require(request.user, "ratings_manage")
    rating = get_object_or_404(Rating, pk=rating_id)
    if action in ("up", "down"):
        services.rating_move(actor=request.user, rating_id=rating.pk, direction=action)
    elif action in ("retire", "restore"):
        services.rating_retire(actor=request.user, rating_id=rating.pk, retired=action == "retire")
    elif action == "delete":
        services.rating_delete(actor=request.user, rating_id=rating.pk)
        messages.success(request, f"Deleted “{rating.label}”.")
    else:
        raise Http404("No such action.")
    return see_other("desk:ratings")
