"""Link health: the evidence of published checks fetched again, and what changed since the copy each
row cites.

Once a day (``settings.LINK_CHECK_CRON``) and by hand (``manage.py check_links``) every distinct
address cited by evidence of a published check is fetched once into a new copy, shared by every row
citing it. Each row is then compared with the copy it cites, and gets a ``LinkCheck`` and its link
fields updated (``QuerySet.update``: no version, no Event, since no person edited it).

Nothing public changes: ``Evidence.archive`` (what the public page cites) is never touched, and the
public cache is not invalidated. Editors read the outcome at /desk/links/.

Which rows: evidence of claims in the "published" status that are not archive records (imported
records have no public page). Retracted checks are skipped: their page leads with the retraction,
and nobody on the desk maintains their evidence any more.

Storage: a changed, moved or gone link keeps its new copy whole (both copies are compared on the
desk). An unchanged re-fetch keeps its row and text (the text stays so the copy can still serve a
journalist who cites the address the same day) but drops its body file, unless that file is shared
with another copy (a byte-identical body reuses the stored file, see ``store.fill_copy``). Earlier
passes' copies of the address with the same text as the new one, a day old or more and cited by
nothing, then lose their text and body too (their row, dates and hashes stay for the history): of
each text the newest copy is kept, so a link that stays changed does not store its page every day.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from claims.archiving.store import FRESH_FOR, fill_copy
from claims.models import ArchivedCopy, Claim, Evidence, LinkCheck, LinkStatus, Source

log = logging.getLogger("factcheck.archive")
GONE_STATUSES = (404, 410)
ERRORS_BEFORE_GONE = 3  # failed checks in a row after which a link counts as gone
NEEDS_AN_EDITOR = (LinkStatus.CHANGED, LinkStatus.MOVED, LinkStatus.GONE)
# A PostgreSQL advisory lock held for a whole pass: the daily job and a pass run by hand at the same
# time would fetch everything twice and count every error twice.
PASS_LOCK = 0x4C696E6B  # "Link"


@dataclass
class Summary:
    """What one pass found: evidence rows checked, by outcome, and addresses fetched."""

    checked: int = 0
    fetched: int = 0
    outcomes: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LinkStatus.values, 0))
    busy: bool = False  # another pass was running: this one checked nothing

    def __str__(self) -> str:
        if self.busy:
            return "Another link-health pass is running: nothing was checked."
        counts = self.outcomes
        return (f"{self.checked:,} links checked ({self.fetched:,} addresses fetched): "
                f"{counts[LinkStatus.OK]:,} unchanged, {counts[LinkStatus.CHANGED]:,} changed, "
                f"{counts[LinkStatus.MOVED]:,} moved, {counts[LinkStatus.GONE]:,} gone, "
                f"{counts[LinkStatus.ERROR]:,} could not be checked.")


def public_evidence() -> QuerySet[Evidence]:
    """The rows link health looks after: evidence of published checks (archive records, which have
    no public page, are not published ones)."""
    return Evidence.objects.filter(claim__in=Claim.objects.published())


def to_check(limit: int | None = None) -> list[Evidence]:
    """The rows of one pass, those checked longest ago (or never) first, so a limited pass run
    again goes on with the others."""
    # The cited copy's text is not needed (its hash says it all) and may be 2 MB a row.
    rows = (public_evidence().exclude(url="").select_related("archive").defer("archive__text")
            .order_by(F("link_checked_at").asc(nulls_first=True), "pk"))
    return list(rows[:limit] if limit else rows)


def check_links(*, limit: int | None = None, progress: Callable[[int, int], None] | None = None) -> Summary:
    """One pass: fetch each address once, compare and record every row citing it.
    ``progress(done, total)`` is told after each address."""
    with _only_pass() as alone:
        if not alone:
            log.warning("link health: another pass is running")
            return Summary(busy=True)
        return _check(to_check(limit), progress)


def _check(rows: list[Evidence], progress: Callable[[int, int], None] | None) -> Summary:
    by_url: dict[str, list[Evidence]] = {}
    for row in rows:
        by_url.setdefault(row.url, []).append(row)
    summary = Summary()
    for url, citing in by_url.items():
        copy = _fetched(url)
        cited = [cited_copy(row) for row in citing]
        outcomes = [(row, outcome(copy, then)) for row, then in zip(citing, cited, strict=True)]
        if all(then is not None for then in cited) and all(found == LinkStatus.OK for _, found in outcomes):
            _drop_body(copy)
        _record(copy, outcomes)
        summary.fetched += 1
        for _, found in outcomes:
            summary.checked += 1
            summary.outcomes[found] += 1
        if progress is not None:
            progress(summary.checked, len(rows))
    log.info("link health: %s", summary)
    return summary


def _fetched(url: str) -> ArchivedCopy:
    """A new copy of ``url`` (the network, outside any transaction); a failure if reading it broke."""
    try:
        return fill_copy(ArchivedCopy(url=url))
    except Exception:  # one page that breaks the reader must not stop the pass, nor every pass after it
        log.exception("link health: checking %s failed", url)
        return ArchivedCopy(url=url, state=ArchivedCopy.State.FAILED, fetched_at=timezone.now(),
                            error_code="check_failed", error="The check failed unexpectedly (the log says why).")


@contextmanager
def _only_pass() -> Iterator[bool]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [PASS_LOCK])
        alone = cursor.fetchone()[0]
    try:
        yield alone
    finally:
        if alone:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [PASS_LOCK])


def cited_copy(row: Evidence) -> ArchivedCopy | None:
    """The copy to compare with: the row's archived copy of its own address, if it has one."""
    cited = row.archive
    if cited is None or cited.state != ArchivedCopy.State.ARCHIVED or cited.url != row.url:
        return None
    return cited


