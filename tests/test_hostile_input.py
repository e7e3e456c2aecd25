"""Nothing anyone types breaks a page: each finding of the hostile walk-through, reproduced."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from claims.extraction import extract_claims, rank
from claims.extraction.numbers import MAX_FIGURE, find_numbers
from tests import factories
from tests.html import post_form

pytestmark = pytest.mark.django_db

HUGE = "9" * 400  # float() makes 309 or more digits infinite
LONG_QUOTE = f"We have spent {HUGE} pounds on 1 in {'7' * 500} schools, and {'1,' * 200}000 more."


@pytest.mark.parametrize("text", [
    HUGE, f"£{HUGE}bn", f"{HUGE}%", f"1 in {HUGE}", f"{'1,' * 400}000 people", f"{HUGE} million people",
    "1" + "0" * 20 + " votes",
])
def test_it_never_takes_a_run_of_digits_past_a_quadrillion_for_a_figure(text):
    numbers = find_numbers(text)
    assert all(abs(n["value"]) <= MAX_FIGURE for n in numbers)
    rank(text, [(1, text), (2, "We have spent 50 pounds")])  # no OverflowError


def test_it_still_reads_ordinary_figures_beside_a_huge_one():
    values = [n["value"] for n in find_numbers(f"{HUGE} and then 1,900 Iraqis")]
    assert 1900 in values


def test_it_serves_every_page_of_a_claim_with_a_huge_number(client, journalist_client):
    check = factories.ClaimFactory(published=True, quote=LONG_QUOTE)
    factories.EvidenceFactory(claim=check, numeric=True)
    factories.ClaimFactory(published=True, quote="We have spent 5,000 pounds on schools, and more.")
    cache.clear()
    assert client.get(check.get_absolute_url()).status_code == 200
    assert journalist_client.get(check.get_desk_url()).status_code == 200
    assert journalist_client.get("/desk/claims/similar/", {"quote": LONG_QUOTE}).status_code == 200
    assert journalist_client.post("/desk/intake/", {"article_text": f'Jo Bloggs said: "{LONG_QUOTE}"',
                                                    "action": "find"}).status_code == 200
    assert extract_claims(f'Jo Bloggs said: "{LONG_QUOTE}"')


# ---------------------------------------------------------------- control characters


@pytest.mark.parametrize("url", [
    "/?rating=%00", "/?speaker=%00", "/?topic=%00", "/?rating=true%00", "/search/?q=%00", "/search/?q=homes%00%01",
    "/search/?q=x&rating=%00&speaker=%1f", "/speakers/?page=%00", "/?page=1%00", "/?%00=x",
])
def test_it_drops_control_characters_from_public_parameters(client, url):
    factories.ClaimFactory(published=True, quote="Our town built 450 homes.")
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", [
    "/desk/speakers/?q=%00", "/desk/speakers/options/?q=%00", "/desk/speakers/options/?speaker=%00",
    "/desk/claims/?q=%00&status=%00&speaker=%00", "/desk/claims/similar/?quote=crossed%00the%00channel",
])
def test_it_drops_control_characters_from_desk_parameters(journalist_client, url):
    assert journalist_client.get(url).status_code == 200


def test_it_keeps_the_rest_of_a_parameter(client):
    factories.ClaimFactory(published=True, quote="Our town built 450 homes.", slug="homes-check")
    page = client.get("/search/?q=ho%00mes")
    assert page.status_code == 200
    assert "homes-check" in page.content.decode()


@pytest.mark.parametrize(("field", "value", "status"), [
    ("quote", "Crime fell\x00 by half.", 422),
    ("quote", "Crime fell\x01 by half.", 422),
    ("claim_checked", "Crime\tfell.", 422),  # a single-line field takes no tab
    ("quote", "Crime fell\r\nby half.\tReally.", 303),  # a multi-line field keeps them
])
def test_it_refuses_control_characters_next_to_the_field(journalist_client, field, value, status):
    from tests.html import parse
    from tests.test_workflow import snapshot

    speaker = factories.SpeakerFactory(name="Jo Bloggs")
    data = {"quote": "Crime fell by half.", "claim_checked": "", "speaker": speaker.name, field: value}
    before = snapshot()
    response = journalist_client.post("/desk/claims/new/", data)
    assert response.status_code == status
    if status == 422:
        assert snapshot() == before
        widget = parse(response).find(attrs={"name": field})
        assert widget["aria-invalid"] == "true"


@pytest.mark.parametrize(("comment", "status", "saved"), [
    ("Not\x00 checkable.", 303, "Not checkable."),
    ("\x00", 422, None),  # nothing is left of it: a reason is still needed
])
def test_it_saves_a_workflow_comment_without_its_control_characters(editor_client, comment, status, saved):
    from claims.models import Event

    claim = factories.ClaimFactory()
    response = editor_client.post(f"/desk/claims/{claim.pk}/dismiss/", {"comment": comment})
    assert response.status_code == status
    event = Event.objects.filter(claim=claim, action="dismissed").first()
    assert (event.comment if event else None) == saved


def test_it_logs_intake_text_without_its_control_characters(journalist_client):
    text = 'Jo Bloggs said: "Crime fell by 20% in the last year."\x00\x01'
    response = journalist_client.post("/desk/intake/", {"action": "log", "text": text, "pick": "0",
                                                        "source_title": "Pasted\x00"})
    assert response.status_code == 303


# ---------------------------------------------------------------- atomic limits


@pytest.mark.django_db(transaction=True)
def test_it_accepts_exactly_the_hourly_limit_of_simultaneous_suggestions(settings):
    from django.test import Client

    from claims.models import Tip
    from tests.test_concurrency import run_together

    settings.SUGGESTIONS_PER_HOUR = 5
    cache.clear()

    def suggest(n: int):
        return lambda: post_form(Client(), "/suggest/", {"text": f"The mayor said crime fell by {n}0%."}).status_code

    results = run_together([suggest(n) for n in range(12)])
    statuses = sorted(value for kind, value in results if kind == "ok")
    assert len(statuses) == 12, results
    assert (statuses.count(200), statuses.count(429)) == (5, 7)
    assert Tip.objects.count() == 5


def test_it_does_not_count_invalid_suggestions(client, settings):
    from claims.models import Tip

    settings.SUGGESTIONS_PER_HOUR = 2
    cache.clear()
    for _ in range(3):
        assert post_form(client, "/suggest/", {"text": ""}).status_code == 422
    assert [post_form(client, "/suggest/", {"text": f"Claim {n}"}).status_code for n in range(3)] == [200, 200, 429]
    assert Tip.objects.count() == 2


# ---------------------------------------------------------------- headers and sizes


@pytest.mark.parametrize("url", ["/", "/suggest/", "/accounts/login/", "/desk/", "/robots.txt", "/no-such-page/"])
def test_it_sends_a_permissions_policy_on_every_response(client, url):
    assert "camera=()" in client.get(url)["Permissions-Policy"]


@pytest.mark.parametrize("url", ["/desk/", "/desk/claims/", "/accounts/login/", "/admin/login/"])
def test_it_keeps_desk_sign_in_and_admin_pages_out_of_every_cache(journalist_client, url):
    assert journalist_client.get(url)["Cache-Control"] == "private, no-store"


def test_it_refuses_a_multipart_suggestion(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from claims.models import Tip

    response = client.post("/suggest/", {"text": "A claim", "file": SimpleUploadedFile("a.txt", b"x" * 10)})
    assert response.status_code == 415
    assert Tip.objects.count() == 0


def test_it_refuses_a_suggestion_body_over_64_kb(client):
    from claims.models import Tip

    response = post_form(client, "/suggest/", {"text": "x" * 70_000})
    assert response.status_code == 413
    assert "too long" in response.content.decode()
    assert Tip.objects.count() == 0


def test_it_trusts_no_forwarded_proto_unless_behind_a_proxy():
    import os
    import subprocess
    import sys

    code = "from django.conf import settings; print(settings.SECURE_PROXY_SSL_HEADER)"
    env = {**os.environ, "FACTCHECK_ENV": "production", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "example.org"}
    env.pop("BEHIND_PROXY", None)
    run = subprocess.run([sys.executable, "-c", f"import django; django.setup(); {code}"], env={
        **env, "DJANGO_SETTINGS_MODULE": "factcheck.settings"}, capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "None"
    run = subprocess.run([sys.executable, "-c", f"import django; django.setup(); {code}"], env={
        **env, "DJANGO_SETTINGS_MODULE": "factcheck.settings", "BEHIND_PROXY": "true"}, capture_output=True,
        text=True, check=True)
    assert "HTTP_X_FORWARDED_PROTO" in run.stdout


# ---------------------------------------------------------------- race-free writes


def _clients(user, n: int = 8):
    from django.test import Client

    clients = []
    for _ in range(n):
        client = Client()
        client.force_login(user)
        clients.append(client)
    return clients


def _post_together(clients, url: str, data: dict) -> list[int]:
    from tests.test_concurrency import run_together

    results = run_together([lambda c=c: c.post(url, data).status_code for c in clients])
    assert all(kind == "ok" for kind, _ in results), results
    return [status for _, status in results]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("form", ["claim", "speaker", "speaker-inline", "source", "topic", "evidence", "note"])
def test_it_makes_one_object_of_eight_identical_simultaneous_posts(journalist, form):
    from claims.idempotency import new_token
    from claims.models import Annotation, Claim, Evidence, Source, Speaker, Topic

    speaker = factories.SpeakerFactory(name="Jo Bloggs")
    claim = factories.ClaimFactory(researching=True, speaker=speaker, quote="Crime fell by a third last year.")
    token = new_token()
    url, data, model, where = {
        "claim": ("/desk/claims/new/", {"quote": "Council tax rose by 5% this April.", "speaker": "Jo Bloggs"},
                  Claim, {"quote": "Council tax rose by 5% this April."}),
        "speaker": ("/desk/speakers/new/", {"name": "Robin Example", "kind": "person"}, Speaker,
                    {"name": "Robin Example"}),
        "speaker-inline": ("/desk/speakers/add/", {"speaker-name": "Robin Inline", "speaker-kind": "person"},
                           Speaker, {"name": "Robin Inline"}),
        "source": ("/desk/sources/new/", {"title": "Speech in Dover", "kind": "speech"}, Source,
                   {"title": "Speech in Dover"}),
        "topic": ("/desk/topics/new/", {"name": "Transport"}, Topic, {"name": "Transport"}),
        "evidence": (f"/desk/claims/{claim.pk}/evidence/", {"url": "https://stats.example.org/t", "title": "Table",
                                                             "stance": "context"}, Evidence, {"title": "Table"}),
        "note": (f"/desk/claims/{claim.pk}/notes/", {"body": "Which year?"}, Annotation, {"body": "Which year?"}),
    }[form]
    statuses = _post_together(_clients(journalist), url, {**data, "form_token": token})
    assert 500 not in statuses and all(status < 400 for status in statuses), statuses
    assert model.objects.filter(**where).count() == 1


@pytest.mark.django_db(transaction=True)
def test_it_gives_speakers_of_one_name_saved_at_once_their_own_slugs(journalist):
    from claims.idempotency import new_token
    from claims.models import Speaker

    clients = _clients(journalist)
    from tests.test_concurrency import run_together

    results = run_together([lambda c=c: c.post("/desk/speakers/new/", {
        "name": "Sam Same", "kind": "person", "form_token": new_token()}).status_code for c in clients])
    assert [status for _, status in results] == [303] * 8
    slugs = set(Speaker.objects.filter(name="Sam Same").values_list("slug", flat=True))
    assert len(slugs) == 8  # eight people may share a name until an editor merges them


@pytest.mark.django_db(transaction=True)
def test_it_answers_a_topic_saved_twice_at_once_without_a_500(journalist):
    from claims.idempotency import new_token
    from claims.models import Topic
    from tests.test_concurrency import run_together

    clients = _clients(journalist)
    results = run_together([lambda c=c: c.post("/desk/topics/new/", {
        "name": "Housing", "form_token": new_token()}).status_code for c in clients])
    statuses = [status for _, status in results]
    assert 500 not in statuses and statuses.count(303) >= 1 and set(statuses) <= {303, 422}, statuses
    assert Topic.objects.filter(name="Housing").count() == 1


# ---------------------------------------------------------------- faults survived


class _Unreachable:
    """A cache backend whose server is gone: every call raises, as Redis's client does."""

    def __getattr__(self, name):
        def fail(*args, **kwargs):
            raise ConnectionError("Error 111 connecting to 127.0.0.1:6390. Connection refused.")

        return fail


