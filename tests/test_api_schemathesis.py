"""Schemathesis against the API's own OpenAPI document, in-process (WSGI): every operation, public and
token-authenticated, with generated parameters and bodies; no answer is a 500, and every answer (its
status, headers, content type and body) is one the document declares."""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from claims.api import api
from claims.models import Claim
from claims.services.tokens import token_create
from factcheck.wsgi import application
from tests import factories

pytestmark = [pytest.mark.schemathesis, pytest.mark.django_db]

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance]


@pytest.fixture(autouse=True)
def world(db, settings):
    # Generated requests must reach the operations, not the rate limit (its 429 is tested in test_api*).
    settings.API_REQUESTS_PER_MINUTE = settings.API_TOKEN_REQUESTS_PER_MINUTE = 1_000_000
    settings.SITE_URL = "https://checks.example.org"
    # The WSGI handler would close the test's connection after each request (and its transaction with
    # it); Django's test client does the same as this.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    _world()
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def _world() -> None:
    """Something for every operation to find: published, retracted, merged and in-review claims."""
    topic = factories.TopicFactory(name="Housing", slug="housing")
    speaker = factories.SpeakerFactory(name="Jo Minister", slug="jo-minister")
    for _ in range(3):
        factories.ClaimFactory(published=True, speaker=speaker).topics.add(topic)
    survivor = factories.ClaimFactory(published=True)
    factories.ClaimFactory(status="merged", merged_into=survivor, published_at=survivor.published_at)
    factories.ClaimFactory(retracted=True)
    factories.ClaimFactory(in_review=True)


@pytest.fixture
def secret(journalist) -> str:
    return token_create(actor=journalist, name="Schemathesis", scopes=["read", "claims:write"])[1]


# The document as the API serves it (built without a request, so without the database); requests go
# to the WSGI application in this process, inside each test's transaction.
schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
schema.app = application


@schema.parametrize()
@settings(max_examples=40, deadline=None, derandomize=True, database=None,
          phases=[Phase.explicit, Phase.generate],
          suppress_health_check=list(HealthCheck))
def test_every_answer_matches_the_document(case, secret):
    response = case.call(headers={"Authorization": f"Bearer {secret}"})
    case.validate_response(response, checks=CHECKS)


# --- Answers generated requests rarely reach, checked against the same document ------------------------

def _validated(path: str, method: str = "GET", *, secret: str | None = None, **case_data):
    case = schema[path][method].Case(**case_data)
    response = case.call(headers={"Authorization": f"Bearer {secret}"} if secret else None)
    case.validate_response(response, checks=CHECKS)
    return response


def test_a_304_a_429_and_a_308_are_answers_the_document_declares(settings):
    etag = _validated("/api/v1/fact-checks").headers["etag"][0]
    assert _validated("/api/v1/fact-checks", headers={"If-None-Match": etag}).status_code == 304
    merged = Claim.objects.get(status="merged")
    assert _validated("/api/v1/fact-checks/{slug}", path_parameters={"slug": merged.slug}).status_code == 308
    retracted = Claim.objects.get(status="retracted")
    answer = _validated("/api/v1/fact-checks/{slug}", path_parameters={"slug": retracted.slug})
    assert answer.status_code == 200 and answer.json()["claim_review"] is None
    settings.API_REQUESTS_PER_MINUTE = 1
    assert _validated("/api/v1/ratings").status_code == 429


def test_the_desk_answers_are_ones_the_document_declares(settings, secret):
    assert _validated("/api/v1/desk/review-queue").status_code == 401
    assert len(_validated("/api/v1/desk/review-queue", secret=secret).json()["items"]) == 1
    body = {"quote": "Council tax rose faster here than anywhere in the region.", "speaker": "Jo Minister"}
    made = _validated("/api/v1/desk/claims", "POST", secret=secret, body=body)
    assert made.status_code == 201
    assert _validated("/api/v1/desk/claims", "POST", secret=secret, body=body).status_code == 409
    claim_id = made.json()["id"]
    assert _validated("/api/v1/desk/claims/{claim_id}", secret=secret,
                      path_parameters={"claim_id": claim_id}).status_code == 200
    added = _validated("/api/v1/desk/claims/{claim_id}/appearances", "POST", secret=secret,
                       path_parameters={"claim_id": claim_id}, body=body)
    assert added.status_code == 201
    in_review = Claim.objects.get(status="in_review")
    assert _validated("/api/v1/desk/claims/{claim_id}/appearances", "POST", secret=secret,
                      path_parameters={"claim_id": in_review.pk}, body=body).status_code == 409
    settings.API_TOKEN_REQUESTS_PER_MINUTE = 1
    assert _validated("/api/v1/desk/review-queue", secret=secret).status_code == 429
