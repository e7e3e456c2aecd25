"""Requests per second of a public fact-check page under gunicorn, next to a static file of the same
size served by the same server, and their ratios: the page cached; the page cache missed (every
request a new address) while the check's content is kept; and rendered from the database every
time (a second server with PUBLIC_CONTENT_CACHE_SECONDS=0). Then proof that two workers never
serve a stale page after a correction.

    FACTCHECK_ENV=development .venv/bin/python bench/bench_public.py [--seconds 10] [--clients 8]
        [--cache-url redis://127.0.0.1:6379/14]

The load comes from wrk (Debian's package) when it is installed, else from a Python load generator
in this process. The shared cache is Redis at --cache-url (the database cache with --cache-url "").
Uses DATABASE_URL when set, otherwise the embedded PostgreSQL; loads the demo newsroom first.
"""

from __future__ import annotations

import argparse
import http.client
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import load as load_tools  # noqa: E402 - bench/load.py, beside this script

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
os.environ.setdefault("FACTCHECK_ENV", "development")


def load(port: int, path_for, seconds: float, clients: int) -> float:
    """Closed-loop load: each client sends the next request when the last one is answered."""
    done = [0] * clients
    stop = time.monotonic() + seconds

    def client(index: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        n = 0
        while time.monotonic() < stop:
            conn.request("GET", path_for(index, n))
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                raise RuntimeError(f"{response.status} for {path_for(index, n)}")
            n += 1
        done[index] = n
        conn.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(done) / seconds


def wrk(port: int, path: str, seconds: float, clients: int, *, unique: bool = False) -> float:
    """Requests per second from wrk (bench/load.py); with ``unique``, every request is a cache miss."""
    figures = load_tools.wrk(port, path, seconds, clients, unique=unique)
    if figures["non2xx"] or figures["errors"]:
        raise RuntimeError(f"wrk saw errors for {path}: {figures}")
    return figures["rps"]


def fetch(port: int, path: str) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path)
    body = conn.getresponse().read().decode()
    conn.close()
    return body


def start_server(port: int, page: str, **settings: str) -> tuple[subprocess.Popen, str]:
    """gunicorn with two workers, as production runs it; returns it and the page it answered."""
    env = {**os.environ, "FACTCHECK_ENV": "development", "PUBLIC_CACHE_MAX_AGE": "0", **settings}
    server = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "factcheck.wsgi", "--workers", "2", "--threads", "1",
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning"], cwd=ROOT, env=env)
    for _ in range(100):
        try:
            return server, fetch(port, page)
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("gunicorn did not answer")


def measure(args, path: str, *, unique: bool = False) -> float:
    """Requests per second for one path; with ``unique``, every request has an address of its own."""
    if shutil.which("wrk"):
        return wrk(args.port, path, args.seconds, args.clients, unique=unique)
    if unique:
        return load(args.port, lambda i, n: f"{path}?nocache={i}-{n}-{time.time_ns()}", args.seconds, args.clients)
    return load(args.port, lambda i, n: path, args.seconds, args.clients)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--port", type=int, default=8123)
    parser.add_argument("--cache-url", default="redis://127.0.0.1:6379/14",
                        help='the shared cache (Redis); "" for the database cache')
    args = parser.parse_args()
    if args.cache_url:
        os.environ["CACHE_URL"] = args.cache_url
    else:
        os.environ.pop("CACHE_URL", None)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections
    from django.test.utils import override_settings

    from claims import services
    from claims.models import Claim

    call_command("migrate", verbosity=0)
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    claim = Claim.objects.published().newest_published().select_related("verdict", "speaker").first()
    page = f"/claims/{claim.slug}/"

    # A static file the size of the page, served by the same gunicorn through WhiteNoise.
    bench_static = ROOT / "static" / "bench-page.html"
    server, body = start_server(args.port, page)
    try:
        bench_static.write_text(body)  # WhiteNoise's autorefresh (outside production) finds it
        fetch(args.port, "/static/bench-page.html")
        fetch(args.port, page)
        generator = "wrk, 2 threads" if shutil.which("wrk") else "the Python load generator (no wrk)"
        static = measure(args, "/static/bench-page.html")
        cached = measure(args, page)
        uncached = measure(args, page, unique=True)

        # Staleness: warm both workers, correct the verdict, then every answer must be new, at the
        # page's own address and at a new one (the check's kept content).
        for n in range(50):
            fetch(args.port, page)
            fetch(args.port, f"{page}?warm={n}")
        marker = f"Corrected for the benchmark at {time.time_ns()}"
        verdict = claim.verdict
        from django.contrib.auth import get_user_model

        editor = get_user_model().objects.get(username="editor2")
        services.verdict_correct(claim_id=claim.pk, actor=editor, kind="update", note="Benchmark check.",
                                 data={"conclusion": marker})
        pages = [page, f"{page}?utm_source=bench", "/", f"/speakers/{claim.speaker.slug}/"]
        stale = {p: sum(marker not in fetch(args.port, p) for _ in range(100)) for p in pages}
        services.verdict_correct(claim_id=claim.pk, actor=editor, kind="update", note="Benchmark check undone.",
                                 data={"conclusion": verdict.conclusion})

        # The same page with nothing kept: every request read from the database and rendered.
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=20)
        server, _ = start_server(args.port, page, PUBLIC_CONTENT_CACHE_SECONDS="0")
        rendered = measure(args, page, unique=True)

        from django.conf import settings

        backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
        print(f"page size: {len(body.encode()):,} bytes; {args.clients} connections, {args.seconds:.0f} s each, "
              f"gunicorn 2 workers, {generator}, cache {backend}")
        for label, figure in (("static file, same size", static), ("fact-check page, cached", cached),
                              ("page cache missed (a new address), the check's content kept", uncached),
                              ("rendered from the database (nothing kept)", rendered)):
            ratio = "" if figure is static else f"   ratio {figure / static:.2f} of the static file"
            print(f"{label + ':':62} {figure:8.0f} requests/s{ratio}")
        print(f"after a correction: {sum(stale.values())} stale answers out of {100 * len(pages)} "
              f"(fact-check page at its address and a new one, home, speaker page: {stale})")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=20)
        bench_static.unlink(missing_ok=True)
        connections.close_all()


if __name__ == "__main__":
    if not shutil.which(str(ROOT / ".venv" / "bin" / "gunicorn")):
        sys.exit("Run make setup first: gunicorn is missing from .venv")
    main()
