from django.core.management.base import BaseCommand

from claims.matching import refresh_term_stats


class Command(BaseCommand):
    help = "Recount how many claims use each search word (claim matching asks for the rarest first)."

    def handle(self, *args, **options):
        count = refresh_term_stats()
        self.stdout.write(f"Counted {count:,} search words.")
