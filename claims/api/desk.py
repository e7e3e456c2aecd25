"""The desk's operations, for a personal token (``claims.api.auth``): the review queue and a claim to
read (scope ``read``), and logging claims and appearances (scope ``claims:write``), e.g. from a
monitoring pipeline. Every write goes through the desk's forms, the permission table and the
services, exactly as "Save claim" and "Add appearance" in the desk do."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from ninja import Path, Query, Schema, Status
from ninja.decorators import decorate_view
from pydantic import Field

from claims import permissions, seo
from claims.api import schemas as out
from claims.api.auth import desk_endpoint
from claims.api.base import api
from claims.api.endpoints import MAX_PAGE_SIZE, PAGE_SIZE, _next, _source, _speaker
from claims.api.http import Problem, decode_cursor, encode_cursor
from claims.errors import DuplicateClaim, ServiceError
from claims.forms import CONTROL_MESSAGE, AppearanceForm, ClaimForm
from claims.languages import normalise_tag
from claims.models import ApiTokenScope, Appearance, Claim, Topic
from claims.services import editing
from claims.textnorm import has_controls

READ, WRITE = ApiTokenScope.READ.value, ApiTokenScope.CLAIMS_WRITE.value
MAX_ID = 2**63 - 1  # PostgreSQL's bigint: a larger id is no claim, never a database error
TAGS = ["desk (personal tokens)"]


def _api_url(claim_id: int) -> str:
    return seo.absolute(reverse("api:desk_claim", kwargs={"claim_id": claim_id}))


def desk_claim(claim: Claim) -> dict:
    assignee = claim.assignee
    return {
        "id": claim.pk, "slug": claim.slug, "status": claim.status, "quote": claim.quote,
        "claim_checked": claim.claim_checked, "speaker": _speaker(claim.speaker), "date_said": claim.date_said,
        "language": claim.language, "topics": [{"slug": t.slug, "name": t.name} for t in claim.topics.all()],
        "source": _source(claim.source),
        "assignee": (assignee.get_full_name() or assignee.get_username()) if assignee else None,
        "version": claim.version, "archive": claim.imported, "merged_into": claim.merged_into_id,
        "created_at": claim.created_at, "updated_at": claim.updated_at,
        "desk_url": seo.absolute(claim.get_desk_url()), "api_url": _api_url(claim.pk),
    }


def desk_appearance(appearance: Appearance) -> dict:
    return {"id": appearance.pk, "speaker": _speaker(appearance.speaker), "date_said": appearance.date_said,
            "quote": appearance.quote, "language": appearance.language, "source": _source(appearance.source),
            "accepted": appearance.accepted, "primary": appearance.primary}


def _desk_queryset():
    return Claim.objects.select_related("speaker", "source", "assignee").prefetch_related("topics")


def _refused(error: Exception) -> Problem:
    """The desk's refusals, as problems: 403 for the wrong role, 409 for the wrong state or a stale
    version, 422 for a rule a form cannot see."""
    if isinstance(error, PermissionDenied):
        return Problem(403, str(error) or "You do not have permission to do that.")
    errors = [{"in": "body", "name": name, "detail": " ".join(messages)}
              for name, messages in getattr(error, "errors", {}).items()]
    extra = {"errors": errors} if errors else {}
    return Problem(error.status, error.message or "This cannot be done now.", **extra)


def _form_problem(form) -> Problem:
    errors = [{"in": "body", "name": name if name != "__all__" else "", "detail": " ".join(messages)}
              for name, messages in form.errors.items()]
    names = ", ".join(sorted({e["name"] for e in errors if e["name"]})) or "the request"
    return Problem(422, f"Invalid {names}.", errors=errors)


def _unencodable(payload: Schema) -> list[dict]:
    """Strings PostgreSQL cannot store (lone surrogates, which JSON can spell as \\udXXX)."""
    errors = []
    for name, value in payload.model_dump().items():
        values = value if isinstance(value, list) else [value]
        if any(isinstance(v, str) and any("\ud800" <= ch <= "\udfff" for ch in v) for v in values):
            errors.append({"in": "body", "name": name, "detail": "Not valid Unicode text."})
    return errors


def _refuse_unencodable(payload: Schema) -> None:
    bad = _unencodable(payload)
    if bad:
        raise Problem(422, f"Invalid {', '.join(e['name'] for e in bad)}.", errors=bad)


def _bound(form_class, payload: Schema, **extra):
    """The desk's form, bound to what the API received, so the API accepts what the desk accepts."""
    _refuse_unencodable(payload)
    data = payload.model_dump()
    fields = {name: data.get(name) for name in form_class.base_fields if name in data}
    if fields.get("date_said") is not None:
        fields["date_said"] = fields["date_said"].isoformat()
    values = MultiValueDict({name: value if isinstance(value, list) else ["" if value is None else value]
                             for name, value in {**fields, **extra}.items()})
    form = form_class(values)
    if not form.is_valid():
        raise _form_problem(form)
    return form


