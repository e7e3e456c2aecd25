"""Property-based: whatever anyone types (control characters, invalid UTF-8 and lone surrogates,
huge numbers, 10,000-character strings, right-to-left marks) into a public GET parameter or a desk
form field, the answer is never a 500, and a refused write changes nothing.

The number of examples comes from the Hypothesis profile (``HYPOTHESIS_PROFILE``: ``ci`` by
default, ``thorough`` for a longer search)."""

from __future__ import annotations

import os
from urllib.parse import quote, quote_from_bytes

import pytest
from django.core.cache import cache
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import factories
from tests.test_workflow import snapshot

pytestmark = pytest.mark.django_db

settings.register_profile("ci", max_examples=25, deadline=None,
                          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=400, deadline=None,
                          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

HOSTILE = st.one_of(
    st.text(max_size=200),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x1F), max_size=20),
    st.builds(lambda n: "9" * n, st.integers(300, 2000)),
    st.builds(lambda s: s * 10_000, st.sampled_from(["x", "\u202e", "\u200f", "é"])).map(lambda s: s[:10_000]),
    st.sampled_from(["\x00", "\u202eabc", "1e999", "-1", "0", "99999999999999999999", "%", "' OR 1=1 --",
                     "<script>alert(1)</script>", "\ud800"]),
)
# What a client can put in a query string: any bytes, percent-encoded (invalid UTF-8 included,
# which is how a lone surrogate arrives).
RAW = st.one_of(st.binary(max_size=60), HOSTILE.map(lambda s: s.encode("utf-8", "surrogatepass")))

PUBLIC_PARAMETERS = {
    "/": ("rating", "speaker", "topic", "from", "to", "page"),
    "/search/": ("q", "rating", "page"),
    "/speakers/": ("page",),
    "/corrections/": ("page",),
}


@pytest.fixture
def published(db):
    cache.clear()
    return factories.ClaimFactory(published=True, quote="Over 50,000 people crossed the Channel last year.")


@pytest.mark.parametrize("path", list(PUBLIC_PARAMETERS))
@given(values=st.lists(RAW, min_size=1, max_size=6))
def test_it_never_answers_a_public_parameter_with_a_500(client, published, path, values):
    names = PUBLIC_PARAMETERS[path]
    query = "&".join(f"{names[i % len(names)]}={quote_from_bytes(value[:12_000])}" for i, value in enumerate(values))
    response = client.get(f"{path}?{query}")
    assert response.status_code in (200, 404), (path, query[:200], response.status_code)


@given(text=HOSTILE, speaker=HOSTILE, url=HOSTILE, date=HOSTILE)
def test_it_never_answers_the_new_claim_form_with_a_500(journalist_client, text, speaker, url, date):
    before = snapshot()
    data = {"quote": text, "claim_checked": text[:600], "speaker": speaker, "source_url": url, "date_said": date}
    response = journalist_client.post("/desk/claims/new/", {k: v.encode("utf-8", "replace").decode() for k, v in
                                                            data.items()})
    assert response.status_code in (303, 409, 422), response.status_code
    if response.status_code != 303:
        assert snapshot() == before


@given(data=st.dictionaries(st.sampled_from(["url", "title", "publisher", "published_on", "passage", "stance",
                                             "note", "figure_value", "figure_unit", "figure_period"]),
                            HOSTILE, min_size=1))
def test_it_never_answers_the_evidence_form_with_a_500(journalist_client, data):
    claim = factories.ClaimFactory(researching=True)
    before = snapshot()
    clean = {k: v.encode("utf-8", "replace").decode() for k, v in data.items()}
    response = journalist_client.post(f"/desk/claims/{claim.pk}/evidence/", clean)
    assert response.status_code in (303, 422), response.status_code
    if response.status_code == 422:
        assert snapshot() == before


@given(text=HOSTILE, url=HOSTILE, email=HOSTILE)
def test_it_never_answers_a_suggestion_with_a_500(client, text, url, email, settings):
    from tests.html import post_form

    settings.SUGGESTIONS_PER_HOUR = 10_000
    cache.clear()
    before = snapshot()
    response = post_form(client, "/suggest/", {k: v.encode("utf-8", "replace").decode() for k, v in
                                               {"text": text, "url": url, "email": email}.items()})
    assert response.status_code in (200, 413, 422), response.status_code
    if response.status_code != 200:
        assert snapshot() == before


@given(q=HOSTILE)
def test_it_never_answers_a_desk_search_with_a_500(journalist_client, q):
    for url in ("/desk/claims/", "/desk/speakers/", "/desk/speakers/options/", "/desk/claims/similar/"):
        key = "quote" if "similar" in url else "q"
        response = journalist_client.get(f"{url}?{key}={quote(q.encode('utf-8', 'surrogatepass'))}")
        assert response.status_code == 200, (url, response.status_code)


