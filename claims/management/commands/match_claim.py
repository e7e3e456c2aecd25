import json

from django.core.management.base import BaseCommand

from claims.matching import find_similar


class Command(BaseCommand):
    help = ("Find already-checked claims similar to TEXT: each with its score, how much it shares by words "
            "(lexical, BM25) and by meaning (semantic, a cosine similarity), and the words it shares.")

    def add_arguments(self, parser):
        parser.add_argument("text")
        parser.add_argument("--limit", type=int, default=5)
        parser.add_argument("--format", choices=["json", "text"], default="text")

    def handle(self, *args, text, limit, format, **options):
        matches = [m.as_dict() for m in find_similar(text, limit=max(1, min(limit, 100)))]
        if format == "json":
            self.stdout.write(json.dumps(matches, ensure_ascii=False))
            return
        if not matches:
            self.stdout.write("No similar checked claims.")
        for m in matches:
            why = [f"words {m['lexical']:.2f}"]
            if m["semantic"] is not None:
                why.append(f"meaning {m['semantic']:.2f}")
            if m["shared_words"]:
                why.append("shared: " + ", ".join(m["shared_words"]))
            self.stdout.write(f"{m['score']:.2f}  [{m['rating'] or 'unrated'}]  {m['claim']}  (/claims/{m['slug']}/)"
                              f"  — {'; '.join(why)}")
