"""Time to stream /claimreview.json from the benchmark database (run bench_matching.py first to fill it).

    FACTCHECK_ENV=development .venv/bin/python bench/bench_feed.py
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
os.environ.setdefault("FACTCHECK_ENV", "development")
os.environ.setdefault("FACTCHECK_DB_NAME", "factcheck_bench")


def main() -> None:
    import django

    django.setup()
    from django.test import Client
    from django.test.utils import setup_test_environment

    from claims.models import Claim

    setup_test_environment()
    published = Claim.objects.published().count()
    started = time.perf_counter()
    response = Client().get("/claimreview.json")
    first, size = None, 0
    for chunk in response.streaming_content:
        first = first if first is not None else time.perf_counter() - started
        size += len(chunk)
    total = time.perf_counter() - started
    print(f"/claimreview.json with {published:,} published checks: first byte after {first * 1000:.0f} ms, "
          f"{size / 1e6:.0f} MB in {total:.1f} s ({published / total:,.0f} ClaimReviews/s)")


if __name__ == "__main__":
    main()