FORMS = {
    "speaker": ("/desk/speakers/new/", ("name", "kind", "role", "affiliation", "description")),
    "source": ("/desk/sources/new/", ("title", "url", "outlet", "published_on", "kind", "full_text")),
    "topic": ("/desk/topics/new/", ("name",)),
    "note": ("/desk/claims/{claim}/notes/", ("body", "start", "end")),
    "reply": ("/desk/claims/{claim}/replies/", ("contacted_on", "channel", "contact", "response")),
    "appearance": ("/desk/claims/{claim}/appearances/", ("appearance-quote", "appearance-speaker",
                                                         "appearance-source_url", "appearance-date_said")),
    "dismiss": ("/desk/claims/{claim}/dismiss/", ("comment",)),
    "merge": ("/desk/claims/{claim}/merge/", ("into",)),
}


@pytest.mark.parametrize("form", list(FORMS))
@given(values=st.lists(HOSTILE, min_size=1, max_size=6))
def test_it_never_answers_a_desk_form_with_a_500(editor_client, form, values):
    claim = factories.ClaimFactory(researching=True)
    url, fields = FORMS[form]
    data = {fields[i % len(fields)]: value.encode("utf-8", "replace").decode() for i, value in enumerate(values)}
    before = snapshot()
    response = editor_client.post(url.format(claim=claim.pk), data)
    assert response.status_code < 500, (form, response.status_code)
    if response.status_code >= 400:
        assert snapshot() == before


# Forms that act on a claim in a given state, with the fields they read. A valid base is sent with
# the hostile values laid over it, so that the search reaches past the first required field.
STATE_FORMS = {
    "verdict": ("researching", "/desk/claims/{claim}/verdict/", ("conclusion", "analysis", "rating", "version"),
                {"conclusion": "It is false.", "analysis": "Because."}),
    "claim edit": ("researching", "/desk/claims/{claim}/edit/",
                   ("quote", "claim_checked", "speaker", "source_url", "date_said", "topics", "version"),
                   {"quote": "We built 300,000 homes.", "speaker": "Dana Whitfield"}),
    "submit": ("researching", "/desk/claims/{claim}/submit/", ("comment",), {}),
    "request changes": ("in_review", "/desk/claims/{claim}/request-changes/", ("comment",), {}),
    "correct": ("published", "/desk/claims/{claim}/correct/",
                ("correction-kind", "correction-note", "correction-quote", "correction-claim_checked",
                 "correction-rating", "correction-conclusion", "correction-analysis", "correction-evidence_url",
                 "correction-evidence_title", "correction-evidence_stance", "correction-evidence_passage"),
                {"correction-kind": "update", "correction-note": "Updated with the new figures."}),
    "retract": ("published", "/desk/claims/{claim}/retract/", ("comment",), {}),
    "new rating": (None, "/desk/ratings/", ("label", "value", "definition", "colour"),
                   {"label": "Unproven", "colour": "#555555"}),
    "rating edit": (None, "/desk/ratings/{rating}/", ("label", "value", "definition", "colour"),
                    {"label": "Unproven", "colour": "#555555"}),
    "inline speaker": (None, "/desk/speakers/add/", ("name", "role", "affiliation"), {"name": "Rob Kettering"}),
    "speaker merge": (None, "/desk/speakers/merge/", ("keep", "merge"), {}),
    "evidence edit": ("researching", "/desk/evidence/{evidence}/edit/",
                      ("url", "title", "publisher", "published_on", "passage", "stance", "note"),
                      {"url": "https://example.org/figures", "title": "Figures", "stance": "context"}),
    "note reply": ("researching", "/desk/notes/{note}/reply/", ("body",), {"body": "Agreed."}),
}


@pytest.mark.parametrize("form", list(STATE_FORMS))
@given(values=st.lists(HOSTILE, min_size=1, max_size=6))
def test_it_never_answers_a_workflow_or_settings_form_with_a_500(editor_client, form, values):
    state, url, fields, base = STATE_FORMS[form]
    from claims.models import Rating

    claim = factories.ClaimFactory(**{state or "researching": True})
    evidence = factories.EvidenceFactory(claim=claim)
    note = factories.AnnotationFactory(claim=claim)
    rating = Rating.objects.order_by("pk").first()
    data = dict(base)
    data.update({fields[i % len(fields)]: value.encode("utf-8", "replace").decode() for i, value in enumerate(values)})
    before = snapshot()
    response = editor_client.post(url.format(claim=claim.pk, evidence=evidence.pk, note=note.pk, rating=rating.pk),
                                  data)
    assert response.status_code < 500, (form, response.status_code)
    if response.status_code >= 400:
        assert snapshot() == before, form
