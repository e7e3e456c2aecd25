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


# The fields a ClaimReview is made of, as ``.values()`` names them: the data feed reads rows
# straight from the database, the fact-check page passes its claim through ``review_row``.
REVIEW_FIELDS = (
    "slug", "status", "quote", "claim_checked", "date_said", "published_at", "speaker__name", "speaker__kind",
    "speaker__role", "source__url", "source__title", "verdict__conclusion", "verdict__published_at",
    "verdict__rating__label", "verdict__rating__value", "language",
)


def review_row(claim: Claim) -> dict:
    verdict = getattr(claim, "verdict", None)
    rating = verdict.rating if verdict else None
    source = claim.source
    appearances = getattr(claim, "public_appearances", None) or []
    first = next((a for a in appearances if a.primary), None)
    return {
        "appearances": [{"url": a.source.url, "title": a.source.title, "date": a.date_said}
                        for a in appearances if a.source and a.source.url],
        "slug": claim.slug, "status": claim.status, "quote": claim.quote, "claim_checked": claim.claim_checked,
        "date_said": claim.date_said, "published_at": claim.published_at, "speaker__name": claim.speaker.name,
        "speaker__kind": claim.speaker.kind,
        # The role when it was said, not the speaker's role today.
        "speaker__role": first.speaker_role if first else claim.speaker.role,
        "source__url": source.url if source else None, "source__title": source.title if source else None,
        "verdict__conclusion": verdict.conclusion if verdict else None,
        "verdict__published_at": verdict.published_at if verdict else None,
        "verdict__rating__label": rating.label if rating else None,
        "verdict__rating__value": rating.value if rating else None,
        "language": claim.language,
    }


def claim_review(claim: Claim) -> dict | None:
    """The ClaimReview of a published check; None for anything else (retracted checks emit none)."""
    best, worst = getattr(claim, "best_rating", None), getattr(claim, "worst_rating", None)
    if best is None or worst is None:
        values = scale_values()
        best, worst = (max(values), min(values)) if values else (None, None)
    return claim_review_from_row(review_row(claim), best=best, worst=worst)


def claim_review_from_row(row: dict, *, best, worst) -> dict | None:
    if row["status"] != "published" or row["verdict__rating__label"] is None:
        return None
    review_rating = {"@type": "Rating", "alternateName": row["verdict__rating__label"]}
    if row["verdict__rating__value"] is not None and best is not None:
        review_rating.update({"ratingValue": row["verdict__rating__value"], "bestRating": best, "worstRating": worst})
    if row["speaker__kind"] == Speaker.Kind.ORGANISATION:
        author = {"@type": "Organization", "name": row["speaker__name"]}
    else:
        author = {"@type": "Person", "name": row["speaker__name"]}
        if row["speaker__role"]:
            author["jobTitle"] = row["speaker__role"]
    item = {"@type": "Claim", "author": author}
    if row["date_said"]:
        item["datePublished"] = row["date_said"].isoformat()
    said = row.get("appearances") or (
        [{"url": row["source__url"], "title": row["source__title"], "date": row["date_said"]}]
        if row["source__url"] else [])
    if said:
        works, seen = [], set()
        for where in said:
            if where["url"] in seen:
                continue
            seen.add(where["url"])
            work = {"@type": "CreativeWork", "url": where["url"]}
            if where["title"]:
                work["headline"] = where["title"]
            if where["date"]:
                work["datePublished"] = where["date"].isoformat()
            works.append(work)
        item["appearance"] = works
        # The earliest by date said; undated ones after the dated, in the order they were logged.
        order = sorted(range(len(said)), key=lambda i: (said[i]["date"] is None, said[i]["date"] or 0, i))
        first_url = said[order[0]]["url"]
        item["firstAppearance"] = next(w for w in works if w["url"] == first_url)
    published = row["verdict__published_at"] or row["published_at"]
    data = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": absolute(f"/claims/{row['slug']}/"),
        "claimReviewed": row["claim_checked"] or row["quote"],
        "inLanguage": row["language"],
        "reviewRating": review_rating,
        "itemReviewed": item,
        "author": publisher(),
        "datePublished": timezone.localdate(published).isoformat() if published else None,
    }
    if row["verdict__conclusion"]:
        data["reviewBody"] = row["verdict__conclusion"]
    return data


def appearances_of(claim_ids: list[int]) -> dict[int, dict]:
    """For the data feed, in one query: each claim's accepted appearances with a source address,
    and the speaker's role when the claim was first said."""
    from claims.models import Appearance

    found: dict[int, dict] = {}
    rows = (Appearance.objects.filter(claim_id__in=claim_ids, accepted=True).order_by("-primary", "date_said", "id")
            .values_list("claim_id", "primary", "speaker_role", "source__url", "source__title", "date_said"))
    for claim_id, primary, role, url, title, date in rows:
        entry = found.setdefault(claim_id, {"appearances": [], "role": None})
        if primary:
            entry["role"] = role
        if url:
            entry["appearances"].append({"url": url, "title": title, "date": date})
    return found


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
