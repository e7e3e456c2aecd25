"""The public API's operations. Lists and searches: published fact-checks only
(``Claim.objects.published()``); one fact-check: any public one, a retracted one with its retraction and
no ClaimReview; a merged one leads to the check it was merged into."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.contrib.postgres.search import SearchRank
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, Value
from django.http import Http404, HttpRequest
from django.urls import reverse
from ninja import Query, Schema
from ninja.decorators import decorate_view
from pydantic import Field

from claims import seo
from claims.api import schemas as out
from claims.api.base import api
from claims.api.http import Problem, decode_cursor, encode_cursor, public_endpoint
from claims.languages import language_for
from claims.markdown import render_markdown
from claims.models import Appearance, Claim, Correction, Rating, Speaker, Topic
from claims.search import same_language_first, search_query
from claims.views.public import QUERY_LIMIT, filtered, merged_into, updated_at

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


def _absolute_api(request: HttpRequest, name: str, params: dict, **kwargs) -> str:
    path = reverse(f"api:{name}", kwargs=kwargs or None)
    return seo.absolute(f"{path}?{urlencode(params)}" if params else path)


def _next(request: HttpRequest, name: str, cursor: str | None, param: str = "cursor") -> str | None:
    if cursor is None:
        return None
    params = {key: value for key, value in request.GET.items() if key != param}
    params[param] = cursor
    return _absolute_api(request, name, params)


# --- How claims are read and shown

def list_queryset():
    """Published checks with what a list item shows, in a fixed number of queries."""
    return seo.with_scale(Claim.objects.published().select_related("speaker", "source", "verdict__rating")
                          .prefetch_related("topics", "corrections", Prefetch(
                              "appearances", queryset=Appearance.objects.filter(accepted=True)
                              .select_related("speaker", "source"), to_attr="public_appearances")))


def _speaker(speaker: Speaker) -> dict:
    return {"slug": speaker.slug, "name": speaker.name, "kind": speaker.kind, "role": speaker.role,
            "affiliation": speaker.affiliation}


def _rating(rating: Rating | None) -> dict | None:
    if rating is None:
        return None
    return {"slug": rating.slug, "label": rating.label, "value": rating.value, "colour": rating.colour}


def _source(source) -> dict | None:
    if source is None:
        return None
    return {"url": source.url, "title": source.title, "outlet": source.outlet, "date": source.published_on}


def fact_check(request: HttpRequest, claim: Claim) -> dict:
    verdict = getattr(claim, "verdict", None)
    return {
        "slug": claim.slug, "url": seo.absolute(claim.get_absolute_url()),
        "api_url": _absolute_api(request, "fact_check", {}, slug=claim.slug),
        "quote": claim.quote, "claim_checked": claim.claim_checked, "speaker": _speaker(claim.speaker),
        "date_said": claim.date_said, "published_at": claim.published_at, "updated_at": updated_at(claim),
        "rating": _rating(verdict.rating if verdict else None), "conclusion": verdict.conclusion if verdict else "",
        "topics": [{"slug": t.slug, "name": t.name} for t in claim.topics.all()], "source": _source(claim.source),
        "claim_review": seo.claim_review(claim),
    }


def fact_check_detail(request: HttpRequest, claim: Claim) -> dict:
    verdict = getattr(claim, "verdict", None)
    analysis = verdict.analysis if verdict else ""
    retraction = next((c for c in claim.corrections.all() if c.kind == Correction.Kind.RETRACTION), None)
    return {
        **fact_check(request, claim), "status": claim.status,
        "retraction": {"kind": retraction.kind, "note": retraction.note, "date": retraction.created_at}
        if retraction else None,
        "analysis": analysis, "analysis_html": str(render_markdown(analysis)),
        "appearances": [{"speaker": _speaker(a.speaker), "date_said": a.date_said, "quote": a.quote,
                         "source": _source(a.source)} for a in claim.public_appearances],
        "evidence": [{"url": e.url, "title": e.title, "publisher": e.publisher, "date": e.published_on,
                      "passage": e.passage, "stance": e.stance} for e in claim.evidence.all()],
        "corrections": [{"kind": c.kind, "note": c.note, "date": c.created_at} for c in claim.corrections.all()],
    }


# --- Fact-checks

class FactCheckFilters(Schema):
    rating: str = Field("", max_length=100, description="A rating's slug.")
    speaker: str = Field("", max_length=100, description="A speaker's slug: the checks of what they said.")
    topic: str = Field("", max_length=100, description="A topic's slug.")
    language: str = Field("", max_length=35, description="A BCP 47 tag (e.g. en, pt-BR): checks of claims in it.")
    published_from: dt.date | None = Field(None, alias="from", description="Published on or after (YYYY-MM-DD).")
    published_to: dt.date | None = Field(None, alias="to", description="Published on or before (YYYY-MM-DD).")
    limit: int = Field(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Items per page.")
    cursor: str | None = Field(None, max_length=500, description="From the previous page's `next_cursor`.")

    def as_public_filters(self) -> dict:
        return {"rating": self.rating, "speaker": self.speaker, "topic": self.topic, "language": self.language,
                "from": self.published_from.isoformat() if self.published_from else "",
                "to": self.published_to.isoformat() if self.published_to else ""}


def _after(queryset, cursor: str | None):
    """Keyset pagination over (published_at, id), newest first."""
    if cursor:
        stamp, pk = decode_cursor(cursor, kinds=(str, int))
        try:
            when = dt.datetime.fromisoformat(stamp)
        except ValueError:
            raise Problem(422, "The cursor is not one this API gave out: start again without it.") from None
        queryset = queryset.filter(Q(published_at__lt=when) | Q(published_at=when, pk__lt=pk))
    return queryset


@api.get("/fact-checks", response=out.FactCheckPage, url_name="fact_checks", tags=["fact-checks"],
         summary="Published fact-checks, newest first")
@decorate_view(public_endpoint)
def fact_checks(request: HttpRequest, filters: Query[FactCheckFilters]):
    queryset = filtered(list_queryset().filter(published_at__isnull=False), filters.as_public_filters())
    rows = list(_after(queryset, filters.cursor).order_by("-published_at", "-id")[:filters.limit + 1])
    cursor = None
    if len(rows) > filters.limit:
        rows = rows[:filters.limit]
        cursor = encode_cursor(rows[-1].published_at.isoformat(), rows[-1].pk)
    return {"items": [fact_check(request, claim) for claim in rows], "next_cursor": cursor,
            "next": _next(request, "fact_checks", cursor)}


@api.get("/fact-checks/{slug}", response=out.FactCheckDetailOut, url_name="fact_check", tags=["fact-checks"],
         summary="One fact-check: published, or retracted (with its retraction and no ClaimReview)")
@decorate_view(public_endpoint)
def fact_check_view(request: HttpRequest, slug: str):
    claim = seo.with_scale(Claim.objects.public().with_public_detail()).filter(slug=slug[:120]).first()
    if claim is None:
        survivor = merged_into(slug[:120])
        if survivor is None:
            raise Http404("No published fact-check has this slug.")
        location = _absolute_api(request, "fact_check", {}, slug=survivor.slug)
        raise Problem(308, f"This fact-check was merged into {survivor.slug}: it lives at {location}.",
                      headers={"Location": location}, location=location)
    return fact_check_detail(request, claim)


# --- Search

class SearchParams(FactCheckFilters):
    q: str = Field(..., min_length=1, max_length=QUERY_LIMIT, description="Words, \"a phrase\", -excluded, or.")


def ranked(text: str, queryset, language: str | None = None):
    """The public search's query and order (claims.views.public.search): read in the reader's language
    (given, else the words' when clear, else the newsroom's), claims in it first; None when no word is left."""
    language = language_for(text, language)
    query = search_query(text, QUERY_LIMIT, language)
    if query is None:
        return None
    return (queryset.filter(search_vector=query)
            .annotate(same_language=same_language_first(language),
                      rank=SearchRank(F("search_vector"), query, normalization=Value(1)))
            .order_by("same_language", "-rank", "-published_at", "-id"))


def offset(cursor: str | None, name: str = "cursor") -> int:
    return decode_cursor(cursor, kinds=(int,), name=name)[0] if cursor else 0


@api.get("/search", response=out.SearchPage, url_name="search", tags=["fact-checks"],
         summary="Search published fact-checks, best match first")
@decorate_view(public_endpoint)
def search(request: HttpRequest, params: Query[SearchParams]):
    start = max(0, offset(params.cursor))
    queryset = ranked(params.q, filtered(list_queryset(), params.as_public_filters()), params.language or None)
    rows = list(queryset[start:start + params.limit + 1]) if queryset is not None else []
    cursor = encode_cursor(start + params.limit) if len(rows) > params.limit else None
    return {"items": [{**fact_check(request, claim), "rank": claim.rank} for claim in rows[:params.limit]],
            "next_cursor": cursor, "next": _next(request, "search", cursor)}


# --- Speakers

def _public_appearances():
    return Appearance.objects.filter(accepted=True, claim__status="published", claim__imported=False)


def scorecards(speaker_ids: list[int]) -> dict[int, list[dict]]:
    """Each speaker's published checks by rating, as on their public page, in two queries for any number."""
    counts: dict[int, dict[int, int]] = {}
    for speaker_id, rating_id, n in (_public_appearances().filter(speaker_id__in=speaker_ids).order_by()
                                     .values_list("speaker_id", "claim__verdict__rating_id")
                                     .annotate(n=Count("claim_id", distinct=True))):
        counts.setdefault(speaker_id, {})[rating_id] = n
    ratings = list(Rating.objects.all())
    return {speaker_id: [{"rating": _rating(r), "count": counts.get(speaker_id, {}).get(r.pk, 0)} for r in ratings
                         if counts.get(speaker_id, {}).get(r.pk) or not r.retired] for speaker_id in speaker_ids}