def test_it_renders_public_pages_uncached_when_the_cache_is_gone(client, caplog, monkeypatch):
    from claims import public_cache

    check = factories.ClaimFactory(published=True)
    monkeypatch.setattr(public_cache, "cache", _Unreachable())
    monkeypatch.setattr(public_cache, "_unreachable", False)
    with caplog.at_level("WARNING", logger="factcheck.cache"):
        for url in ("/", check.get_absolute_url(), "/speakers/"):
            assert client.get(url).status_code == 200
    warnings = [r for r in caplog.records if r.name == "factcheck.cache"]
    assert len(warnings) == 1 and "cannot be reached" in warnings[0].getMessage()


def test_it_saves_a_desk_write_when_the_cache_is_gone_and_makes_the_pages_stale_when_it_returns(
        editor_client, monkeypatch, django_capture_on_commit_callbacks):
    from claims import public_cache
    from claims.models import Correction

    check = factories.ClaimFactory(published=True)
    working = public_cache.cache
    before = public_cache.generation()
    monkeypatch.setattr(public_cache, "cache", _Unreachable())
    monkeypatch.setattr(public_cache, "_unreachable", False)
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(f"/desk/claims/{check.pk}/correct/", {
            "correction-kind": "update", "correction-note": "Added the 2025 figure.",
            "correction-conclusion": "Still fewer than claimed."})
    assert response.status_code == 303
    assert Correction.objects.filter(claim=check).exists()
    assert public_cache._bump_owed is True
    monkeypatch.setattr(public_cache, "cache", working)  # the cache answers again
    editor_client.get("/")
    assert public_cache._bump_owed is False and public_cache.generation() > before


