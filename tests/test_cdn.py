"""A CDN or Varnish in front of the site is purged by surrogate key after every change readers see
(claims.cdn), by a background job, through the purger ``CDN_PURGER`` names: each is tested against
a local fake that records what it was sent."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import transaction
from django.test import override_settings

from claims import cdn, services
from claims.models import Rating
from tests import factories
from tests.jobs import jobs

pytestmark = pytest.mark.django_db


class FakePurger:
    """An HTTP server on a free local port that records each request and answers as told."""

    def __init__(self):
        self.requests: list[dict] = []
        self.status = 200
        self.body = b"{}"
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _record(self):
                length = int(self.headers.get("Content-Length") or 0)
                fake.requests.append({"method": self.command, "path": self.path, "headers": dict(self.headers),
                                      "body": self.rfile.read(length) if length else b""})
                self.send_response(fake.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(fake.body)))
                self.end_headers()
                self.wfile.write(fake.body)

            do_BAN = do_POST = _record

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fake():
    server = FakePurger()
    yield server
    server.close()


@pytest.fixture
def varnish(settings, fake):
    settings.CDN_PURGER = "varnish"
    settings.CDN_PURGE_URL = fake.url + "/"
    return fake


@pytest.fixture
def claim(db):
    with override_settings(CDN_PURGER="none"):  # made before the test: no purge waits for its making
        return factories.ClaimFactory(quote="Over 50,000 people crossed the Channel.", published=True)


def purge_jobs() -> list[list[str]]:
    return [job["args"]["keys"] if isinstance(job["args"], dict) else json.loads(job["args"])["keys"]
            for job in jobs(task="cdn.purge")]


def test_it_purges_a_corrected_check_and_the_listings_through_varnish(
        varnish, claim, editor, run_jobs, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.verdict_correct(claim_id=claim.pk, actor=editor, kind="correction", note="We misread the table.",
                                 data={"conclusion": "The new conclusion."})
    assert purge_jobs() == [[f"claim-{claim.pk}", "listings"]]  # one job for the whole transaction
    run_jobs()
    assert [(r["method"], r["path"], r["headers"]["Surrogate-Key"]) for r in varnish.requests] == [
        ("BAN", "/", f"claim-{claim.pk} listings")]
    assert jobs(task="cdn.purge")[0]["status"] == "succeeded"


def test_it_purges_on_publish_and_retraction(varnish, editor, run_jobs, django_capture_on_commit_callbacks):
    with override_settings(CDN_PURGER="none"):
        fresh = factories.ClaimFactory(in_review=True)
        factories.EvidenceFactory(claim=fresh)
    with django_capture_on_commit_callbacks(execute=True):
        services.review_approve(claim_id=fresh.pk, actor=editor)
    with django_capture_on_commit_callbacks(execute=True):
        services.claim_retract(claim_id=fresh.pk, actor=editor, note="The figures were from the wrong year.")
    assert purge_jobs() == [[f"claim-{fresh.pk}", "listings"]] * 2


def test_it_purges_every_page_when_a_rating_changes(varnish, editor, django_capture_on_commit_callbacks):
    rating = Rating.objects.get(slug="false")
    with django_capture_on_commit_callbacks(execute=True):
        services.rating_save(actor=editor, rating_id=rating.pk,
                             data={"label": "Wrong", "slug": rating.slug, "value": rating.value,
                                   "definition": rating.definition, "colour": rating.colour})
    assert purge_jobs() and all("site" in keys for keys in purge_jobs())


def test_it_purges_the_speakers_checks_when_a_speaker_is_renamed(varnish, claim, editor,
                                                                 django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.speaker_update(speaker_id=claim.speaker_id, actor=editor, data={"name": "A New Name"})
    keys = set().union(*purge_jobs())
    assert {f"claim-{claim.pk}", f"speaker-{claim.speaker_id}", "listings"} <= keys


def test_it_purges_nothing_when_the_transaction_rolls_back(varnish, claim, editor,
                                                          django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        services.claim_retract(claim_id=claim.pk, actor=editor, note="A retraction that never happened.")
        raise RuntimeError
    assert purge_jobs() == []


def test_it_purges_nothing_for_desk_work_readers_cannot_see(varnish, claim, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        draft = factories.ClaimFactory(researching=True, quote="Nine in ten nurses left within a year.",
                                       speaker=claim.speaker)
        factories.EvidenceFactory(claim=draft)
    assert purge_jobs() == []


def test_it_sends_no_job_without_a_purger(settings, claim, editor, django_capture_on_commit_callbacks):
    settings.CDN_PURGER = "none"
    with django_capture_on_commit_callbacks(execute=True):
        services.claim_retract(claim_id=claim.pk, actor=editor, note="Wrong year.")
    assert purge_jobs() == []


def test_it_purges_by_tag_through_fastly(settings, fake):
    settings.CDN_PURGER, settings.CDN_API_TOKEN = "fastly", "tok"
    settings.CDN_PURGE_URL = fake.url + "/service/S1/purge"
    cdn.purge([f"claim-{n}" for n in range(300)])
    assert [r["method"] for r in fake.requests] == ["POST", "POST"]  # 256 keys a request at most
    first = fake.requests[0]
    assert first["path"] == "/service/S1/purge" and first["headers"]["Fastly-Key"] == "tok"
    assert len(first["headers"]["Surrogate-Key"].split()) == 256


def test_it_purges_by_tag_through_cloudflare(settings, fake):
    settings.CDN_PURGER, settings.CDN_API_TOKEN = "cloudflare", "cf-token"
    settings.CDN_PURGE_URL = fake.url + "/client/v4/zones/Z1/purge_cache"
    fake.body = json.dumps({"success": True, "errors": [], "result": {"id": "Z1"}}).encode()
    cdn.purge(["listings", *(f"topic-{n}" for n in range(40))])
    assert len(fake.requests) == 2  # 30 tags a request at most
    first = fake.requests[0]
    assert first["headers"]["Authorization"] == "Bearer cf-token"
    assert json.loads(first["body"])["tags"][:2] == ["listings", "topic-0"]
    assert len(json.loads(first["body"])["tags"]) == 30


def test_it_fails_the_job_when_the_purger_refuses_so_it_is_retried(settings, fake, varnish, run_jobs):
    from claims.tasks import purge_cdn

    fake.status = 403
    with pytest.raises(cdn.PurgeFailed, match="403"):
        cdn.purge(["listings"])
    purge_cdn.defer(keys=["listings"])
    run_jobs()
    [job] = jobs(task="cdn.purge")
    assert job["status"] == "todo" and job["attempts"] == 1  # waiting for its next try
    settings.CDN_PURGER, settings.CDN_API_TOKEN = "cloudflare", "cf-token"
    fake.status, fake.body = 200, json.dumps({"success": False, "errors": [{"message": "bad tag"}]}).encode()
    with pytest.raises(cdn.PurgeFailed, match="bad tag"):
        cdn.purge(["listings"])


def test_it_fails_the_job_when_the_purger_cannot_be_reached(settings):
    settings.CDN_PURGER, settings.CDN_PURGE_URL = "varnish", "http://127.0.0.1:9/"
    with pytest.raises(cdn.PurgeFailed, match="could not be reached"):
        cdn.purge(["listings"])


@pytest.mark.parametrize(("env", "says"), [
    ({"CDN_PURGER": "varnish"}, "CDN_PURGER=varnish needs CDN_PURGE_URL"),
    ({"CDN_PURGER": "fastly", "CDN_PURGE_URL": "https://api.fastly.com/service/S1/purge"},
     "CDN_PURGER=fastly needs CDN_API_TOKEN"),
    ({"CDN_PURGER": "akamai"}, "CDN_PURGER"),
])
def test_it_refuses_to_start_with_a_purger_it_cannot_use(env, says):
    from tests.test_security import _manage

    result = _manage("check", FACTCHECK_ENV="development", **env)
    assert result.returncode != 0
    assert says in result.stderr.strip().splitlines()[-1]
