"""The demo newsroom (`manage.py load_demo`): who it creates, what state it leaves the desk in, and
that a second run changes nothing."""

from __future__ import annotations

import stat
from collections import Counter
from io import StringIO

import pytest
from axes.utils import reset
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from claims.models import Claim, Event, Evidence, Speaker, Status, Verdict, display_name
from claims.setup import EDITORS, JOURNALISTS
from tests.html import parse

pytestmark = pytest.mark.django_db

DEMO_PASSWORD = "demo-password-for-tests-9731"
DEMO_USERS = {
    # username: (display name, groups)
    "journalist": ("Amira Khan", {JOURNALISTS}),
    "editor": ("Tom Hughes", {EDITORS}),
    "editor2": ("Grace Okafor", {EDITORS}),
}


@pytest.fixture(autouse=True)
def _clean_axes(db):
    reset()
    yield
    reset()


@pytest.fixture
def demo_password(monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", DEMO_PASSWORD)
    return DEMO_PASSWORD


def _load_demo() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def _signs_in(username: str, password: str) -> bool:
    client = Client()
    response = client.post("/accounts/login/", {"username": username, "password": password})
    return response.status_code == 302 and "_auth_user_id" in client.session


def _snapshot() -> dict:
    """Row counts of every model, plus the fields a re-run could quietly change."""
    counts = {model._meta.label: model.objects.count() for model in apps.get_models()}
    users = dict(get_user_model().objects.values_list("username", "password"))
    claims = list(Claim.objects.order_by("pk").values_list("pk", "status", "version", "updated_at"))
    return {"counts": counts, "events": Event.objects.count(), "users": users, "claims": claims}


def test_it_creates_the_demo_desk_people(demo_password):
    _load_demo()
    User = get_user_model()
    for username, (name, groups) in DEMO_USERS.items():
        user = User.objects.get(username=username)
        assert display_name(user) == name
        assert set(user.groups.values_list("name", flat=True)) == groups
        assert user.is_active and not user.is_superuser
        assert _signs_in(username, demo_password)
    assert not _signs_in("journalist", "not the demo password")


def test_it_opens_the_desk_to_the_demo_people(demo_password):
    _load_demo()
    for username in DEMO_USERS:
        client = Client()
        client.post("/accounts/login/", {"username": username, "password": demo_password})
        response = client.get("/desk/")
        assert response.status_code == 200, username
        assert parse(response).h1.get_text(strip=True) == "Desk"


def test_it_spreads_the_demo_claims_over_the_workflow(demo_password):
    _load_demo()
    claims = list(Claim.objects.all())
    assert len(claims) >= 8
    statuses = Counter(claim.status for claim in claims)
    for status in (Status.LOGGED, Status.RESEARCHING, Status.IN_REVIEW, Status.PUBLISHED):
        assert statuses[status] >= 1, statuses

    researching = Claim.objects.filter(status=Status.RESEARCHING)
    assert researching.filter(evidence__isnull=False).exists()
    assert all(claim.assignee_id for claim in researching)
    for status in (Status.IN_REVIEW, Status.PUBLISHED):
        for claim in Claim.objects.filter(status=status):
            verdict = Verdict.objects.get(claim=claim)
            assert verdict.rating_id and verdict.conclusion and verdict.analysis, claim
    for claim in Claim.objects.filter(status=Status.PUBLISHED):
        assert claim.published_at is not None


def test_it_names_the_speakers_of_the_story(demo_password):
    _load_demo()
    names = set(Speaker.objects.values_list("name", flat=True))
    assert {"Chris Philp", "Dan Jarvis", "Home Office"} <= names
    for name in ("Chris Philp", "Dan Jarvis", "Home Office"):
        assert Claim.objects.filter(speaker__name=name).exists(), name


def test_it_carries_the_home_office_figures_in_evidence(demo_password):
    _load_demo()
    assert Evidence.objects.filter(figure_value=1900).exists()
    assert Evidence.objects.filter(passage__contains="1,900").filter(passage__contains="2,600").exists()


def test_it_labels_published_demo_verdicts_as_demo_content(client, demo_password):
    _load_demo()
    published = list(Claim.objects.filter(status=Status.PUBLISHED))
    assert published
    for claim in published:
        response = client.get(f"/claims/{claim.slug}/")
        assert response.status_code == 200
        analysis = parse(response).select_one(".analysis")
        assert analysis is not None, claim.slug
        assert "Demo content" in analysis.get_text(" ", strip=True), claim.slug


def test_it_records_history_for_every_demo_claim(demo_password):
    _load_demo()
    claims = list(Claim.objects.all())
    assert claims
    for claim in claims:
        assert Event.objects.filter(claim=claim).exists(), claim.quote
    # Claims that moved on have their transitions in the trail, not just their creation.
    for claim in Claim.objects.filter(status=Status.PUBLISHED):
        assert Event.objects.filter(claim=claim).count() >= 3, claim.quote


def test_it_changes_nothing_when_run_twice(demo_password):
    first_output = _load_demo()
    before = _snapshot()
    second_output = _load_demo()
    after = _snapshot()
    assert after == before
    assert first_output != second_output  # says what it did: created, then already present
    assert _signs_in("editor", demo_password)


def test_it_generates_a_private_password_file_once_and_reuses_it(monkeypatch, settings, tmp_path):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    settings.VAR_DIR = tmp_path / "var"
    path = settings.VAR_DIR / "demo_password"

    _load_demo()
    assert path.exists()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    password = path.read_text().strip()
    assert len(password) >= 12
    assert _signs_in("journalist", password)

    _load_demo()
    assert path.read_text().strip() == password
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in settings.VAR_DIR.iterdir()] == ["demo_password"]
    assert _signs_in("editor2", password)


def test_it_uses_a_fresh_generated_password_per_installation(monkeypatch, settings, tmp_path):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    settings.VAR_DIR = tmp_path / "one"
    _load_demo()
    first = (tmp_path / "one" / "demo_password").read_text().strip()
    settings.VAR_DIR = tmp_path / "two"
    _load_demo()
    second = (tmp_path / "two" / "demo_password").read_text().strip()
    assert first != second  # never a built-in default
    assert _signs_in("journalist", second)
