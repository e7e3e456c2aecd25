"""The API object: problems for every error, and the OpenAPI document's shared responses."""

from __future__ import annotations

from csp.decorators import csp_replace
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Swagger
from ninja.errors import HttpError, ValidationError

from claims.api.http import PROBLEM_TYPE, Problem, problem_response
from claims.api.schemas import DuplicateMatchOut

DESCRIPTION = """Published fact-checks, their speakers, ratings and topics, read-only and anonymous; and,
under `/api/v1/desk/`, the desk's review queue and claims for a personal API token.

* Lists are paged with an opaque `cursor`: each page gives `next_cursor` and its `next` address.
* Answers carry a weak `ETag`: send it back in `If-None-Match` and an unchanged answer is `304 Not Modified`.
* At most {limit} requests a minute per client address; past that, `429` with `Retry-After` in seconds.
* Errors are RFC 9457 problems (`application/problem+json`: `type`, `title`, `status`, `detail`).
* `GET /api/v1/claims:search` answers in the shape of Google Fact Check Tools' `claims:search`.
* A retracted fact-check keeps its page: `status` is `retracted`, with the `retraction`, and `claim_review`
  is empty; lists and searches leave it out. A fact-check merged into another answers
  `308 Permanent Redirect` to the one it now lives in.

Desk operations (`/api/v1/desk/…`) need a personal API token, created in the desk under API tokens and
sent as `Authorization: Bearer fcd_…`; each needs a scope (`read` or `claims:write`, in `x-scope`). They act
as the token's owner, with the desk's permissions and refusals (`401`, `403`, `409`, `422`), answer
`Cache-Control: private, no-store`, and allow {token_limit} requests a minute per token. Session cookies are
never accepted there.
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
DUPLICATE_PROBLEM_SCHEMA = {"allOf": [{"$ref": "#/components/schemas/Problem"}, {
    "type": "object",
    "properties": {"matches": {"type": "array", "items": DuplicateMatchOut.model_json_schema(),
                               "description": "The claims already logged that this quote matches, best first."}},
}]}
PROBLEM_CONTENT = {PROBLEM_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}
RETRY_AFTER = {"Retry-After": {"description": "Seconds until requests are accepted again.",
                               "schema": {"type": "integer"}}}
BEARER = "bearerAuth"
BEARER_SCHEME = {"type": "http", "scheme": "bearer",
                 "description": "A personal API token (fcd_…), from the desk's API tokens page."}
ETAG_HEADER = {"description": "A weak validator of this answer: send it back in If-None-Match.",
               "schema": {"type": "string"}}


# The docs page and the document it reads: stricter than the site's policy. Swagger UI needs its own
# script and style files, data: images from its style sheet, and fetch to this site; no inline script.
DOCS_CSP = {"default-src": ["'none'"], "form-action": ["'none'"], "font-src": None, "manifest-src": None}


class FactcheckAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        components = schema.setdefault("components", {})
        components.setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
        components.setdefault("securitySchemes", {})[BEARER] = BEARER_SCHEME
        for path, operations in schema["paths"].items():
            for method, operation in operations.items():
                # ninja keys responses by int, the document by string: one spelling, so none is lost.
                operation["responses"] = {str(code): answer for code, answer in operation["responses"].items()}
                if "x-scope" in operation:
                    _desk_responses(operation, method=method, has_path_params="{" in path)
                else:
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
    responses["429"] = {"description": "Too many requests from this address in this minute.",
                        "headers": RETRY_AFTER, "content": PROBLEM_CONTENT}
    if has_path_params:
        responses["404"] = {"description": "No published fact-check, speaker or topic here.",
                            "content": PROBLEM_CONTENT}
    if operation.get("operationId", "").endswith("fact_check_view"):
        responses["308"] = {
            "description": "This fact-check was merged into another: `Location` (and the problem's `location`) "
                           "is the one it now lives in.",
            "headers": {"Location": {"description": "The fact-check it was merged into.",
                                     "schema": {"type": "string"}}},
            "content": PROBLEM_CONTENT,
        }


PRIVATE_HEADERS = {"Cache-Control": {"description": "private, no-store", "schema": {"type": "string"}},
                   "Vary": {"description": "Authorization", "schema": {"type": "string"}}}


def _desk_responses(operation: dict, *, method: str, has_path_params: bool) -> None:
    """A desk operation: a token with its scope, and the desk's refusals."""
    scope = operation["x-scope"]
    operation["security"] = [{BEARER: []}]
    needs = f"Needs a token with the `{scope}` scope."
    operation["description"] = f"{operation['description']}\n\n{needs}" if operation.get("description") else needs
    responses = operation["responses"]
    for status in ("200", "201"):
        if status in responses:
            responses[status]["headers"] = dict(PRIVATE_HEADERS)
    if "201" in responses:
        responses["201"]["headers"]["Location"] = {"description": "The claim's address in this API.",
                                                   "schema": {"type": "string"}}
    challenge = {"WWW-Authenticate": {"description": "Bearer, with error=\"invalid_token\" for a bad token.",
                                      "schema": {"type": "string"}}}
    responses["401"] = {"description": "No token, or one that is unknown or revoked.", "headers": challenge,
                        "content": PROBLEM_CONTENT}
    responses["403"] = {"description": f"The token lacks the `{scope}` scope, its owner is no longer on the desk, "
                                       "or the desk refuses its owner this action.", "content": PROBLEM_CONTENT}
    responses["422"] = {"description": "A parameter or a field of the body is invalid: `errors` says which.",
                        "content": PROBLEM_CONTENT}
    responses["429"] = {"description": "Too many requests with this token in this minute.",
                        "headers": RETRY_AFTER, "content": PROBLEM_CONTENT}
    if has_path_params:
        responses["404"] = {"description": "No claim has this id.", "content": PROBLEM_CONTENT}
    if method == "post":
        responses["400"] = {"description": "The body is not JSON.", "content": PROBLEM_CONTENT}
        responses["409"] = {
            "description": "The claim's state does not allow this now, or (logging a claim) the quote matches "
                           "claims already logged: `matches` lists them, each with where to add an appearance.",
            "content": {PROBLEM_TYPE: {"schema": DUPLICATE_PROBLEM_SCHEMA}},
        }


api = FactcheckAPI(
    title="Factcheck Desk API",
    version="1",
    description=DESCRIPTION.format(limit=settings.API_REQUESTS_PER_MINUTE,
                                   token_limit=settings.API_TOKEN_REQUESTS_PER_MINUTE),
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


def _field_path(loc) -> tuple:
    """A body's fields by their own names ("quote"), not under the operation's argument ("payload.quote")."""
    if loc[0] == "body" and len(loc) > 2:
        return tuple(loc[2:])
    return tuple(loc[1:])


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [{"in": error["loc"][0], "name": ".".join(str(part) for part in _field_path(error["loc"])),
               "detail": error["msg"]} for error in exc.errors]
    names = ", ".join(sorted({error["name"] for error in errors if error["name"]})) or "the request"
    return problem_response(422, f"Invalid {names}.", errors=errors)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem_response(404, str(exc) or "Nothing here.")


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return problem_response(exc.status_code, str(exc))
