import argparse
import sys
import time

from django.core.management.base import BaseCommand, CommandError

from claims.archiving.health import check_links


def positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"a whole number of links, 1 or more (not {value!r}).")
    return number


class Command(BaseCommand):
    help = ("Check the evidence links of published checks now (the daily link-health pass): fetch each address "
            "again and record whether it is unchanged, changed, moved or gone. Editors see the changes at "
            "/desk/links/. Published pages do not change.")

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=positive, help="check at most this many links (those checked longest "
                            "ago first)")
        parser.add_argument("--quiet-progress", action="store_true", help="no progress bar")

    def handle(self, *args, limit, quiet_progress, **options):
        started = time.monotonic()
        # The bar goes to stderr, and only when a person is watching: never into a pipe or a log.
        show = not quiet_progress and self.stdout.isatty()

        def progress(done: int, total: int) -> None:
            filled = int(30 * done / max(total, 1))
            sys.stderr.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {done:,}/{total:,} links")
            sys.stderr.flush()

        summary = check_links(limit=limit, progress=progress if show else None)
        if show:
            sys.stderr.write("\n")
        if summary.busy:
            raise CommandError(str(summary))
        self.stdout.write(f"{summary} In {time.monotonic() - started:.1f} s.")