def test_it_answers_503_with_a_clear_page_when_the_database_is_gone(client, monkeypatch):
    from django.db import OperationalError

    from claims.views import public

    def lost(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(public, "_listing", lost)
    client.raise_request_exception = False
    cache.clear()
    response = client.get("/?fresh=1")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "cannot reach its database" in response.content.decode()
    assert "Traceback" not in response.content.decode()


# --- bodies larger than the desk takes ---------------------------------------------------------------


def test_it_answers_an_intake_paste_over_1_mb_with_a_page_that_says_so(journalist_client):
    from claims.models import Claim

    before = Claim.objects.count()
    response = journalist_client.post("/desk/intake/", {"article_text": "word " * 240_000, "action": "find"})
    assert response.status_code == 413
    text = response.content.decode()
    assert "Too large to send" in text and "Nothing was saved" in text and "give its address" in text
    assert Claim.objects.count() == before


def test_it_answers_any_desk_form_over_1_mb_with_413(journalist_client):
    from claims.models import Speaker

    response = journalist_client.post("/desk/speakers/new/", {"name": "A" * 1_100_000})
    assert response.status_code == 413
    assert Speaker.objects.count() == 0


def test_it_refuses_an_article_over_the_intake_limit_next_to_the_field(journalist_client):
    from claims.forms import ARTICLE_MAX_CHARS
    from tests.html import parse

    response = journalist_client.post("/desk/intake/", {"article_text": "x" * (ARTICLE_MAX_CHARS + 1),
                                                        "action": "find"})
    assert response.status_code == 422
    field = parse(response).find("textarea", attrs={"name": "article_text"})
    error = parse(response).find(id=field["aria-describedby"].split()[0])
    assert "longer than the desk reads at once" in response.content.decode()
    assert error is not None


def test_it_refuses_a_fetched_page_longer_than_the_intake_limit(journalist_client, monkeypatch):
    from claims import fetch
    from claims.forms import ARTICLE_MAX_CHARS

    page = fetch.FetchedPage(url="https://example.org/a", final_url="https://example.org/a", content_type="text/plain",
                             text="y" * (ARTICLE_MAX_CHARS + 10))
    monkeypatch.setattr(fetch, "fetch", lambda url: page)
    response = journalist_client.post("/desk/intake/", {"article_url": "https://example.org/a", "action": "find"})
    assert response.status_code == 422
    assert "paste the article&#x27;s text instead" in response.content.decode()


def test_the_intake_forms_send_text_as_utf_8_multipart(journalist_client):
    from tests.html import parse

    response = journalist_client.post("/desk/intake/", {"article_text": 'Dana Whitfield said: "More than 48,000 '
                                                                        'people crossed the Channel last year."',
                                                        "action": "find"})
    forms = parse(response).find_all("form", attrs={"action": "/desk/intake/"})
    assert len(forms) == 2
    assert all(form.get("enctype") == "multipart/form-data" for form in forms)


def test_the_desk_has_a_place_to_say_a_request_failed(journalist_client):
    from tests.html import parse

    box = parse(journalist_client.get("/desk/")).find(id="request-error")
    assert box is not None and box.get("role") == "alert" and box.has_attr("hidden")
