import sys
import time
from collections import defaultdict

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Q

from claims.archiving.store import fill_copy, reverify
from claims.models import PUBLIC_STATUSES, ArchivedCopy, Claim, Evidence, Source


class Command(BaseCommand):
    help = ("Archive the sources evidence cites, now (one fetch per address), and check the quoted passages in "
            "them. Evidence of a public check that cites an archived copy keeps it: what readers see never "
            "changes by itself.")

    def add_arguments(self, parser):
        parser.add_argument("--missing", action="store_true",
                            help="only evidence (and claims' sources) with no archived copy, or a failed one")
        parser.add_argument("--claim", type=int, metavar="ID", help="only this claim's evidence and source")
        parser.add_argument("--quiet-progress", action="store_true", help="no progress bar")

    def handle(self, *args, missing, claim, quiet_progress, **options):
        if claim is not None and not Claim.objects.filter(pk=claim).exists():
            raise CommandError(f"No claim has the number {claim}.")
        rows = Evidence.objects.select_related("archive", "claim").defer("archive__text")
        sources = Source.objects.exclude(url="").select_related("archive").defer("archive__text")
        if claim is not None:
            rows, sources = rows.filter(claim_id=claim), sources.filter(claims__pk=claim)
        if missing:
            lacking = Q(archive__isnull=True) | Q(archive__state=ArchivedCopy.State.FAILED)
            rows, sources = rows.filter(lacking), sources.filter(lacking)
        kept_public = Q(claim__status__in=PUBLIC_STATUSES, archive__state=ArchivedCopy.State.ARCHIVED)
        by_url: dict[str, tuple[list, list]] = defaultdict(lambda: ([], []))
        for row in rows.exclude(kept_public).order_by("pk"):
            by_url[row.url][0].append(row)
        for source in sources.distinct().order_by("pk"):
            by_url[source.url][1].append(source)

        show = not quiet_progress and self.stdout.isatty()
        started, counts = time.monotonic(), defaultdict(int)
        for done, (url, (citing, cited_by)) in enumerate(sorted(by_url.items()), start=1):
            copy = fill_copy(ArchivedCopy(url=url))
            with transaction.atomic():
                copy.save()
                Evidence.objects.filter(pk__in=[row.pk for row in citing]).update(archive=copy)
                reverify(citing, copy)
                Source.objects.filter(pk__in=[source.pk for source in cited_by]).update(archive=copy)
            counts[copy.state] += 1
            counts["found"] += Evidence.objects.filter(archive=copy, passage_check="found").count()
            if show:
                filled = int(30 * done / len(by_url))
                sys.stderr.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {done:,}/{len(by_url):,} addresses")
                sys.stderr.flush()
        if show and by_url:
            sys.stderr.write("\n")
        elapsed = time.monotonic() - started
        self.stdout.write(f"Archived {counts['archived']:,} of {len(by_url):,} addresses in {elapsed:.1f} s "
                          f"({counts['failed']:,} could not be archived); passages found in {counts['found']:,} "
                          "evidence rows.")
