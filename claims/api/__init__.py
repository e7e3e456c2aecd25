"""The JSON API at /api/v1/ (django-ninja): public and anonymous, plus the desk's part under /desk/
for personal tokens. OpenAPI 3.1 at /api/v1/openapi.json."""

from django.http import Http404, HttpRequest

from claims.api import desk, endpoints, google  # noqa: F401 - registers the operations
from claims.api.base import api


# Registered last, so it answers only what no operation does: a problem, not the site's HTML page.
@api.api_operation(["GET", "POST", "PUT", "PATCH", "DELETE"], "/{path:path}", include_in_schema=False,
                   url_name="unknown")
def unknown(request: HttpRequest, path: str):
    raise Http404("The API has nothing at this address: see /api/v1/docs.")


__all__ = ["api"]