def _language(payload) -> str | None:
    if payload.language is None or not payload.language.strip():
        return None
    tag = normalise_tag(payload.language)
    if tag is None:
        detail = "Give a BCP 47 language tag, such as en or pt-BR."
        raise Problem(422, "Invalid language.", errors=[{"in": "body", "name": "language", "detail": detail}])
    return tag


def _topic_ids(slugs: list[str]) -> list[str]:
    if any(has_controls(slug, multi_line=False) for slug in slugs):
        raise Problem(422, "Invalid topics.", errors=[{"in": "body", "name": "topics", "detail": CONTROL_MESSAGE}])
    wanted = list(dict.fromkeys(s.strip() for s in slugs if s.strip()))
    found = dict(Topic.objects.filter(slug__in=wanted).values_list("slug", "pk")) if wanted else {}
    unknown = [slug for slug in wanted if slug not in found]
    if unknown:
        raise Problem(422, "Invalid topics.", errors=[{"in": "body", "name": "topics",
                                                        "detail": f"No topic has the slug {', '.join(unknown)}."}])
    return [str(found[slug]) for slug in wanted]


def _claim_or_404(claim_id: int) -> Claim:
    claim = _desk_queryset().filter(pk=claim_id).first()
    if claim is None:
        raise Http404("No claim has this id.")
    return claim


# --- Reading

