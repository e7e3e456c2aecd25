"""Background jobs on PostgreSQL (procrastinate): the work a request must not wait for.

A job is deferred inside the transaction of the change that asks for it, so it exists exactly when
the change committed; a worker (``manage.py procrastinate worker``, started by ``make run``) runs
it after the commit, and retries it with exponential backoff when it fails. Jobs that used up
their attempts are listed for editors at /desk/jobs/ with "Retry". Webhook deliveries are in
``claims.webhooks.tasks``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from procrastinate import RetryStrategy
from procrastinate.contrib.django import app

# Nine tries in all, waiting 4^(retry) seconds between them: 4 s, 16 s, 1 min, 4 min, 17 min, 68 min,
# 4.5 h, 18 h. An SMTP outage of most of a day still delivers the mail.
MAIL_RETRY = RetryStrategy(max_attempts=8, exponential_wait=4)


@app.task(name="mail.send", queue="mail", retry=MAIL_RETRY)
def send_mail_job(*, subject: str, body: str, recipients: list[str]) -> None:
    send_mail(subject, body, None, recipients, fail_silently=False)


@app.task(name="archive.fetch", queue="archive")
def archive_fetch(*, copy_id: int) -> None:
    """Fetch one archived copy. A failure is kept on the copy with its reason (the evidence row shows
    it with "Try again"): never retried on its own, so a refused address is asked once."""
    from claims.archiving.store import fetch_copy

    fetch_copy(copy_id)


# Six tries over about two minutes: a purge that comes late still beats a page held until max-age.
PURGE_RETRY = RetryStrategy(max_attempts=6, exponential_wait=2)


@app.task(name="cdn.purge", queue="cdn", retry=PURGE_RETRY)
def purge_cdn(*, keys: list[str]) -> None:
    """Purge these surrogate keys from the CDN or Varnish in front of the site (claims.cdn)."""
    from claims.cdn import purge

    purge(keys)


@app.periodic(cron=settings.LINK_CHECK_CRON, periodic_id="link-health")
@app.task(name="archive.check_links", queue="archive")
def check_links_job(timestamp: int) -> None:
    """The daily link-health pass over the evidence of public checks."""
    from claims.archiving.health import check_links

    check_links()


# Finished jobs are kept a week (the jobs page counts them), then removed; failed ones stay until
# an editor retries them.
KEEP_DONE_HOURS = 7 * 24


@app.periodic(cron="17 3 * * *", periodic_id="clean-up")
@app.task(name="jobs.clean_up", queue="maintenance", pass_context=True)
async def clean_up_jobs(context, timestamp: int) -> None:
    await context.app.job_manager.delete_old_jobs(nb_hours=KEEP_DONE_HOURS)
