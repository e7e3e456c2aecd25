"""Atom feed, the ClaimReview data feed and the sitemap."""

from __future__ import annotations

import json
import math

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.views.decorators.http import require_GET

from claims import seo
from claims.models import PUBLIC_STATUSES, Claim, Speaker, Topic
from claims.public_cache import public_page

SITEMAP_LIMIT = 50_000
FEED_CHUNK = 2000


class LatestFeed(Feed):
    feed_type = Atom1Feed
    link = "/"

    def title(self):
        return f"{settings.PUBLISHER_NAME}: latest fact-checks"

    def subtitle(self):
        return "The latest fact-checks, newest first."

    def items(self):
        return Claim.objects.public().with_list_detail().newest_published()[:50]

    def item_title(self, item: Claim):
        rating = item.verdict.rating.label if getattr(item, "verdict", None) and item.verdict.rating else ""
        prefix = "Retracted" if item.status == "retracted" else rating
        return f"{prefix}: {item.speaker.name} — “{item.quote[:120]}”" if prefix else item.quote[:120]

    def item_description(self, item: Claim):
        verdict = getattr(item, "verdict", None)
        return escape(verdict.conclusion) if verdict else ""

    def item_link(self, item: Claim):
        return item.get_absolute_url()

    def item_pubdate(self, item: Claim):
        return item.published_at

    def item_updateddate(self, item: Claim):
        return item.updated_at

    def item_author_name(self, item: Claim):
        return settings.PUBLISHER_NAME


latest_feed = require_GET(public_page(LatestFeed()))


def _with_appearances(row: dict, said: dict | None) -> dict:
    if not said:
        return row
    # The role when it was said, as on the fact-check page, not the speaker's role today.
    role = said["role"] if said["role"] is not None else row["speaker__role"]
    return {**row, "appearances": said["appearances"], "speaker__role": role}


def _claim_reviews():
    """Every published ClaimReview as JSON text, a chunk at a time: rows straight from the database
    (no model instances), read by primary key so memory stays flat."""
    values = seo.scale_values()
    best, worst = (max(values), min(values)) if values else (None, None)
    rows = Claim.objects.published().order_by("pk").values("pk", *seo.REVIEW_FIELDS)
    last = 0
    while True:
        chunk = list(rows.filter(pk__gt=last)[:FEED_CHUNK])
        if not chunk:
            return
        said = seo.appearances_of([row["pk"] for row in chunk])
        reviews = [seo.claim_review_from_row(_with_appearances(row, said.get(row["pk"])), best=best, worst=worst)
                   for row in chunk]
        text = ",".join(json.dumps(review, ensure_ascii=False) for review in reviews if review)
        if text:
            yield text
        last = chunk[-1]["pk"]


@require_GET
def claimreview_feed(request: HttpRequest) -> StreamingHttpResponse:
    """A schema.org DataFeed of every published ClaimReview, streamed."""

    def body():
        head = {"@context": "https://schema.org", "@type": "DataFeed", "name": f"{settings.PUBLISHER_NAME} ClaimReview",
                "url": seo.absolute("/claimreview.json")}
        text = json.dumps(head, ensure_ascii=False)
        yield text[:-1] + ',"dataFeedElement":['
        first = True
        for reviews in _claim_reviews():
            yield ("" if first else ",") + reviews
            first = False
        yield "]}"

    response = StreamingHttpResponse(body(), content_type="application/json; charset=utf-8")
    response["Cache-Control"] = "public, max-age=300"
    return response


def _public_urls():
    yield from ("/", "/speakers/", "/methodology/", "/corrections/", "/search/")
    for slug in Claim.objects.public().order_by("pk").values_list("slug", flat=True).iterator(chunk_size=2000):
        yield f"/claims/{slug}/"
    public_claims = {"claims__status__in": PUBLIC_STATUSES, "claims__imported": False}
    for slug in Speaker.objects.filter(**SAID_PUBLICLY).distinct().order_by("slug").values_list("slug", flat=True):
        yield f"/speakers/{slug}/"
    for slug in Topic.objects.filter(**public_claims).distinct().order_by("slug").values_list("slug", flat=True):
        yield f"/topics/{slug}/"


# A speaker has a page when any public check's accepted appearance names them.
SAID_PUBLICLY = {"appearances__claim__status__in": PUBLIC_STATUSES, "appearances__claim__imported": False,
                 "appearances__accepted": True}


def _url_count() -> int:
    public_claims = {"claims__status__in": PUBLIC_STATUSES, "claims__imported": False}
    return (5 + Claim.objects.public().count() + Speaker.objects.filter(**SAID_PUBLICLY).distinct().count()
            + Topic.objects.filter(**public_claims).distinct().count())


def _urlset(urls) -> str:
    body = "".join(f"<url><loc>{escape(seo.absolute(u))}</loc></url>" for u in urls)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{body}</urlset>\n')


@require_GET
@public_page
def sitemap(request: HttpRequest) -> HttpResponse:
    """Every public page; past 50,000 URLs, a sitemap index of numbered sections."""
    total = _url_count()
    if total <= SITEMAP_LIMIT:
        return HttpResponse(_urlset(_public_urls()), content_type="application/xml")
    sections = math.ceil(total / SITEMAP_LIMIT)
    body = "".join(f"<sitemap><loc>{escape(seo.absolute(f'/sitemap-{n}.xml'))}</loc></sitemap>"
                   for n in range(1, sections + 1))
    return HttpResponse('<?xml version="1.0" encoding="UTF-8"?>\n'
                        f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{body}</sitemapindex>\n',
                        content_type="application/xml")


@require_GET
@public_page
def sitemap_section(request: HttpRequest, number: int) -> HttpResponse:
    start = (number - 1) * SITEMAP_LIMIT
    urls = []
    for index, url in enumerate(_public_urls()):
        if index >= start + SITEMAP_LIMIT:
            break
        if index >= start:
            urls.append(url)
    if number < 1 or not urls:
        raise Http404("No such sitemap section.")
    return HttpResponse(_urlset(urls), content_type="application/xml")
