"""Secure by default (DESIGN §1 refusals, §7 qualities): deploy checks, headers, cookies, CSRF for
htmx, sign-in and its throttling, sanitised Markdown and escaped user text."""

from __future__ import annotations

import json
import os
import re
import secrets
import string
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from axes.utils import reset
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from claims.markdown import render_markdown
from claims.setup import EDITORS
from tests import factories
from tests.html import button, field_by_label, parse

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
PASSWORD = "correct horse battery staple"  # the factories' password


# --- Production settings ---------------------------------------------------------------------


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    """Run manage.py in a clean environment: only what the test sets, plus what a shell needs."""
    base = {name: os.environ[name] for name in ("PATH", "HOME", "LANG", "TMPDIR") if name in os.environ}
    python = str(PYTHON) if PYTHON.exists() else sys.executable
    return subprocess.run(
        [python, "manage.py", *args], cwd=ROOT, env={**base, **env},
        capture_output=True, text=True, timeout=120,
    )


def _random_secret_key() -> str:
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    return "".join(secrets.choice(alphabet) for _ in range(60))


def test_it_passes_the_deploy_check_with_production_settings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING",
                     FACTCHECK_ENV="production", SECRET_KEY=_random_secret_key(),
                     ALLOWED_HOSTS="factcheck.example.org")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNINGS" not in output and "(security." not in output, output
    assert "System check identified no issues" in result.stdout


def test_it_refuses_to_start_in_production_without_a_secret_key():
    result = _manage("check", FACTCHECK_ENV="production", ALLOWED_HOSTS="factcheck.example.org")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_it_refuses_a_debug_value_that_is_neither_true_nor_false():
    result = _manage("check", FACTCHECK_ENV="production", SECRET_KEY=_random_secret_key(),
                     ALLOWED_HOSTS="factcheck.example.org", DEBUG="maybe")
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert "DEBUG" in last_line and "maybe" in last_line, result.stderr


@pytest.mark.parametrize("setting, value, says", [
    ("FETCH_ALLOW_NETWORKS", "127.0.0.0/8,intranet", "'intranet' is not a network"),
    ("LINK_CHECK_CRON", "daily", "five fields"),
    ("ARCHIVE_STORAGE", "s3", "ARCHIVE_S3_BUCKET"),
    ("ARCHIVE_STORAGE", "ftp", "ARCHIVE_STORAGE must be one of filesystem, s3"),
])
def test_it_refuses_to_start_with_a_bad_fetch_or_archive_setting(setting, value, says):
    result = _manage("check", FACTCHECK_ENV="development", **{setting: value})
    assert result.returncode != 0
    assert says in result.stderr.strip().splitlines()[-1], result.stderr


def test_the_deploy_check_warns_when_the_fetcher_may_reach_private_networks():
    result = _manage("check", "--deploy", FACTCHECK_ENV="production", SECRET_KEY=_random_secret_key(),
                     ALLOWED_HOSTS="factcheck.example.org", FETCH_ALLOW_NETWORKS="10.0.0.0/8")
    assert "FETCH_ALLOW_NETWORKS" in result.stdout + result.stderr


# --- Headers ------------------------------------------------------------------------------------


def _csp(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy")
    assert header, "no Content-Security-Policy header"
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


def _assert_security_headers(response) -> None:
    assert response.status_code == 200
    csp = _csp(response)
    assert csp["default-src"] == ["'self'"]
    script_src = csp.get("script-src", csp["default-src"])
    assert "'unsafe-inline'" not in script_src
    assert "'unsafe-eval'" not in script_src
    assert "*" not in script_src
    assert csp["frame-ancestors"] == ["'none'"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers.get("Referrer-Policy")


def test_it_sends_security_headers_on_a_public_page(client):
    claim = factories.ClaimFactory(published=True)
    _assert_security_headers(client.get("/"))
    _assert_security_headers(client.get(f"/claims/{claim.slug}/"))


def test_it_sends_security_headers_on_a_desk_page(journalist_client):
    _assert_security_headers(journalist_client.get("/desk/"))


# --- Public pages stay cacheable; desk pages carry CSRF for htmx ----------------------------------


@pytest.fixture
def published_claim(db):
    return factories.ClaimFactory(published=True)


@pytest.mark.parametrize("which", ["home", "claim", "speaker"])
def test_it_sets_no_cookie_and_no_token_on_public_pages(client, published_claim, which):
    url = {
        "home": "/",
        "claim": f"/claims/{published_claim.slug}/",
        "speaker": f"/speakers/{published_claim.speaker.slug}/",
    }[which]
    response = client.get(url)
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert not response.cookies
    soup = parse(response)
    assert soup.find(attrs={"name": "csrfmiddlewaretoken"}) is None
    assert soup.find(attrs={"data-hx-headers": True}) is None
    assert soup.find(attrs={"hx-headers": True}) is None


def _body_csrf_token(response) -> str:
    body = parse(response).body
    assert body is not None and body.has_attr("data-hx-headers"), "no data-hx-headers on <body>"
    headers = json.loads(body["data-hx-headers"])
    token = headers.get("X-CSRFToken")
    assert token and token.isalnum() and len(token) >= 32, headers
    return token


def test_it_puts_the_csrf_token_in_hx_headers_on_the_desk_body(journalist):
    client = Client(enforce_csrf_checks=True)
    client.force_login(journalist)
    token = _body_csrf_token(client.get("/desk/"))

    # The token in hx-headers is the one the server accepts: an htmx POST carrying it gets through,
    # the same POST without it is refused.
    assert client.post("/accounts/logout/", headers={"HX-Request": "true"}).status_code == 403
    response = client.post("/accounts/logout/", headers={"HX-Request": "true", "X-CSRFToken": token})
    assert response.status_code == 302
    assert client.get("/desk/").status_code == 302  # signed out


def test_it_loads_htmx_from_our_own_static_files(journalist_client):
    soup = parse(journalist_client.get("/desk/"))
    scripts = soup.find_all("script")
    sources = [script.get("src") for script in scripts]
    assert all(sources), "inline <script> on a desk page"
    for src in sources:
        parts = urlsplit(src)
        assert not parts.scheme and not parts.netloc, src
        assert parts.path.startswith("/static/"), src
    assert any("htmx" in Path(urlsplit(src).path).name for src in sources), sources


def _htmx_config(response) -> dict:
    meta = parse(response).find("meta", attrs={"name": "htmx-config"})
    assert meta is not None, "no <meta name=htmx-config>"
    return json.loads(meta["content"])


def _handling_for(config: dict, status: int) -> dict:
    """The entry htmx 2 uses for a status: the first whose code (a regular expression) matches."""
    for entry in config["responseHandling"]:
        if re.search(entry["code"], str(status)):
            return entry
    return {"swap": False}


def test_it_configures_htmx_safely_on_desk_pages(journalist_client):
    config = _htmx_config(journalist_client.get("/desk/"))
    assert config["allowEval"] is False
    assert config["includeIndicatorStyles"] is False
    assert config["selfRequestsOnly"] is True
    assert config["historyCacheSize"] == 0
    assert config.get("allowScriptTags") is False
    for status in (422, 409):
        entry = _handling_for(config, status)
        assert entry.get("swap") is True, (status, entry)
        assert not entry.get("error"), (status, entry)
    assert _handling_for(config, 500).get("swap") is False
    assert _handling_for(config, 403).get("swap") is False


# --- Refusals -----------------------------------------------------------------------------------


def test_it_sends_anonymous_readers_from_the_desk_to_sign_in(client):
    response = client.get("/desk/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/desk/"


def test_it_answers_an_anonymous_htmx_request_with_hx_redirect(client):
    response = client.get("/desk/", headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == "/accounts/login/?next=/desk/"
    assert response.status_code != 302, "htmx would follow a 302 and swap the sign-in page in"


def test_it_forbids_the_desk_to_a_signed_in_outsider(outsider_client):
    assert outsider_client.get("/desk/").status_code == 403


@pytest.mark.parametrize("persona", ["journalist", "editor", "superuser"])
def test_it_opens_the_desk_to_its_members(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    response = client.get("/desk/")
    assert response.status_code == 200
    assert parse(response).h1.get_text(strip=True) == "Desk"


def _sign_in(client: Client, username: str, password: str, **extra):
    return client.post("/accounts/login/", {"username": username, "password": password}, **extra)


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def axes_reset(db):
    reset()
    yield
    reset()


def test_it_refuses_sign_in_to_an_inactive_editor(client, axes_reset):
    factories.UserFactory(username="gone", groups=[Group.objects.get(name=EDITORS)], is_active=False)
    response = _sign_in(client, "gone", PASSWORD)
    assert response.status_code == 200
    assert parse(response).find(attrs={"role": "alert"}) is not None
    assert not _signed_in(client)
    assert client.get("/desk/").status_code == 302


# --- Sign-in and throttling -----------------------------------------------------------------------


def test_it_signs_in_through_the_labelled_form(client, journalist, axes_reset):
    soup = parse(client.get("/desk/", follow=True))
    form = button(soup, "Sign in").find_parent("form")
    data = {tag["name"]: tag.get("value", "") for tag in form.find_all("input") if tag.get("name")}
    data[field_by_label(soup, "Username")["name"]] = "journalist"
    data[field_by_label(soup, "Password")["name"]] = PASSWORD
    response = client.post(form["action"], data, follow=True)
    assert response.redirect_chain[-1][0] == "/desk/"
    assert response.status_code == 200
    assert parse(response).h1.get_text(strip=True) == "Desk"


def test_it_locks_out_one_username_from_one_address_after_five_failures(client, journalist, editor, axes_reset):
    address = {"REMOTE_ADDR": "203.0.113.7"}
    for _ in range(5):
        response = _sign_in(client, "journalist", "wrong password", **address)
        assert not _signed_in(client)

    response = _sign_in(client, "journalist", PASSWORD, **address)
    assert not _signed_in(client)
    assert response.status_code in (403, 429)
    assert parse(response).h1.get_text(strip=True) == "Too many attempts"

    # Someone else signing in from the same address is not affected.
    response = _sign_in(client, "editor", PASSWORD, **address)
    assert response.status_code == 302
    assert response["Location"] == "/desk/"
    assert _signed_in(client)


def test_it_counts_failures_before_the_limit_without_locking_out(client, journalist, axes_reset):
    for _ in range(4):
        _sign_in(client, "journalist", "wrong password")
    response = _sign_in(client, "journalist", PASSWORD)
    assert response.status_code == 302
    assert _signed_in(client)


# --- Sanitised Markdown ---------------------------------------------------------------------------

HOSTILE_ANALYSIS = "\n\n".join([
    "**Bold survives** and [a safe link](https://stats.example.org/table \"Table\").",
    "<script>alert('script')</script>",
    "<style>body { display: none }</style>",
    '<p style="color: red" onclick="alert(1)">inline</p>',
    '<img src="x" onerror="alert(2)">',
    '<div hx-get="/desk/" hx-trigger="load" data-hx-post="/desk/">htmx</div>',
    '<a href="javascript:alert(3)" onmouseover="alert(4)">raw link</a>',
    "[js link](javascript:alert(5))",
    "[mixed case](JaVaScRiPt:alert(6))",
    "[entity](&#106;avascript:alert(7))",
    "[spaced](  javascript:alert(8))",
    "[data link](data:text/html;base64,PHNjcmlwdD5hbGVydCg5KTwvc2NyaXB0Pg==)",
    "[vb](vbscript:msgbox(10))",
    "<javascript:alert(11)>",
    '![image](https://stats.example.org/x.png "t" onerror="alert(12)")',
    '<iframe src="https://evil.example.org/"></iframe>',
    "<svg onload=alert(13)></svg>",
])


def _scheme(href: str) -> str:
    cleaned = re.sub(r"[\x00-\x20]", "", href).lower()
    return cleaned.split(":", 1)[0] if ":" in cleaned.split("/", 1)[0] else ""


def _assert_clean(root) -> None:
    """Inspect every element under root: no script/style, no handlers, no htmx, no dangerous URLs."""
    for tag in [root, *root.find_all(True)]:
        assert tag.name not in {"script", "style", "iframe", "object", "embed", "svg", "img"}, str(tag)
        for name, value in tag.attrs.items():
            lowered = name.lower()
            assert lowered != "style", str(tag)
            assert not lowered.startswith("on"), str(tag)
            assert not lowered.startswith(("hx-", "data-hx-")), str(tag)
            if lowered in {"href", "src", "action", "formaction", "xlink:href"}:
                assert _scheme(value) not in {"javascript", "data", "vbscript"}, str(tag)


def test_it_sanitises_hostile_markdown():
    soup = parse(str(render_markdown(HOSTILE_ANALYSIS)))
    _assert_clean(soup)
    # Markdown still works: the test would pass vacuously if everything were stripped.
    assert soup.find("strong").get_text() == "Bold survives"
    link = soup.find("a", string="a safe link")
    assert link["href"] == "https://stats.example.org/table"
    assert "noopener" in link["rel"]


@pytest.mark.parametrize("payload", [
    '<a href="javascript:alert(1)">x</a>',
    '<p onclick="alert(1)">x</p>',
    '<span style="position:fixed">x</span>',
    '<div hx-post="/desk/">x</div>',
    '<div data-hx-post="/desk/" data-hx-trigger="load">x</div>',
])
def test_it_shows_raw_html_in_markdown_as_text(payload):
    soup = parse(str(render_markdown(payload)))
    _assert_clean(soup)
    assert soup.get_text().strip() == payload


def test_it_sanitises_the_analysis_on_the_public_page(client):
    claim = factories.ClaimFactory(published=True, with_verdict=False)
    factories.VerdictFactory(claim=claim, analysis=HOSTILE_ANALYSIS, published_at=claim.published_at)
    response = client.get(f"/claims/{claim.slug}/")
    assert response.status_code == 200
    soup = parse(response)
    analysis = soup.select_one(".analysis")
    assert analysis is not None
    assert analysis.find("strong").get_text() == "Bold survives"
    _assert_clean(analysis)
    # And nothing hostile anywhere else on the page (JSON-LD is data, never run).
    assert all(script.get("src") or script.get("type") == "application/ld+json" for script in soup.find_all("script"))
    assert soup.find("style") is None
    for tag in soup.find_all(True):
        assert not any(name.lower().startswith(("on", "hx-", "data-hx-")) or name.lower() == "style"
                       for name in tag.attrs), str(tag)
        if tag.has_attr("href"):
            assert _scheme(tag["href"]) not in {"javascript", "data", "vbscript"}, str(tag)


def test_it_sanitises_the_analysis_in_the_desk_previews(journalist_client):
    claim = factories.ClaimFactory(in_review=True, with_verdict=False)
    factories.VerdictFactory(claim=claim, analysis=HOSTILE_ANALYSIS)

    # "Preview public page": the reader's page, shown to the desk before publication.
    response = journalist_client.get(reverse("desk:claim_preview", args=[claim.pk]))
    assert response.status_code == 200
    analysis = parse(response).select_one(".analysis")
    assert analysis.find("strong").get_text() == "Bold survives"
    _assert_clean(analysis)

    # The verdict editor's live Markdown preview (an htmx POST of what is being typed).
    response = journalist_client.post(reverse("desk:verdict_preview", args=[claim.pk]),
                                      {"analysis": HOSTILE_ANALYSIS}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    preview = parse(response).find(attrs={"data-testid": "analysis-preview"})
    assert preview is not None
    assert preview.find("strong").get_text() == "Bold survives"
    _assert_clean(preview)


# --- Escaped user text ----------------------------------------------------------------------------

HOSTILE_QUOTE = '<script>alert("q")</script><b id="injected" onclick="x()">Bold</b> & more'


def _assert_no_injection(soup) -> None:
    assert soup.find(id="injected") is None
    for script in soup.find_all("script"):
        if script.get("type") == "application/ld+json":
            json.loads(script.string)  # data, never run: it must still be whole
        else:
            assert script.get("src")


def test_it_escapes_html_in_a_quote_on_the_public_pages(client):
    claim = factories.ClaimFactory(published=True, quote=HOSTILE_QUOTE)
    soup = parse(client.get(f"/claims/{claim.slug}/"))
    _assert_no_injection(soup)
    quote = soup.find(attrs={"data-testid": "quote"})
    assert quote.find("b") is None
    assert quote.get_text(strip=True) == f"“{HOSTILE_QUOTE}”"

    home = parse(client.get("/"))
    _assert_no_injection(home)
    assert HOSTILE_QUOTE in home.select_one("article.claim-card h2 a").get_text()


def test_it_escapes_html_in_a_quote_on_the_desk(journalist_client):
    claim = factories.ClaimFactory(quote=HOSTILE_QUOTE)
    soup = parse(journalist_client.get(reverse("desk:claim", args=[claim.pk])))
    _assert_no_injection(soup)
    quote = soup.find(attrs={"data-testid": "quote"})
    assert quote.find("b") is None
    assert quote.get_text() == HOSTILE_QUOTE
    assert field_by_label(soup, "Quote").get_text().strip() == HOSTILE_QUOTE  # the edit form, as typed

    listing = parse(journalist_client.get(reverse("desk:claims")))
    _assert_no_injection(listing)
    table = listing.find(attrs={"data-testid": "claims-table"})
    links = table.find_all("a", href=reverse("desk:claim", args=[claim.pk]))
    assert [link.get_text() for link in links] == [HOSTILE_QUOTE]

