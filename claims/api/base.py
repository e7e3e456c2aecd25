"""The API object: problems for every error, and the OpenAPI document's shared responses."""

from __future__ import annotations

from csp.decorators import csp_replace
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Swagger
from ninja.errors import HttpError, ValidationError

from claims.api.http import PROBLEM_TYPE, Problem, problem_response

DESCRIPTION = """Published fact-checks, their speakers, ratings and topics, read-only and anonymous.

* Lists are paged with an opaque `cursor`: each page gives `next_cursor` and its `next` address.
* Answers carry a weak `ETag`: send it back in `If-None-Match` and an unchanged answer is `304 Not Modified`.
* At most {limit} requests a minute per client address; past that, `429` with `Retry-After` in seconds.
* Errors are RFC 9457 problems (`application/problem+json`: `type`, `title`, `status`, `detail`).
* `GET /api/v1/claims:search` answers in the shape of Google Fact Check Tools' `claims:search`.
"""

PROBLEM_SCHEMA = {
    "type": "object",
    "title": "Problem",
    "description": "RFC 9457 problem details.",
    "properties": {
        "type": {"type": "string", "description": "A URI naming the kind of problem; about:blank for plain HTTP ones."},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {"type": "array", "items": {"type": "object"},
                   "description": "For 422: each invalid parameter, where it is and what is wrong."},
    },
    "required": ["type", "title", "status", "detail"],
}
PROBLEM_CONTENT = {PROBLEM_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}
ETAG_HEADER = {"description": "A weak validator of this answer: send it back in If-None-Match.",
               "schema": {"type": "string"}}


# The docs page and the document it reads: stricter than the site's policy. Swagger UI needs its own
# script and style files, data: images from its style sheet, and fetch to this site; no inline script.
DOCS_CSP = {"default-src": ["'none'"], "form-action": ["'none'"], "font-src": None, "manifest-src": None}


class FactcheckAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
        for path, operations in schema["paths"].items():
            for operation in operations.values():
                _shared_responses(operation, has_path_params="{" in path)
        return schema


def _shared_responses(operation: dict, *, has_path_params: bool) -> None:
    operation.setdefault("parameters", []).append({
        "in": "header", "name": "If-None-Match", "required": False, "schema": {"type": "string"},
        "description": "The ETag of an answer you hold: 304 when it is still current.",
    })
    responses = operation["responses"]
    if "200" in responses:
        responses["200"]["headers"] = {"ETag": ETAG_HEADER}
    responses["304"] = {"description": "Not Modified: the answer you hold (its ETag) is still current.",
                        "headers": {"ETag": ETAG_HEADER}}
    responses["422"] = {"description": "A parameter is invalid (a bad cursor too).", "content": PROBLEM_CONTENT}
    responses["429"] = {
        "description": "Too many requests from this address in this minute.",
        "headers": {"Retry-After": {"description": "Seconds until requests are accepted again.",
                                    "schema": {"type": "integer"}}},
        "content": PROBLEM_CONTENT,
    }
    if has_path_params:
        responses["404"] = {"description": "No published fact-check, speaker or topic here.",
                            "content": PROBLEM_CONTENT}


api = FactcheckAPI(
    title="Factcheck Desk API",
    version="1",
    description=DESCRIPTION.format(limit=settings.API_REQUESTS_PER_MINUTE),
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
    # Served from our own static files (ninja ships Swagger UI); no validator badge from elsewhere.
    docs=Swagger(settings={"validatorUrl": None, "tryItOutEnabled": True}),
    docs_decorator=csp_replace(DOCS_CSP),
)


@api.exception_handler(Problem)
def _problem(request: HttpRequest, exc: Problem) -> HttpResponse:
    return problem_response(exc.status, exc.detail, headers=exc.headers, **exc.extra)


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [{"in": error["loc"][0], "name": ".".join(str(part) for part in error["loc"][1:]),
               "detail": error["msg"]} for error in exc.errors]
    names = ", ".join(sorted({error["name"] for error in errors if error["name"]})) or "the request"
    return problem_response(422, f"Invalid {names}.", errors=errors)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem_response(404, str(exc) or "Nothing here.")


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return problem_response(exc.status_code, str(exc))
