"""What the editors' jobs page shows: background jobs by state, what each was for, and "Retry".

Jobs live in procrastinate's tables (``claims/tasks.py`` defines them); this module only reads them
and asks procrastinate to run a failed one again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from claims.errors import WrongState

# What each task is, as an editor would say it, and the part of its arguments that says which one.
TASKS = {
    "mail.send": ("Mail", lambda args: f"“{args.get('subject', '')}” to {', '.join(args.get('recipients', []))}"),
    "webhooks.deliver": ("Webhook delivery", lambda args: f"delivery {args.get('delivery_id', '?')}"),
    "archive.fetch": ("Archiving a source", lambda args: f"archived copy {args.get('copy_id', '?')}"),
    "archive.check_links": ("Link health", lambda args: "the daily pass"),
    "jobs.clean_up": ("Clearing finished jobs", lambda args: ""),
}
SHOWN = 50
STATES = ("todo", "doing", "failed", "succeeded", "cancelled", "aborted")


@dataclass(frozen=True)
class JobRow:
    id: int
    task: str
    what: str
    status: str
    attempts: int
    scheduled_at: object
    last_event_at: object

    @property
    def waiting_to_retry(self) -> bool:
        return self.status == "todo" and self.attempts > 0


def _describe(task_name: str, args: dict) -> tuple[str, str]:
    label, what = TASKS.get(task_name, (task_name, lambda args: ""))
    try:
        return label, what(args or {})
    except (AttributeError, TypeError):
        return label, ""


_ROWS = """
SELECT j.id, j.task_name, j.args, j.status, j.attempts, j.scheduled_at,
       (SELECT max(e.at) FROM procrastinate_events AS e WHERE e.job_id = j.id) AS last_event_at
FROM procrastinate_jobs AS j
WHERE {where}
ORDER BY j.id DESC
LIMIT %s
"""


def _rows(where: str, limit: int = SHOWN) -> list[JobRow]:
    with connection.cursor() as cursor:
        cursor.execute(_ROWS.format(where=where), [limit])
        rows = cursor.fetchall()
    out = []
    for pk, task_name, args, status, attempts, scheduled_at, last_event_at in rows:
        if isinstance(args, str):  # Django's connections leave jsonb as text
            args = json.loads(args)
        label, what = _describe(task_name, args)
        out.append(JobRow(pk, label, what, status, attempts, scheduled_at, last_event_at))
    return out


def counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT status::text, count(*) FROM procrastinate_jobs GROUP BY status")
        found = dict(cursor.fetchall())
    return {state: found.get(state, 0) for state in STATES}


def failed() -> list[JobRow]:
    """Jobs that used up their attempts: they wait for an editor's "Retry"."""
    return _rows("j.status = 'failed'")


def retrying() -> list[JobRow]:
    """Jobs that failed and will be tried again by themselves (an outage in progress)."""
    return _rows("j.status = 'todo' AND j.attempts > 0")


def job_retry(*, job_id: int) -> None:
    """Run a failed job again now. One that is not failed (already retried, done, gone) is a 409."""
    from procrastinate.contrib.django import app

    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT status::text FROM procrastinate_jobs WHERE id = %s FOR UPDATE", [job_id])
            row = cursor.fetchone()
        if row is None:
            raise WrongState("This job no longer exists.")
        if row[0] != "failed":
            raise WrongState("This job has not failed (someone may have retried it already).")
        app.job_manager.retry_job_by_id(job_id=job_id, retry_at=timezone.now())
