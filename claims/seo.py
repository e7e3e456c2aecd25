"""Machine-readable fact-checks: schema.org ClaimReview in JSON-LD, and the data feed."""

from __future__ import annotations

import json

from django.conf import settings
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from claims.models import Claim, Speaker

# Inside <script>, "</script>" or "<!--" would end or confuse the block: escape what HTML could read.
_JSON_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def publisher() -> dict:
    org = {"@type": "Organization", "name": settings.PUBLISHER_NAME, "url": settings.PUBLISHER_URL}
    if settings.PUBLISHER_LOGO_URL:
        org["logo"] = settings.PUBLISHER_LOGO_URL
    return org


def _author(speaker: Speaker) -> dict:
    if speaker.kind == Speaker.Kind.ORGANISATION:
        return {"@type": "Organization", "name": speaker.name}
    person = {"@type": "Person", "name": speaker.name}
    if speaker.role:
        person["jobTitle"] = speaker.role
    return person


def claim_review(claim: Claim) -> dict | None:
    """The ClaimReview of a published check; None for anything else (retracted checks emit none)."""
    verdict = getattr(claim, "verdict", None)
    if claim.status != "published" or verdict is None or verdict.rating is None:
        return None
    rating = verdict.rating
    review_rating = {"@type": "Rating", "alternateName": rating.label}
    if rating.value is not None:
        best, worst = getattr(claim, "best_rating", None), getattr(claim, "worst_rating", None)
        if best is None or worst is None:
            values = scale_values()
            best, worst = max(values), min(values)
        review_rating.update({"ratingValue": rating.value, "bestRating": best, "worstRating": worst})
    item = {"@type": "Claim", "author": _author(claim.speaker)}
    if claim.date_said:
        item["datePublished"] = claim.date_said.isoformat()
    if claim.source and claim.source.url:
        appearance = {"@type": "CreativeWork", "url": claim.source.url}
        if claim.source.title:
            appearance["headline"] = claim.source.title
        item["appearance"] = [appearance]
        item["firstAppearance"] = appearance
    published = (verdict.published_at or claim.published_at)
    data = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": absolute(claim.get_absolute_url()),
        "claimReviewed": claim.claim_checked or claim.quote,
        "reviewRating": review_rating,
        "itemReviewed": item,
        "author": publisher(),
        "datePublished": timezone.localdate(published).isoformat() if published else None,
    }
    if verdict.conclusion:
        data["reviewBody"] = verdict.conclusion
    return data



def scale_values() -> list:
    """The numeric values of the rating scale."""
    from claims.models import Rating

    return list(Rating.objects.exclude(value=None).values_list("value", flat=True))


def with_scale(queryset):
    """Annotate the best and worst values of the rating scale, so ClaimReview needs no extra query."""
    from django.db.models import Subquery

    from claims.models import Rating

    scale = Rating.objects.exclude(value=None)
    return queryset.annotate(best_rating=Subquery(scale.order_by("-value").values("value")[:1]),
                             worst_rating=Subquery(scale.order_by("value").values("value")[:1]))


def json_for_script(data) -> SafeString:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_JSON_ESCAPES)
    return mark_safe(text)  # noqa: S308 - <, > and & are escaped just above