def _speaker_detail(speaker: Speaker, rows: list[dict]) -> dict:
    return {**_speaker(speaker), "description": speaker.description,
            "url": seo.absolute(speaker.get_absolute_url()),
            "fact_checks": sum(row["count"] for row in rows), "scorecard": rows}


class SpeakerParams(Schema):
    limit: int = Field(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Items per page.")
    cursor: str | None = Field(None, max_length=500, description="From the previous page's `next_cursor`.")


@api.get("/speakers", response=out.SpeakerPage, url_name="speakers", tags=["speakers"],
         summary="Speakers with published fact-checks, by name, with their scorecards")
@decorate_view(public_endpoint)
def speakers(request: HttpRequest, params: Query[SpeakerParams]):
    queryset = Speaker.objects.filter(pk__in=_public_appearances().values("speaker_id"))
    if params.cursor:
        name, pk = decode_cursor(params.cursor, kinds=(str, int))
        queryset = queryset.filter(Q(name__gt=name) | Q(name=name, pk__gt=pk))
    rows = list(queryset.order_by("name", "id")[:params.limit + 1])
    cursor = None
    if len(rows) > params.limit:
        rows = rows[:params.limit]
        cursor = encode_cursor(rows[-1].name, rows[-1].pk)
    cards = scorecards([s.pk for s in rows])
    return {"items": [_speaker_detail(s, cards[s.pk]) for s in rows], "next_cursor": cursor,
            "next": _next(request, "speakers", cursor)}


@api.get("/speakers/{slug}", response=out.SpeakerDetailOut, url_name="speaker", tags=["speakers"],
         summary="A speaker and their scorecard")
@decorate_view(public_endpoint)
def speaker(request: HttpRequest, slug: str):
    found = Speaker.objects.filter(slug=slug[:220]).first()
    rows = scorecards([found.pk])[found.pk] if found else []
    if not sum(row["count"] for row in rows):
        raise Http404("No speaker with published fact-checks has this slug.")  # names from desk work stay private
    return _speaker_detail(found, rows)


# --- Ratings and topics

@api.get("/ratings", response=list[out.RatingDetailOut], url_name="ratings", tags=["ratings and topics"],
         summary="The rating scale, in order")
@decorate_view(public_endpoint)
def ratings(request: HttpRequest):
    used = Claim.objects.published().filter(verdict__rating=OuterRef("pk")).values("pk")[:1]
    found = (Rating.objects.annotate(used=Exists(used)).filter(Q(retired=False) | Q(used=True))
             .order_by("position", "id"))
    return [{**_rating(r), "definition": r.definition, "retired": r.retired} for r in found]


@api.get("/topics", response=list[out.TopicDetailOut], url_name="topics", tags=["ratings and topics"],
         summary="Topics with published fact-checks, by name")
@decorate_view(public_endpoint)
def topics(request: HttpRequest):
    found = (Topic.objects.annotate(n=Count("claims", filter=Q(claims__status="published", claims__imported=False)))
             .filter(n__gt=0).order_by("name"))
    return [{"slug": t.slug, "name": t.name, "fact_checks": t.n} for t in found]
