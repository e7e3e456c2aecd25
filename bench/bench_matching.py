"""Claim matching latency at scale, and archive import speed.

    FACTCHECK_ENV=development .venv/bin/python bench/bench_matching.py --claims 1000000 --queries 300

Works in its own database (FACTCHECK_DB_NAME=factcheck_bench on the embedded server, or the
DATABASE_URL you give), fills it with generate_claims up to --claims, then times find_similar
on paraphrased queries and prints p50/p95/p99; then imports a CSV of --import-rows archive rows.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
os.environ.setdefault("FACTCHECK_ENV", "development")
os.environ.setdefault("FACTCHECK_DB_NAME", "factcheck_bench")

WORDS = {"Over": "More than", "More than": "Over", "people": "migrants", "last year": "in the past year",
         "since the election": "since they won the election", "were built": "got built"}


def paraphrase(text: str, rng: random.Random) -> str:
    for old, new in WORDS.items():
        if old in text and rng.random() < 0.6:
            text = text.replace(old, new, 1)
    text = text.replace(",", "") if rng.random() < 0.5 else text  # 50,000 written 50000
    words = text.rstrip(".").split()
    if len(words) > 6 and rng.random() < 0.5:
        cut = rng.randrange(2, len(words) - 2)
        words = words[cut:] + words[:cut]  # another word order
    return "They say " + " ".join(words).lower()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--import-rows", type=int, default=20_000)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from claims.matching import find_duplicates, find_similar, refresh_term_stats
    from claims.models import Claim

    call_command("migrate", verbosity=0)
    have = Claim.objects.count()
    if have < args.claims:
        print(f"generating {args.claims - have:,} claims (once; they stay in {connection.settings_dict['NAME']})…")
        call_command("generate_claims", args.claims - have, seed=have + 1, yes=True)  # its own database
    refresh_term_stats()
    total = Claim.objects.count()
    rng = random.Random(11)
    top = Claim.objects.order_by("pk").values_list("pk", flat=True).last()
    samples = []
    while len(samples) < args.queries:
        pk = rng.randint(1, top)
        quote = Claim.objects.filter(pk=pk, status="published").values_list("quote", flat=True).first()
        if quote:
            samples.append(paraphrase(quote, rng))
    find_similar(samples[0])  # warm the connection and caches

    def timed(name: str, match) -> None:
        timings = []
        for text in samples:
            started = time.perf_counter()
            match(text)
            timings.append((time.perf_counter() - started) * 1000)
        timings.sort()

        def pct(q: float) -> float:
            return timings[min(len(timings) - 1, int(q * len(timings)))]

        print(f"{name} over {total:,} claims, {len(timings)} paraphrased queries: "
              f"p50 {statistics.median(timings):.1f} ms, p95 {pct(0.95):.1f} ms, p99 {pct(0.99):.1f} ms, "
              f"max {timings[-1]:.1f} ms")

    # "Past rulings", and "which claim is this?" as "Save claim" asks it (every state, every appearance).
    timed("find_similar", lambda text: find_similar(text, limit=5))
    timed("find_duplicates", find_duplicates)

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "archive.csv"
        stamp = time.time_ns()
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["claim", "speaker", "rating", "date", "url", "conclusion", "topics"])
            for i in range(args.import_rows):
                writer.writerow([f"Council tax rose by {i % 90 + 5}% in district {i}.", f"Archive Speaker {i % 300}",
                                 rng.choice(["True", "False", "Half true", "Mostly false"]), "2021-03-04",
                                 f"https://archive.example.org/bench/{stamp}/{i}", "An archived verdict.", "Tax;Local"])
        started = time.perf_counter()
        call_command("import_claims", str(path), quiet_progress=True, stdout=open(os.devnull, "w"))  # noqa: SIM115
        elapsed = time.perf_counter() - started
    print(f"import_claims: {args.import_rows:,} rows in {elapsed:.1f} s ({args.import_rows / elapsed:,.0f} rows/s, "
          "including the search vectors and the term statistics)")


if __name__ == "__main__":
    main()
