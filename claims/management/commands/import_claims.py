import sys
import time

from django.core.management.base import BaseCommand, CommandError

from claims.archive import ArchiveFormatError, import_rows, read_rows


class Command(BaseCommand):
    help = ("Import past fact-checks from a CSV file as archive records. Columns: claim, speaker, rating, date, "
            "url (optional quote, conclusion, topics). Idempotent by url.")

    def add_arguments(self, parser):
        parser.add_argument("path", help="CSV file (UTF-8), or - for standard input")
        parser.add_argument("--quiet-progress", action="store_true", help="no progress bar")

    def handle(self, *args, path, quiet_progress, **options):
        started = time.monotonic()
        try:
            handle = sys.stdin if path == "-" else open(path, newline="", encoding="utf-8-sig")  # noqa: SIM115
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}") from None
        total = None
        if path != "-":
            with open(path, encoding="utf-8-sig", errors="replace") as counter:
                total = max(sum(1 for _ in counter) - 1, 0)

        def progress(done: int) -> None:
            if quiet_progress:
                return
            if total:
                filled = int(30 * done / max(total, 1))
                sys.stderr.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {done:,}/{total:,} rows")
            else:
                sys.stderr.write(f"\r{done:,} rows")
            sys.stderr.flush()

        try:
            with handle:
                report = import_rows(read_rows(handle), progress=progress)
        except ArchiveFormatError as error:
            raise CommandError(str(error)) from None
        except UnicodeDecodeError:
            raise CommandError("The file is not UTF-8 text.") from None
        if not quiet_progress:
            sys.stderr.write("\n")
        elapsed = time.monotonic() - started
        for line, problem in report.errors:
            self.stderr.write(f"line {line}: {problem}; skipped")
        if report.unknown_ratings:
            names = ", ".join(f"“{name}” ({count})" for name, count in sorted(report.unknown_ratings.items()))
            self.stderr.write(f"Ratings not on the scale (add them at /desk/ratings/ or fix the file): {names}")
        for line, url, match in report.strong_matches[:50]:
            self.stdout.write(f"line {line}: {url} has the words of {match}; imported as an archive record")
        if len(report.strong_matches) > 50:
            self.stdout.write(f"… and {len(report.strong_matches) - 50:,} more strong matches")
        rate = report.imported / elapsed if elapsed else 0
        self.stdout.write(f"Imported {report.imported:,} archive records, {report.already_present:,} already present, "
                          f"{len(report.errors):,} rows skipped, {len(report.strong_matches):,} strong matches "
                          f"with claims already logged, in {elapsed:.1f} s ({rate:,.0f} rows/s).")