def outcome(copy: ArchivedCopy, cited: ArchivedCopy | None) -> str:
    """What one fetch says about one row's link (a ``LinkStatus`` value)."""
    # The site says the page is no more.
    if copy.state == ArchivedCopy.State.FAILED and copy.status_code in GONE_STATUSES:
        return LinkStatus.GONE
    # Anything else that went wrong (a timeout, a server error, a refused address, an unreadable
    # body) says nothing about the page yet; three in a row do (see ``link_fields``).
    if copy.state == ArchivedCopy.State.FAILED:
        return LinkStatus.ERROR
    # Never archived: the fetch alone tells, there is nothing to compare.
    if cited is None:
        return LinkStatus.OK
    # The address now leads somewhere else.
    if copy.final_url != cited.final_url:
        return LinkStatus.MOVED
    # Same place, other words.
    if copy.text_sha256 != cited.text_sha256:
        return LinkStatus.CHANGED
    return LinkStatus.OK


def link_fields(row: Evidence, found: str, now) -> dict:
    """The row's link fields after a check with this outcome."""
    if found != LinkStatus.ERROR:
        return {"link_status": found, "link_errors": 0, "link_checked_at": now}
    errors = row.link_errors + 1
    status = LinkStatus.GONE if errors >= ERRORS_BEFORE_GONE else row.link_status
    return {"link_status": status, "link_errors": min(errors, 32_000), "link_checked_at": now}


def _record(copy: ArchivedCopy, outcomes: list[tuple[Evidence, str]]) -> None:
    now = timezone.now()
    with transaction.atomic():
        copy.save()
        _thin_out(copy)
        LinkCheck.objects.bulk_create(
            [LinkCheck(evidence=row, copy=copy, cited=row.archive, outcome=found) for row, found in outcomes])
        for row, found in outcomes:
            Evidence.objects.filter(pk=row.pk).update(**link_fields(row, found, now))


def _drop_body(copy: ArchivedCopy) -> None:
    """Every row found its cited copy's text again: the new body's own file goes (the cited copy
    keeps its body), a file shared with another copy stays."""
    if copy.body:
        name, copy.body = copy.body.name, ""
        _delete_unused([name])


def _delete_unused(names: list[str]) -> None:
    for name in set(names) - set(ArchivedCopy.objects.filter(body__in=names).values_list("body", flat=True)):
        default_storage.delete(name)


def _thin_out(copy: ArchivedCopy) -> None:
    """Earlier copies of this address with the same text, that nothing cites and nobody is offered
    any more (``archive_request`` shares a copy for a day): ``copy`` holds the same text."""
    if copy.state != ArchivedCopy.State.ARCHIVED:
        return
    stale = list(
        ArchivedCopy.objects.filter(url=copy.url, text_sha256=copy.text_sha256, state=ArchivedCopy.State.ARCHIVED,
                                    requested_at__lt=timezone.now() - FRESH_FOR)
        .exclude(pk=copy.pk).exclude(text="", body="")
        .exclude(pk__in=Evidence.objects.filter(archive__url=copy.url).values("archive"))
        .exclude(pk__in=Source.objects.filter(archive__url=copy.url).values("archive"))
        .exclude(pk__in=LinkCheck.objects.filter(cited__url=copy.url).values("cited"))
        .only("pk", "body"))
    if not stale:
        return
    ArchivedCopy.objects.filter(pk__in=[old.pk for old in stale]).update(text="", body="")
    names = [old.body.name for old in stale if old.body]
    # Files go once the rows no longer name them, never before (a rolled-back pass keeps both).
    transaction.on_commit(lambda: _delete_unused(names))
