"""Every public and desk page is valid HTML: the W3C Nu Html Checker (``vnu-jar`` from the npm
registry, run on Java) finds no error. Skipped, with the reason, where Java or the checker is missing."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.cache import cache

from claims import services
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.html]

ROOT = Path(__file__).resolve().parent.parent


def checker() -> Path | None:
    """The checker's jar: VNU_JAR, or node_modules/vnu-jar in the checkout (``make test`` installs it)."""
    for candidate in (os.environ.get("VNU_JAR"), ROOT / "node_modules/vnu-jar/build/dist/vnu.jar"):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    return None


@pytest.fixture
def pages(client, journalist, editor):
    """The public and desk pages, as rendered for a reader and for an editor."""
    cache.clear()
    speaker = factories.SpeakerFactory(name="Chris Example", slug="chris-example")
    topic = factories.TopicFactory(name="Migration", slug="migration")
    check = factories.ClaimFactory(published=True, speaker=speaker, slug="the-check")
    check.topics.add(topic)
    from django.utils import timezone

    from claims.models import ArchivedCopy

    archived = ArchivedCopy.objects.create(
        url="https://stats.example.org/table", state="archived", fetched_at=timezone.now(), status_code=200,
        final_url="https://stats.example.org/table-2025", content_type="text/html", sha256="a" * 64,
        title="Completions <2025>", text="Completions in the year: 1,900, down from 2,600.\nSecond paragraph.")
    cited = factories.EvidenceFactory(claim=check, numeric=True, archive=archived, passage_check="found",
                                      figure_check="found")
    factories.CorrectionFactory(claim=check, created_by=editor)
    factories.ReplyAttemptFactory(claim=check)
    desk = factories.ClaimFactory(researching=True, assignee=journalist, speaker=speaker)
    factories.EvidenceFactory(claim=desk, archive=ArchivedCopy.objects.create(
        url="https://stats.example.org/gone", state="failed", error="The site answered with an error: 404."))
    factories.EvidenceFactory(claim=desk, archive=ArchivedCopy.objects.create(url="https://stats.example.org/x"))
    factories.AnnotationFactory(claim=desk, author=journalist)
    review = factories.ClaimFactory(in_review=True, speaker=speaker)
    factories.EvidenceFactory(claim=review)
    factories.TipFactory()
    services.appearance_add(claim_id=check.pk, actor=editor, quote=check.quote, speaker=factories.SpeakerFactory(),
                            source_url="https://news.example.org/again")
    public = ["/", "/?rating=mostly-false", "/search/?q=homes", f"/claims/{check.slug}/", "/speakers/",
              f"/speakers/{speaker.slug}/", f"/topics/{topic.slug}/", "/methodology/", "/corrections/", "/suggest/",
              f"/embed/claims/{check.slug}/", "/accounts/login/",
              f"/claims/{check.slug}/evidence/{cited.pk}/archive/"]
    desk_pages = ["/desk/", "/desk/claims/", "/desk/claims/new/", f"/desk/claims/{desk.pk}/",
                  f"/desk/claims/{review.pk}/", f"/desk/claims/{check.pk}/", "/desk/intake/", "/desk/tips/",
                  "/desk/speakers/", "/desk/sources/", "/desk/topics/", "/desk/ratings/", "/desk/speakers/new/",
                  f"/desk/speakers/{speaker.pk}/", "/desk/sources/new/", f"/desk/topics/{topic.pk}/",
                  f"/desk/claims/{check.pk}/preview/", "/desk/tokens/", "/desk/webhooks/", "/desk/jobs/"]
    rendered = {}
    for url in public:
        response = client.get(url)
        assert response.status_code == 200, url
        rendered[url] = response.content.decode()
    client.force_login(editor)
    for url in desk_pages:
        response = client.get(url)
        assert response.status_code == 200, url
        rendered[url] = response.content.decode()
    # Pages that answer a refusal: the duplicate choice (409) and a form's errors (422).
    duplicate = client.post("/desk/claims/new/", {"quote": desk.quote, "speaker": speaker.name})
    assert duplicate.status_code == 409
    rendered["/desk/claims/new/ (duplicate)"] = duplicate.content.decode()
    invalid = client.post("/desk/claims/new/", {"quote": "", "speaker": "Nobody"})
    assert invalid.status_code == 422
    rendered["/desk/claims/new/ (invalid)"] = invalid.content.decode()
    created = client.post("/desk/tokens/", {"name": "Pipeline", "scopes": ["read"]})
    assert created.status_code == 201
    rendered["/desk/tokens/ (created)"] = created.content.decode()
    from claims.models import WebhookEndpoint

    endpoint = WebhookEndpoint.objects.create(url="https://hooks.example.org/in", events=["claim.published"],
                                              secret="whsec_" + "A" * 32)
    rendered["/desk/webhooks/<id>/"] = client.get(f"/desk/webhooks/{endpoint.pk}/").content.decode()
    rendered["404"] = client.get("/claims/no-such-check/").content.decode()
    return rendered


def test_it_serves_only_valid_html(pages, tmp_path):
    jar = checker()
    if jar is None or shutil.which("java") is None:
        pytest.skip("the Nu Html Checker needs Java and vnu-jar (npm install vnu-jar, or VNU_JAR=path)")
    files = {}
    for index, (url, html) in enumerate(pages.items()):
        path = tmp_path / f"page-{index}.html"
        path.write_text(html, encoding="utf-8")
        files[path.name] = url
    run = subprocess.run(["java", "-jar", str(jar), "--format", "json", "--exit-zero-always",
                          *(str(tmp_path / name) for name in files)], capture_output=True, text=True, timeout=300)
    report = json.loads(run.stderr or run.stdout)
    errors = [f"{files.get(Path(m.get('url', '')).name, m.get('url'))}: {m.get('message')} "
              f"«{(m.get('extract') or '').strip()[:100]}»" for m in report["messages"] if m.get("type") == "error"]
    assert errors == [], "\n".join(errors)
