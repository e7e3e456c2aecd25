from django.core.management.base import BaseCommand

from claims.matching import refresh_term_stats


class Command(BaseCommand):
    help = ("Recount how many claims use each search word (claim matching asks for the rarest first); with "
            "--documents, first rebuild the search documents of claims not in the newsroom's language.")

    def add_arguments(self, parser):
        parser.add_argument("--documents", action="store_true",
                            help="Rebuild the search documents of claims in other languages (after an upgrade "
                                 "that changed how they are stemmed, or of PostgreSQL).")

    def handle(self, *args, documents=False, **options):
        if documents:
            from claims.languages import default_language
            from claims.models import Claim
            from claims.search import in_language, refresh_search_vectors

            ids = Claim.objects.exclude(in_language(default_language())).values_list("pk", flat=True)
            rebuilt = refresh_search_vectors(list(ids))
            self.stdout.write(f"Rebuilt {rebuilt:,} search documents.")
        count = refresh_term_stats()
        self.stdout.write(f"Counted {count:,} search words.")
