"""Running background jobs inside a test: a real procrastinate worker, in the test's transaction.

The worker normally reaches the database from other threads; here every query and every task runs
on the test's own connection, so jobs see the rows the test made and the test sees what jobs did.
(Inside an event loop Django keeps connections per context, not per thread: the worker's context is
handed the test's connection before it starts.)
"""

from __future__ import annotations

import asyncio
import json
import os
import threading
from contextlib import contextmanager
from unittest import mock

from django.db import connection, connections
from procrastinate import utils
from procrastinate.contrib.django import app, db_cleanup
from procrastinate.contrib.django.django_connector import DjangoConnector


def _decoded(row: dict) -> dict:
    # Django leaves jsonb as text on its connections; the worker's own connector decodes it.
    if isinstance(row.get("args"), str):
        row["args"] = json.loads(row["args"])
    return row


class InlineConnector(DjangoConnector):
    async def execute_query_async(self, query, **arguments):
        return self.execute_query(query, **arguments)

    async def execute_query_one_async(self, query, **arguments):
        return _decoded(self.execute_query_one(query, **arguments))

    async def execute_query_all_async(self, query, **arguments):
        return [_decoded(row) for row in self.execute_query_all(query, **arguments)]


async def _inline(func, *args, **kwargs):
    return func(*args, **kwargs)


@contextmanager
def _on_this_connection():
    with (mock.patch.dict(os.environ, {"DJANGO_ALLOW_ASYNC_UNSAFE": "true"}),
          mock.patch.object(utils, "sync_to_async", _inline),
          # The worker closes a task's connection after it, as Django does after a request; the
          # test client leaves the test's connection open, and so does this.
          mock.patch.object(db_cleanup, "close_old_connections", lambda: None),
          app.replace_connector(InlineConnector())):
        yield


def _started() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM procrastinate_events WHERE type = 'started'")
        return cursor.fetchone()[0]


def run_jobs(queues: list[str] | None = None) -> int:
    """Run every job that is due, and those they defer; return how many ran. Jobs scheduled for
    later (a retry's backoff) stay queued: move ``scheduled_at`` back to run them."""
    ours = connections["default"]
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return _run_here(queues, ours)
    # Playwright's sync API keeps an event loop running in this thread (for the rest of the session,
    # once a browser test has run): the worker runs in a thread of its own, on this same connection,
    # while this thread waits for it.
    outcome: list = []

    def run_in_thread():
        connections["default"] = ours
        try:
            outcome.append(_run_here(queues, ours))
        except BaseException as error:  # re-raised in the test's thread
            outcome.append(error)

    ours.inc_thread_sharing()
    try:
        thread = threading.Thread(target=run_in_thread)
        thread.start()
        thread.join()
    finally:
        ours.dec_thread_sharing()
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    return outcome[0]


def _run_here(queues: list[str] | None, ours) -> int:
    before = _started()

    async def work():
        connections["default"] = ours
        async with app.open_async():
            await app.run_worker_async(wait=False, install_signal_handlers=False, listen_notify=False,
                                       queues=queues, update_heartbeat_interval=3600)

    with _on_this_connection():
        asyncio.run(work())
    return _started() - before


def jobs(status: str | None = None, task: str | None = None) -> list[dict]:
    sql = "SELECT id, task_name, status, attempts, args, scheduled_at FROM procrastinate_jobs WHERE true"
    params = []
    if status:
        sql += " AND status = %s"
        params.append(status)
    if task:
        sql += " AND task_name = %s"
        params.append(task)
    with connection.cursor() as cursor:
        cursor.execute(sql + " ORDER BY id", params)
        columns = [c[0] for c in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def make_due() -> None:
    """As if the backoff had passed: every job waiting for a retry is due now."""
    with connection.cursor() as cursor:
        cursor.execute("UPDATE procrastinate_jobs SET scheduled_at = now() - interval '1 second' "
                       "WHERE status = 'todo' AND scheduled_at > now()")
