import sys
import time

from django.core.management.base import BaseCommand, CommandError

from claims.claimreview.importer import SKIPPED, UPDATED, ClaimReviewReport, import_claimreview


class Command(BaseCommand):
    help = ("Import other newsrooms' fact-checks from ClaimReview as archive records: JSON-LD files (an object, an "
            "array, @graph or a DataFeed) and HTML pages (JSON-LD blocks and microdata), from disk or http(s) "
            "addresses. Idempotent by url: a second run updates.")

    def add_arguments(self, parser):
        parser.add_argument("sources", nargs="+", metavar="PATH_OR_URL", help="files (.json, .jsonld, .html, "
                            "gzipped or not) or http(s) addresses")
        parser.add_argument("--base-url", help="the address a saved page or file came from, for its relative URLs")
        parser.add_argument("--quiet-progress", action="store_true", help="no progress bar")

    def handle(self, *args, sources, base_url, quiet_progress, **options):
        started = time.monotonic()
        # The bar goes to stderr, and only when a person is watching: never into a pipe or a log.
        show = not quiet_progress and self.stdout.isatty()

        def progress(done: int, total: int) -> None:
            filled = int(30 * done / max(total, 1))
            sys.stderr.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {done:,}/{total:,} records")
            sys.stderr.flush()

        report = import_claimreview(sources, base_url=base_url, progress=progress if show else None)
        if show:
            sys.stderr.write("\n")
        self._report(report, time.monotonic() - started, len(sources))
        if report.unreadable:
            raise CommandError(f"{len(report.unreadable)} of {len(sources)} sources could not be read.")

    def _report(self, report: ClaimReviewReport, elapsed: float, sources: int) -> None:
        for source, why in report.unreadable:
            self.stderr.write(f"{source}: not read: {why}")
        for source, what in report.problems:
            self.stderr.write(f"{source}: {what}")
        for outcome in report.outcomes:
            if outcome.status == SKIPPED:
                self.stdout.write(f"skipped   {outcome.where}  {outcome.url or '(no url)'}: {outcome.reason}")
                continue
            rated = (f"rated {outcome.rating}" if outcome.rating else "Unrated")
            words = f" (publisher: “{outcome.publisher_rating}”)" if outcome.publisher_rating != outcome.rating else ""
            label = "updated " if outcome.status == UPDATED else "imported"
            self.stdout.write(f"{label}  {outcome.where}  {outcome.url}: {rated}{words}")
        total = len(report.outcomes)
        rate = total / elapsed if elapsed else 0
        self.stdout.write(
            f"ClaimReview: {report.count('imported'):,} imported, {report.count(UPDATED):,} updated, "
            f"{report.count(SKIPPED):,} skipped, of {total:,} records from {sources:,} "
            f"source{'s' if sources != 1 else ''}, in {elapsed:.1f} s ({rate:,.0f} records/s).")
