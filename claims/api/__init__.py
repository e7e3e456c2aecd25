"""The public, anonymous JSON API at /api/v1/ (django-ninja): OpenAPI 3.1 at /api/v1/openapi.json."""

from claims.api import endpoints, google  # noqa: F401 - registers the operations
from claims.api.base import api

__all__ = ["api"]
