"""ClaimReview import speed from a local DataFeed file.

    FACTCHECK_ENV=development .venv/bin/python bench/bench_claimreview_import.py            # 10,000 records
    FACTCHECK_ENV=development .venv/bin/python bench/bench_claimreview_import.py --records 50000

Writes a DataFeed of --records synthetic ClaimReview records (new URLs on every run; claimants,
publishers' words, date forms and appearances varied as real feeds vary them), then times
``import_claimreview`` on it twice: the first run imports every record, the second updates them all.
Works in its own database (FACTCHECK_DB_NAME=claimreview_bench on the embedded server, or the
DATABASE_URL you give). Target: at least 1,000 records a second.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
os.environ.setdefault("FACTCHECK_ENV", "development")
os.environ.setdefault("FACTCHECK_DB_NAME", "claimreview_bench")

FIRST = ["Eilidh", "Callum", "Rhona", "Donald", "Morag", "Jo", "Siobhán", "José", "Ann", "Tomasz", "Priya", "Kwame"]
LAST = ["Marr", "Ridley", "Blackwood", "Pike", "Fenwick", "Bloggs", "O'Neill", "Pérez", "Other", "Nowak", "Shah"]
SUBJECTS = ["ferry fares", "bus routes", "school meals", "nurse numbers", "council tax", "water bills",
            "pothole repairs", "library opening hours", "recycling rates", "rail fares", "hospital beds", "rents"]
CHANGES = ["have doubled", "fell by a third", "rose by 40 per cent", "are the highest in the country",
           "have never been lower", "went up 12,000", "were cut by half", "have tripled since 2019"]
WORDS = ["False", "Mostly false", "Half true", "Mostly true", "True", "Misleading", "Needs context",
         "Falso", "Engañoso", "Pants on fire"]
MONTHS_ES = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
             "noviembre", "diciembre"]


def record(n: int, run: str, rng: random.Random) -> dict:
    day = rng.randrange(1, 28)
    month = rng.randrange(1, 13)
    year = rng.choice([2021, 2022, 2023, 2024])
    form = rng.random()
    if form < 0.85:
        published = f"{year}-{month:02d}-{day:02d}T10:00:00-0300"
    elif form < 0.95:
        published = f"{day:02d}/{month:02d}/{year}"
    else:
        published = f"{day} de {MONTHS_ES[month - 1]} de {year}"
    claimant = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    author = rng.choice([{"@type": "Person", "name": claimant}, claimant, [{"@type": "Person", "name": claimant}]])
    rating = ({"@type": "Rating", "alternateName": rng.choice(WORDS)} if rng.random() < 0.9
              else {"@type": "Rating", "ratingValue": rng.randrange(1, 6), "bestRating": 5, "worstRating": 1})
    appearances = [{"@type": "CreativeWork", "url": f"https://news.example.net/{run}/{n}/{k}",
                    "headline": f"Report {n}.{k}", "datePublished": f"{year}-{month:02d}-{day:02d}"}
                   for k in range(rng.randrange(1, 3))]
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": f"https://bench-checks.example.org/{run}/check-{n}",
        "datePublished": published,
        "claimReviewed": f"{rng.choice(SUBJECTS).capitalize()} in region {n % 97} {rng.choice(CHANGES)} (claim {n}).",
        "author": {"@type": "Organization", "name": "Bench Checks", "url": "https://bench-checks.example.org"},
        "reviewRating": rating,
        "itemReviewed": {"@type": "Claim", "author": author, "datePublished": f"{year}-{month:02d}-{day:02d}",
                         "appearance": appearances},
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from claims.claimreview.records import parse_date
    from claims.models import Claim

    call_command("migrate", verbosity=0)
    rng = random.Random(args.seed)
    run = f"run-{int(time.time())}"
    feed = {"@context": "https://schema.org", "@type": "DataFeed", "dataFeedElement": [
        {"@type": "DataFeedItem", "item": [record(n, run, rng) for n in range(start, min(start + 10, args.records))]}
        for start in range(0, args.records, 10)]}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "feed.json"
        path.write_text(json.dumps(feed, ensure_ascii=False), encoding="utf-8")
        size = path.stat().st_size
        parse_date("8 de agosto de 2023")  # dateparser's one-off start-up, which any long-lived process pays once
        print(f"{args.records:,} records, {size / 1_000_000:.1f} MB DataFeed; database "
              f"{connection.settings_dict['NAME']} holds {Claim.objects.count():,} claims")
        for label in ("first run (all imported)", "second run (all updated)"):
            out = io.StringIO()
            started = time.perf_counter()
            call_command("import_claimreview", str(path), "--quiet-progress", stdout=out, stderr=io.StringIO())
            elapsed = time.perf_counter() - started
            summary = out.getvalue().splitlines()[-1]
            print(f"{label}: {args.records:,} records in {elapsed:.2f} s ({args.records / elapsed:,.0f} records/s)")
            print(f"  {summary}")


if __name__ == "__main__":
    main()
