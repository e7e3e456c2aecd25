"""manage.py embed_claims [--missing]: compute the embeddings "already checked?" compares by meaning."""

import sys
import time

from django.core.management.base import BaseCommand

from claims import embeddings
from claims.models import Appearance, Claim

CHUNK = 2000


class Command(BaseCommand):
    help = ("Compute and store the embedding of every claim and appearance (English ones; "
            "claims in other languages are matched by their words only).")

    def add_arguments(self, parser):
        parser.add_argument("--missing", action="store_true", help="only the rows without an embedding yet")
        parser.add_argument("--quiet-progress", action="store_true", help="no progress line")

    def handle(self, *args, missing=False, quiet_progress=False, **options):
        show = not quiet_progress and self.stdout.isatty()
        started = time.perf_counter()
        for label, model, store in (("claims", Claim, embeddings.store_claims),
                                    ("appearances", Appearance, embeddings.store_appearances)):
            rows = model.objects.all()
            if missing:
                rows = rows.filter(embedding__isnull=True)
            ids = list(rows.order_by("pk").values_list("pk", flat=True))
            done = 0
            for start in range(0, len(ids), CHUNK):
                done += store(ids[start:start + CHUNK], missing_only=missing)
                if show:
                    sys.stdout.write(f"\r{label}: {done:,} of {len(ids):,}")
                    sys.stdout.flush()
            if show:
                sys.stdout.write("\n")
            self.stdout.write(f"Embedded {len(ids):,} {label}.")
        self.stdout.write(f"Done in {time.perf_counter() - started:.1f} s.")
