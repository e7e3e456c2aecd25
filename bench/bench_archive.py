"""Archiving speed and storage, from a local web site.

    FACTCHECK_ENV=development .venv/bin/python bench/bench_archive.py                 # 1,000 pages, 50 PDFs
    FACTCHECK_ENV=development .venv/bin/python bench/bench_archive.py --pages 5000 --pdfs 200

Serves --pages distinct HTML pages of about 20 KB (an article of varied sentences inside the usual
navigation, scripts and footer) and --pdfs PDFs of a few pages from a threaded ``http.server`` on
127.0.0.1, then measures:

- fetching every source into a copy with ``claims.archiving.store.fill_copy`` and saving it, one
  after the other (sources/s), and the storage per source (gzip body on disk against the body
  as sent, and the readable text kept in the database);
- the job path for --jobs of them: ``archive_request`` then a procrastinate worker running the
  ``archive.fetch`` jobs (sources/s, queueing included);
- the link-health pass over evidence of published checks citing every copy, with a tenth of the
  pages changed and a twentieth gone (links/s), and what it added to storage; then the next day's
  pass over the same pages, and the readable text kept before and after it.

Works in its own database (FACTCHECK_DB_NAME=archive_bench on the embedded server, or the
DATABASE_URL you give) and its own media folder (a temporary one).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
os.environ.setdefault("FACTCHECK_ENV", "development")
os.environ.setdefault("FACTCHECK_DB_NAME", "archive_bench")
os.environ["FETCH_ALLOW_NETWORKS"] = "127.0.0.0/8"  # the local site, and nothing else private
MEDIA = tempfile.TemporaryDirectory(prefix="archive-bench-")
os.environ["MEDIA_ROOT"] = MEDIA.name

SUBJECTS = ["The council", "The ministry", "A spokesperson", "The regulator", "The survey", "Official figures",
            "The report", "The trust", "Local residents", "The committee", "The department", "Researchers"]
VERBS = ["said", "showed", "estimated", "reported", "confirmed", "found", "denied", "noted", "warned", "argued"]
OBJECTS = ["bus routes", "school meals", "nurse numbers", "council tax", "water bills", "pothole repairs",
           "library hours", "recycling rates", "rail fares", "hospital beds", "rents", "ferry crossings"]
LINKS = "".join(f'<li><a href="/section/{n}">Section {n}</a></li>' for n in range(40))
SHELL = ("<!doctype html><html><head><meta charset=utf-8><title>{title}</title>"
         "<script>window.dataLayer=[];function track(){{dataLayer.push(arguments)}}</script>"
         "<style>body{{font-family:sans-serif}}nav li{{display:inline}}</style></head><body>"
         "<nav><ul>" + LINKS + "</ul></nav><article><h1>{title}</h1>{paragraphs}</article>"
         "<aside>Related: <a href=/a>one</a> <a href=/b>two</a></aside>"
         "<footer>Copyright. Subscribe to our newsletter. Cookies policy.</footer></body></html>")


def sentence(rng: random.Random) -> str:
    figure = f"{rng.randrange(100, 99_999):,}"
    return (f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} that {rng.choice(OBJECTS)} in district "
            f"{rng.randrange(1, 400)} {rng.choice(['rose', 'fell', 'stayed'])} to {figure} in "
            f"{rng.randrange(2015, 2026)}, {rng.choice(['up', 'down'])} {rng.randrange(2, 60)} per cent.")


def html_page(n: int, rng: random.Random, size: int = 20_000) -> bytes:
    paragraphs, length = [], 0
    while length < size - 3_500:  # the shell is about 3.5 KB
        paragraph = "<p>" + " ".join(sentence(rng) for _ in range(rng.randrange(3, 7))) + "</p>"
        paragraphs.append(paragraph)
        length += len(paragraph)
    return SHELL.format(title=f"Statistics release {n}", paragraphs="".join(paragraphs)).encode()


def pdf(n: int, rng: random.Random) -> bytes:
    from tests.pdfs import text_pdf

    return text_pdf(["\n".join(sentence(rng)[:90] for _ in range(40)) for _ in range(3)], title=f"Report {n}")


class Site:
    def __init__(self, pages: dict[str, tuple[bytes, str]]):
        self.pages = pages
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                body, kind = site.pages.get(self.path, (b"not found", ""))
                self.send_response(200 if kind else 404)
                self.send_header("Content-Type", kind or "text/plain")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def on_disk(folder: str) -> int:
    return sum(path.stat().st_size for path in Path(folder).rglob("*") if path.is_file())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=1_000)
    parser.add_argument("--pdfs", type=int, default=50)
    parser.add_argument("--jobs", type=int, default=100)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Sum
    from django.db.models.functions import Length
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from claims.archiving.health import check_links
    from claims.archiving.store import archive_request, fill_copy
    from claims.models import ArchivedCopy, Evidence
    from tests import factories

    # Evidence an earlier run left citing its (now closed) local site would only time out.
    Evidence.objects.filter(url__startswith="http://127.0.0.1:").delete()
    rng = random.Random(args.seed)
    run = f"run-{int(time.time())}"
    pages = {f"/{run}/page-{n}": (html_page(n, rng), "text/html; charset=utf-8") for n in range(args.pages)}
    pages |= {f"/{run}/report-{n}.pdf": (pdf(n, rng), "application/pdf") for n in range(args.pdfs)}
    site = Site(pages)
    urls = [site.base + path for path in pages]
    sent = sum(len(body) for body, _ in pages.values())
    print(f"{args.pages:,} HTML pages ({sum(len(b) for b, k in pages.values() if 'html' in k) / args.pages / 1000:.1f} "
          f"KB each on average) and {args.pdfs:,} PDFs, {sent / 1_000_000:.1f} MB in all; database "
          f"{connection.settings_dict['NAME']}, {ArchivedCopy.objects.count():,} copies before")

    # 1. fill_copy + save, one after the other.
    started = time.perf_counter()
    copies = []
    for url in urls:
        copy = fill_copy(ArchivedCopy(url=url))
        copy.save()
        copies.append(copy)
    elapsed = time.perf_counter() - started
    failed = sum(copy.state != "archived" for copy in copies)
    stored = on_disk(MEDIA.name)
    text = ArchivedCopy.objects.filter(pk__in=[c.pk for c in copies]).aggregate(n=Sum(Length("text")))["n"] or 0
    print(f"fill_copy + save, sequential: {len(urls):,} sources in {elapsed:.1f} s "
          f"({len(urls) / elapsed:,.1f} sources/s), {failed} failed")
    print(f"  storage: {stored / len(urls) / 1000:.1f} KB of gzip body on disk per source against "
          f"{sent / len(urls) / 1000:.1f} KB as sent ({stored / sent:.0%}); readable text kept "
          f"{text / len(urls) / 1000:.1f} KB per source (in PostgreSQL, before its own compression)")

    # 2. The job path: archive_request defers archive.fetch; a worker runs the jobs.
    from procrastinate.contrib.django import app

    some = urls[: args.jobs]
    started = time.perf_counter()
    for url in some:
        archive_request(url, again=True)
    # As ``manage.py procrastinate worker`` runs it: on a connector of the worker's own.
    with app.replace_connector(app.connector.get_worker_connector()):
        app.run_worker(queues=["archive"], wait=False, install_signal_handlers=False, listen_notify=False)
    done = ArchivedCopy.objects.filter(url__in=some, state="archived").count() - len(some)
    elapsed = time.perf_counter() - started
    print(f"job path (archive_request + worker): {len(some):,} sources in {elapsed:.1f} s "
          f"({len(some) / elapsed:,.1f} sources/s, {done:,} archived); the same bodies again: "
          f"{on_disk(MEDIA.name) - stored:,} bytes more on disk")

    # 3. The link-health pass over evidence of published checks citing every copy.
    speaker = factories.SpeakerFactory(name=f"Bench speaker {run}", slug=f"bench-{run}")
    for n, copy in enumerate(copies):
        claim = factories.ClaimFactory(published=True, with_verdict=False, speaker=speaker, source=None,
                                       slug=f"bench-{run}-{n}")
        factories.EvidenceFactory(claim=claim, url=copy.url, archive=copy)
    paths = list(pages)
    for path in paths[: args.pages : 10]:
        body, kind = pages[path]
        pages[path] = (body.replace(b" per cent.", b" percent.", 3), kind)
    for path in paths[5 : args.pages : 20]:
        del pages[path]
    before = on_disk(MEDIA.name)
    started = time.perf_counter()
    summary = check_links()
    elapsed = time.perf_counter() - started
    print(f"link-health pass: {summary.checked:,} links in {elapsed:.1f} s ({summary.checked / elapsed:,.1f} "
          f"links/s): {summary}")
    print(f"  storage added by the pass: {(on_disk(MEDIA.name) - before) / 1000:,.0f} KB on disk "
          f"(bodies of changed pages only); {Evidence.objects.filter(archive__in=copies).count():,} evidence "
          f"rows still cite their first copy")

    # 4. The next day's pass: the same pages again, yesterday's copies now a day old.
    from claims.models import LinkCheck

    ArchivedCopy.objects.filter(url__in=urls).update(requested_at=timezone.now() - dt.timedelta(days=1, hours=1))

    def text_kept() -> int:
        return ArchivedCopy.objects.filter(url__in=urls).aggregate(n=Sum(Length("text")))["n"] or 0

    before_text, before = text_kept(), on_disk(MEDIA.name)
    started = time.perf_counter()
    summary = check_links()
    elapsed = time.perf_counter() - started
    print(f"next day's pass: {summary.checked:,} links in {elapsed:.1f} s: {summary}")
    print(f"  readable text kept for these addresses: {before_text / 1_000_000:.1f} MB before, "
          f"{text_kept() / 1_000_000:.1f} MB after ({ArchivedCopy.objects.filter(url__in=urls).count():,} copy rows, "
          f"{LinkCheck.objects.filter(copy__url__in=urls).count():,} checks); "
          f"{(on_disk(MEDIA.name) - before) / 1000:,.0f} KB more on disk")


if __name__ == "__main__":
    main()
