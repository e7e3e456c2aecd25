"""Webhook delivery jobs.

Retries wait 5^(attempt+1) seconds: 5 s, 25 s, 2 min, 10 min, 52 min, 4.3 h, 21.7 h; eight attempts
over about 27 hours, all under the same ``webhook-id``. The last failure fails the job too.
"""

from __future__ import annotations

from procrastinate import JobContext, RetryStrategy
from procrastinate.contrib.django import app

from claims.webhooks.delivery import delivery_attempt

MAX_RETRIES = 7
RETRY = RetryStrategy(max_attempts=MAX_RETRIES, exponential_wait=5)


class DeliveryFailed(Exception):
    """An attempt that failed; raised so procrastinate schedules the next one."""


@app.task(name="webhooks.deliver", queue="webhooks", retry=RETRY, pass_context=True)
def deliver(context: JobContext, *, delivery_id: int) -> None:
    job = context.job
    outcome = delivery_attempt(delivery_id, last_attempt=job.attempts >= MAX_RETRIES)
    if not (outcome.delivered or outcome.skipped):
        raise DeliveryFailed(outcome.error or "The delivery failed.")
