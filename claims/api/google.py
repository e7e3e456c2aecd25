"""``GET /api/v1/claims:search``: the public search, answered in the shape of Google Fact Check Tools'
``claims:search``, so tools written for that API can read ours unchanged."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Schema
from ninja.decorators import decorate_view
from pydantic import Field

from claims import seo
from claims.api import schemas as out
from claims.api.base import api
from claims.api.endpoints import list_queryset, offset, ranked
from claims.api.http import Problem, encode_cursor, public_endpoint
from claims.languages import primary_subtag
from claims.models import Claim
from claims.views.public import QUERY_LIMIT


def publisher_site() -> str:
    return (urlsplit(settings.SITE_URL).hostname or "").lower()


def _timestamp(value: dt.datetime | dt.date | None) -> str | None:
    """RFC 3339 in UTC, as Google gives them ("2025-08-15T00:00:00Z")."""
    if value is None:
        return None
    if not isinstance(value, dt.datetime):
        return f"{value.isoformat()}T00:00:00Z"
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def google_claim(claim: Claim) -> dict:
    verdict = getattr(claim, "verdict", None)
    rating = verdict.rating if verdict else None
    reviewed = (verdict.published_at if verdict else None) or claim.published_at
    return {
        "text": claim.quote,
        "claimant": claim.speaker.name,
        "claimDate": _timestamp(claim.date_said),
        "claimReview": [{
            "publisher": {"name": settings.PUBLISHER_NAME, "site": publisher_site()},
            "url": seo.absolute(claim.get_absolute_url()),
            "title": claim.claim_checked or claim.quote,
            "reviewDate": _timestamp(reviewed),
            "textualRating": rating.label if rating else None,
            "languageCode": claim.language,
        }],
    }


class GoogleParams(Schema):
    query: str | None = Field(None, max_length=QUERY_LIMIT, description="Words to search for. Needed unless "
                              "reviewPublisherSiteFilter is given.")
    languageCode: str | None = Field(
        None, max_length=35, description="BCP 47 (e.g. en-US); as Google, only the language counts, not the region.")
    maxAgeDays: int | None = Field(
        None, ge=1, le=100_000, description="Only checks whose claim date or review date, the newer, is this recent.")
    pageSize: int = Field(10, ge=1, le=100, description="Claims per page.")
    pageToken: str | None = Field(None, max_length=500, description="The previous page's nextPageToken.")
    reviewPublisherSiteFilter: str | None = Field(
        None, max_length=253, description="Only reviews from this site (e.g. factcheck.example.org).")


def _ours(site: str) -> bool:
    wanted = site.strip().lower().removeprefix("www.")
    ours = publisher_site().removeprefix("www.")
    return ours == wanted or ours.endswith("." + wanted)


@api.get("/claims:search", response=out.GoogleSearchOut, exclude_none=True, url_name="claims_search",
         tags=["Google Fact Check Tools"], summary="Search, in Google Fact Check Tools' claims:search shape")
@decorate_view(public_endpoint)
def claims_search(request: HttpRequest, params: Query[GoogleParams]):
    if not (params.query or "").strip() and not params.reviewPublisherSiteFilter:
        raise Problem(422, "Give a query, or a reviewPublisherSiteFilter.")
    start = max(0, offset(params.pageToken, name="pageToken"))
    if params.reviewPublisherSiteFilter and not _ours(params.reviewPublisherSiteFilter):
        return {"claims": []}
    queryset = list_queryset()
    if params.languageCode:
        # As Google: only the language counts, not the region ("en-US" finds "en" and "en-GB").
        wanted = primary_subtag(params.languageCode.strip().replace("_", "-"))
        queryset = queryset.filter(Q(language__iexact=wanted) | Q(language__istartswith=f"{wanted}-"))
    if params.maxAgeDays:
        since = timezone.now() - dt.timedelta(days=params.maxAgeDays)
        queryset = queryset.filter(Q(published_at__gte=since) | Q(date_said__gte=timezone.localdate(since)))
    if (params.query or "").strip():
        queryset = ranked(params.query, queryset, params.languageCode or None)
    else:
        queryset = queryset.order_by("-published_at", "-id")
    rows = list(queryset[start:start + params.pageSize + 1]) if queryset is not None else []
    token = encode_cursor(start + params.pageSize) if len(rows) > params.pageSize else None
    return {"claims": [google_claim(claim) for claim in rows[:params.pageSize]], "nextPageToken": token}

