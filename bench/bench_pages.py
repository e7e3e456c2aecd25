"""Uncached page times and query counts at scale, public and desk, in the benchmark database.

    FACTCHECK_ENV=development .venv/bin/python bench/bench_pages.py   # after bench_matching.py filled it

Each page is requested once with a fresh query string, so the public cache cannot answer it.
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
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from claims.models import Claim

    setup_test_environment()
    editor, _ = get_user_model().objects.get_or_create(username="bench-editor",
                                                       defaults={"first_name": "Bench", "last_name": "Editor"})
    editor.groups.add(Group.objects.get(name="Editors"))
    reader, desk = Client(), Client()
    desk.force_login(editor)
    slug = Claim.objects.published().order_by("-pk").values_list("slug", flat=True).first()
    working = Claim.objects.filter(status="researching").order_by("-pk").values_list("pk", flat=True).first()
    pages = [(reader, p) for p in ("/", "/?rating=true", "/search/?q=teachers+left", f"/claims/{slug}/",
                                   "/speakers/", "/topics/gen-health/", "/feeds/latest/")]
    pages += [(desk, p) for p in ("/desk/", "/desk/claims/", "/desk/claims/?status=logged",
                                  "/desk/claims/?q=teachers+left", f"/desk/claims/{working}/",
                                  "/desk/claims/similar/?quote=over+50000+people+crossed+the+channel")]
    print(f"{Claim.objects.count():,} claims")
    for client, path in pages:
        url = path + ("&" if "?" in path else "?") + f"bench={time.time_ns()}"
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            elapsed = (time.perf_counter() - started) * 1000
        print(f"{response.status_code} {path:45} {elapsed:7.0f} ms  {len(queries.captured_queries):3} queries")


if __name__ == "__main__":
    main()
