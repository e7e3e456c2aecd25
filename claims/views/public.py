from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from claims.models import Claim, Correction, Speaker, Topic


def _listing(request: HttpRequest, queryset, per_page: int = 20):
    queryset = queryset.public().with_list_detail().newest_published()
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "public/home.html", {"page": _listing(request, Claim.objects.all())})


def claim_page_context(claim: Claim) -> dict:
    return {"claim": claim, "verdict": getattr(claim, "verdict", None)}


def claim_detail(request: HttpRequest, slug: str) -> HttpResponse:
    claim = get_object_or_404(Claim.objects.public().with_public_detail(), slug=slug)
    return render(request, "public/claim_detail.html", claim_page_context(claim))


def speaker_detail(request: HttpRequest, slug: str) -> HttpResponse:
    speaker = get_object_or_404(Speaker, slug=slug)
    return render(request, "public/speaker_detail.html",
                  {"speaker": speaker, "page": _listing(request, speaker.claims.all())})


def topic_detail(request: HttpRequest, slug: str) -> HttpResponse:
    topic = get_object_or_404(Topic, slug=slug)
    return render(request, "public/topic_detail.html",
                  {"topic": topic, "page": _listing(request, topic.claims.all())})


def corrections(request: HttpRequest) -> HttpResponse:
    items = (Correction.objects.filter(claim__status__in=["published", "retracted"], claim__imported=False)
             .select_related("claim__speaker").order_by("-created_at", "-id"))
    return render(request, "public/corrections.html", {"page": Paginator(items, 50).get_page(request.GET.get("page"))})
