"""Uncached page times and query counts at scale, public and desk, in the benchmark database:
p50 and p95 over --requests requests per page (50), next to the targets.

    # after bench_matching.py filled its database:
    FACTCHECK_ENV=development .venv/bin/python bench/bench_pages.py [--requests 50]
    # with the shared cache of several app servers (README "Running at scale"):
    CACHE_URL=redis://127.0.0.1:6379/9 FACTCHECK_ENV=development .venv/bin/python bench/bench_pages.py

Every request has a fresh query string, so the public cache cannot answer it; the pages are
rendered in this process as gunicorn would (no test instrumentation of templates).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
os.environ.setdefault("FACTCHECK_ENV", "development")
os.environ.setdefault("FACTCHECK_DB_NAME", "factcheck_bench")
os.environ["ALLOWED_HOSTS"] = "testserver"
# A check's page is rendered every time (its kept content, claims.public_cache.keep_content, would answer).
os.environ["PUBLIC_CONTENT_CACHE_SECONDS"] = "0"

# p95 targets (ms): the public listings and the desk's claims list.
TARGETS = {"/": 50, "/?rating=true": 50, "/search/?q=teachers+left": 50, "/speakers/": 50,
           "/speakers/gen-speaker-20/": 50, "/desk/claims/": 100, "/desk/claims/?q=teachers+left": 100}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from claims.models import Claim
    editor, _ = get_user_model().objects.get_or_create(username="bench-editor",
                                                       defaults={"first_name": "Bench", "last_name": "Editor"})
    editor.groups.add(Group.objects.get(name="Editors"))
    reader, desk = Client(), Client()
    desk.force_login(editor)
    slug = Claim.objects.published().order_by("-pk").values_list("slug", flat=True).first()
    working = Claim.objects.filter(status="researching").order_by("-pk").values_list("pk", flat=True).first()
    pages = [(reader, p) for p in ("/", "/?rating=true", "/search/?q=teachers+left", f"/claims/{slug}/",
                                   "/speakers/", "/speakers/gen-speaker-20/", "/topics/gen-health/",
                                   "/feeds/latest/")]
    pages += [(desk, p) for p in ("/desk/", "/desk/claims/", "/desk/claims/?status=logged",
                                  "/desk/claims/?q=teachers+left", f"/desk/claims/{working}/",
                                  "/desk/claims/similar/?quote=over+50000+people+crossed+the+channel")]
    from django.conf import settings

    backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    print(f"{Claim.objects.count():,} claims, {args.requests} uncached requests a page "
          f"(PostgreSQL {connection.pg_version // 10000}, cache {backend})")
    for client, path in pages:
        timings = []
        for _ in range(args.requests):
            url = path + ("&" if "?" in path else "?") + f"bench={time.time_ns()}"
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - started) * 1000)
        timings.sort()
        p95 = timings[min(len(timings) - 1, int(0.95 * len(timings)))]
        target = TARGETS.get(path)
        verdict = "" if target is None else f"  target {target} ms: {'met' if p95 < target else 'MISSED'}"
        print(f"{response.status_code} {path:62} p50 {statistics.median(timings):6.1f} ms  p95 {p95:6.1f} ms  "
              f"{len(queries.captured_queries):3} queries{verdict}")


if __name__ == "__main__":
    main()
