"""Background jobs: mail goes out by a job with retries, and editors see and retry failed jobs."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.utils import timezone

from claims.services.common import mail_on_commit
from claims.tasks import MAIL_RETRY
from tests.jobs import jobs, make_due
from tests.test_workflow import ready

ready_to_submit = ready  # a fixture, under the name this file reads

pytestmark = pytest.mark.django_db


def smtp_down(monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("[Errno 111] Connection refused")

    monkeypatch.setattr("claims.tasks.send_mail", refuse)


def fail_for_good(run_jobs, monkeypatch, subject="For review: ferries") -> int:
    """A mail job that used up every attempt."""
    smtp_down(monkeypatch)
    mail_on_commit(subject, "Body", ["editor@newsroom.example.org"])
    for _ in range(MAIL_RETRY.max_attempts + 1):  # the first try, then every retry
        make_due()
        run_jobs()
    [job] = jobs(status="failed")
    return job["id"]


def status_of(job_id: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT status::text FROM procrastinate_jobs WHERE id = %s", [job_id])
        return cursor.fetchone()[0]


def job_snapshot():
    return [(j["id"], j["status"], j["attempts"]) for j in jobs()]


# ---------------------------------------------------------------- mail on jobs

def test_it_sends_mail_from_a_job_after_the_change(run_jobs, mailoutbox):
    mail_on_commit("Published: ferries", "Body", ["amira@newsroom.example.org", ""])
    assert mailoutbox == []
    assert run_jobs() == 1
    assert [(m.subject, m.to) for m in mailoutbox] == [("Published: ferries", ["amira@newsroom.example.org"])]
    assert [j["status"] for j in jobs()] == ["succeeded"]


def test_it_defers_nothing_without_recipients(run_jobs):
    mail_on_commit("Published: ferries", "Body", ["", None])
    assert jobs() == []


def test_it_keeps_a_transition_whole_when_the_mail_server_is_down(ready_to_submit, journalist, client, monkeypatch,
                                                                  run_jobs, mailoutbox, editor):
    smtp_down(monkeypatch)
    client.force_login(journalist)
    response = client.post(f"/desk/claims/{ready_to_submit.pk}/submit/")
    assert response.status_code in (302, 303)
    ready_to_submit.refresh_from_db()
    assert ready_to_submit.status == "in_review"
    assert run_jobs(["mail"]) == 1
    [job] = jobs(task="mail.send")
    assert (job["status"], job["attempts"]) == ("todo", 1)  # waiting for its next try
    monkeypatch.undo()
    make_due()
    assert run_jobs(["mail"]) == 1
    assert [m.subject.split(":")[0] for m in mailoutbox] == ["For review"]
    assert [j["status"] for j in jobs(task="mail.send")] == ["succeeded"]


def test_it_waits_longer_after_each_failure():
    start = timezone.now()
    decisions = [MAIL_RETRY.get_retry_decision(exception=OSError(), job=SimpleNamespace(attempts=n))
                 for n in range(MAIL_RETRY.max_attempts + 1)]
    assert decisions[-1] is None  # then it has failed for good
    waits = [(decision.retry_at - start).total_seconds() for decision in decisions[:-1]]
    assert waits == sorted(waits) and waits[0] < 60 and waits[-1] > 12 * 3600
    assert 20 * 3600 < sum(waits) < 30 * 3600  # about a day of outage


def test_it_fails_a_job_for_good_after_its_last_attempt(run_jobs, monkeypatch):
    job_id = fail_for_good(run_jobs, monkeypatch)
    assert status_of(job_id) == "failed"


# ---------------------------------------------------------------- /desk/jobs/

def test_it_lists_failed_and_retrying_jobs_for_editors(editor_client, run_jobs, monkeypatch):
    fail_for_good(run_jobs, monkeypatch, subject="For review: bus fares")
    mail_on_commit("Published: trains", "Body", ["amira@newsroom.example.org"])
    run_jobs()  # the SMTP server is still down: this one waits for its second try
    response = editor_client.get("/desk/jobs/")
    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    [failed] = page.select("[data-testid=failed-job]")
    assert "“For review: bus fares” to editor@newsroom.example.org" in failed.get_text(" ", strip=True)
    assert failed.find("button", string="Retry")
    [retrying] = page.select("[data-testid=retrying-job]")
    assert "Published: trains" in retrying.get_text()


def test_it_says_when_nothing_failed(editor_client):
    page = BeautifulSoup(editor_client.get("/desk/jobs/").content, "html.parser")
    assert page.select_one("[data-testid=no-failed-jobs]").get_text() == "No job has failed."


def test_it_runs_a_failed_job_again_on_retry(editor_client, run_jobs, monkeypatch, mailoutbox):
    job_id = fail_for_good(run_jobs, monkeypatch)
    monkeypatch.undo()  # the mail server is back
    response = editor_client.post(f"/desk/jobs/{job_id}/retry/")
    assert response.status_code == 303 and response["Location"] == "/desk/jobs/"
    assert status_of(job_id) == "todo"
    make_due()  # due "now": in a test, the database's clock stays at the test's start
    assert run_jobs() == 1
    assert status_of(job_id) == "succeeded"
    assert len(mailoutbox) == 1


def test_it_refuses_to_retry_a_job_that_has_not_failed(editor_client, run_jobs):
    mail_on_commit("Published: trains", "Body", ["amira@newsroom.example.org"])
    run_jobs()
    [job] = jobs()
    before = job_snapshot()
    response = editor_client.post(f"/desk/jobs/{job['id']}/retry/")
    assert response.status_code == 409
    assert "has not failed" in response.content.decode()
    assert job_snapshot() == before
    assert editor_client.post("/desk/jobs/999999/retry/").status_code == 409


def test_it_only_accepts_post_to_retry(editor_client, run_jobs, monkeypatch):
    job_id = fail_for_good(run_jobs, monkeypatch)
    assert editor_client.get(f"/desk/jobs/{job_id}/retry/").status_code == 405
    assert status_of(job_id) == "failed"


@pytest.mark.parametrize("persona, expected", [("outsider", 403), ("journalist", 403)])
def test_it_keeps_jobs_to_editors(persona, expected, client, request, run_jobs, monkeypatch):
    job_id = fail_for_good(run_jobs, monkeypatch)
    client.force_login(request.getfixturevalue(persona))
    before = job_snapshot()
    assert client.get("/desk/jobs/").status_code == expected
    assert client.post(f"/desk/jobs/{job_id}/retry/").status_code == expected
    assert job_snapshot() == before


def test_it_sends_anonymous_visitors_to_sign_in(client, run_jobs, monkeypatch):
    job_id = fail_for_good(run_jobs, monkeypatch)
    before = job_snapshot()
    for response in (client.get("/desk/jobs/"), client.post(f"/desk/jobs/{job_id}/retry/")):
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client.post(f"/desk/jobs/{job_id}/retry/", headers={"HX-Request": "true"})["HX-Redirect"].startswith(
        "/accounts/login/")
    assert job_snapshot() == before


@pytest.mark.parametrize("failures", [1, 50])
def test_it_lists_jobs_in_a_fixed_number_of_queries(failures, editor_client, run_jobs, monkeypatch,
                                                    django_assert_max_num_queries):
    smtp_down(monkeypatch)
    for n in range(failures):
        mail_on_commit(f"Mail {n}", "Body", ["editor@newsroom.example.org"])
    run_jobs()
    with django_assert_max_num_queries(8):
        response = editor_client.get("/desk/jobs/")
    assert len(BeautifulSoup(response.content, "html.parser").select("[data-testid=retrying-job]")) == failures