class QueueParams(Schema):
    limit: int = Field(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Items per page.")
    cursor: str | None = Field(None, max_length=500, description="From the previous page's `next_cursor`.")


@api.get("/desk/review-queue", response=out.ReviewQueuePage, url_name="desk_review_queue", tags=TAGS,
         summary="Claims awaiting review, longest waiting first", openapi_extra={"x-scope": READ})
@decorate_view(desk_endpoint(READ))
def review_queue(request: HttpRequest, params: Query[QueueParams]):
    permissions.require(request.user, "desk_view")
    queryset = _desk_queryset().awaiting_review().filter(imported=False)
    if params.cursor:
        (after,) = decode_cursor(params.cursor, kinds=(int,))
        queryset = queryset.filter(pk__gt=after)
    rows = [c for c in queryset.order_by("pk")[:params.limit + 1] if permissions.can(request.user, "claim_view", c)]
    cursor = None
    if len(rows) > params.limit:
        rows = rows[:params.limit]
        cursor = encode_cursor(rows[-1].pk)
    return {"items": [desk_claim(c) for c in rows], "next_cursor": cursor,
            "next": _next(request, "desk_review_queue", cursor)}


@api.get("/desk/claims/{claim_id}", response=out.DeskClaimDetailOut, url_name="desk_claim", tags=TAGS,
         summary="One claim as the desk sees it, in any state", openapi_extra={"x-scope": READ})
@decorate_view(desk_endpoint(READ))
def claim_detail(request: HttpRequest, claim_id: int = Path(..., ge=1, le=MAX_ID)):
    claim = _claim_or_404(claim_id)
    try:
        permissions.require(request.user, "claim_view", claim)
    except (PermissionDenied, ServiceError) as error:
        raise _refused(error) from None
    appearances = claim.appearances.select_related("speaker", "source").order_by("-primary", "created_at", "pk")
    return {**desk_claim(claim), "appearances": [desk_appearance(a) for a in appearances]}


# --- Writing

@api.post("/desk/claims", response={201: out.DeskClaimDetailOut}, url_name="desk_claims", tags=TAGS,
          summary="Log a claim (409 when the quote matches claims already logged)",
          openapi_extra={"x-scope": WRITE})
@decorate_view(desk_endpoint(WRITE))
def claim_create(request: HttpRequest, payload: out.ClaimIn, response: HttpResponse):
    try:
        permissions.require(request.user, "claim_create")
        _refuse_unencodable(payload)
        if payload.different_reason and has_controls(payload.different_reason, multi_line=True):
            raise Problem(422, "Invalid different_reason.", errors=[
                {"in": "body", "name": "different_reason", "detail": CONTROL_MESSAGE}])
        form = _bound(ClaimForm, payload, topics=_topic_ids(payload.topics))
        data = form.service_data()
        claim = editing.claim_create(actor=request.user, quote=data["quote"], speaker=data["speaker"],
                                     claim_checked=data["claim_checked"], source_url=data["source_url"],
                                     date_said=data["date_said"], topics=data["topics"],
                                     language=_language(payload), different_reason=payload.different_reason)
    except DuplicateClaim as duplicate:
        raise Problem(409, "This quote matches a claim already logged: add it as an appearance of that claim, "
                      "or send it again with different_reason.", matches=[_match(m) for m in duplicate.matches]) \
            from None
    except (PermissionDenied, ServiceError) as error:
        raise _refused(error) from None
    claim = _claim_or_404(claim.pk)
    response["Location"] = _api_url(claim.pk)
    appearances = claim.appearances.select_related("speaker", "source").order_by("-primary", "pk")
    return Status(201, {**desk_claim(claim), "appearances": [desk_appearance(a) for a in appearances]})


def _match(match) -> dict:
    claim = match.claim
    return {"id": claim.pk, "slug": claim.slug, "status": claim.status, "quote": claim.quote,
            "score": round(match.score, 4), "lexical": round(match.lexical, 4),
            "semantic": None if match.semantic is None else round(match.semantic, 4),
            "shared_words": list(match.shared_words), "api_url": _api_url(claim.pk),
            "appearances_url": seo.absolute(reverse("api:desk_appearances", kwargs={"claim_id": claim.pk}))}


@api.post("/desk/claims/{claim_id}/appearances", response={201: out.AppearanceCreatedOut},
          url_name="desk_appearances", tags=TAGS, summary="Add another time a claim was said",
          openapi_extra={"x-scope": WRITE})
@decorate_view(desk_endpoint(WRITE))
def appearance_create(request: HttpRequest, payload: out.AppearanceIn, response: HttpResponse,
                      claim_id: int = Path(..., ge=1, le=MAX_ID)):
    if not Claim.objects.filter(pk=claim_id).exists():
        raise Http404("No claim has this id.")
    try:
        form = _bound(AppearanceForm, payload)
        data = form.cleaned_data
        appearance = editing.appearance_add(claim_id=claim_id, actor=request.user, quote=data["quote"],
                                            speaker=data["speaker"], source_url=data["source_url"],
                                            date_said=data["date_said"], language=_language(payload))
    except (PermissionDenied, ServiceError) as error:
        raise _refused(error) from None
    response["Location"] = _api_url(claim_id)
    appearance = Appearance.objects.select_related("speaker", "source").get(pk=appearance.pk)
    return Status(201, {**desk_appearance(appearance), "claim_id": claim_id, "claim_api_url": _api_url(claim_id)})
