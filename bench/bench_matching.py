"""Claim matching quality on real data, latency at scale, and archive import speed.

    FACTCHECK_ENV=development .venv/bin/python bench/bench_matching.py --claims 1000000 --queries 300

First, quality: the CLEF-2020 CheckThat! task 2 training split (../shared/matching/clef2020-train,
never copied here; skipped when absent) is imported with import_claims into a database of its own
(factcheck_clef), and each of its 800 tweets is matched as find_similar matches it. MAP@5 and
Recall@5 are printed for textbook BM25 (every claim, English stop words, no stemming), for our
word stage alone and for the hybrid score, on the first 600 tweets (where MATCH_SEMANTIC_SHARE was
tuned: the grid is printed too) and on the last 200 (held back).

Then scale, in its own database (FACTCHECK_DB_NAME=factcheck_bench on the embedded server, or the
DATABASE_URL you give, whose database name is replaced): filled with generate_claims up to
--claims and embedded, it times find_similar on paraphrased queries (embedding the query included)
and prints p50/p95/p99; then imports a CSV of --import-rows archive rows.
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
CLEF = ROOT.parent / "shared" / "matching" / "clef2020-train"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
os.environ.setdefault("FACTCHECK_ENV", "development")


def use_database(name: str) -> None:
    """Work in database ``name``: on the embedded server, or on DATABASE_URL's server (created there)."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        os.environ["FACTCHECK_DB_NAME"] = name
        return
    import psycopg

    base, _, _ = url.rpartition("/")
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = f"{base}/{name}"

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


# --- quality on the CLEF-2020 training split ---------------------------------------------------------

TUNED, HELD_BACK = slice(0, 600), slice(600, 800)
_PLAIN_STOP = (
    "a about above after again against all am an and any are as at be because been before being below between "
    "both but by can cannot could did do does doing down during each few for from further had has have having "
    "he her here hers herself him himself his how i if in into is it its itself me more most my myself no nor "
    "not of off on once only or other ought our ours ourselves out over own same she should so some such than "
    "that the their theirs them themselves then there these they this those through to too under until up very "
    "was we were what when where which while who whom why with would you your yours yourself yourselves")
PLAIN_STOP = frozenset(_PLAIN_STOP.split())


def read_clef(folder: Path):
    with (folder / "verified_claims.docs.tsv").open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle, delimiter="\t"))[1:]
    claims = {row[0]: row[1] for row in rows}
    with (folder / "tweets.queries.tsv").open(encoding="utf-8") as handle:
        tweets = [(r[0], r[1]) for r in list(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))[1:]]
    gold: dict[str, set[str]] = {}
    for line in (folder / "tweet-vclaim-pairs.qrels").read_text().splitlines():
        tweet, _, claim, _ = line.split()
        gold.setdefault(tweet, set()).add(claim)
    return claims, tweets, gold


def map_recall(results: list[list[str]], golds: list[set[str]]) -> tuple[float, float]:
    """MAP@5 and Recall@5 as the task measures them."""
    ap, recall = [], []
    for found, gold in zip(results, golds, strict=True):
        hits, total = 0, 0.0
        for k, key in enumerate(found[:5], start=1):
            if key in gold:
                hits += 1
                total += hits / k
        ap.append(total / min(len(gold), 5))
        recall.append(hits / len(gold))
    return statistics.fmean(ap), statistics.fmean(recall)


def plain_bm25(claims: dict[str, str], tweets: list[tuple[str, str]]) -> list[list[str]]:
    """Textbook Okapi BM25 (k1 1.2, b 0.75) over every claim: lower case, English stop words, no stemming."""
    import math
    import re

    def words(text: str) -> list[str]:
        return [w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in PLAIN_STOP]

    docs = {key: words(text) for key, text in claims.items()}
    avgdl = statistics.fmean(len(d) for d in docs.values())
    df: dict[str, int] = {}
    postings: dict[str, list[tuple[str, int]]] = {}
    for key, doc in docs.items():
        counts: dict[str, int] = {}
        for w in doc:
            counts[w] = counts.get(w, 0) + 1
        for w, tf in counts.items():
            df[w] = df.get(w, 0) + 1
            postings.setdefault(w, []).append((key, tf))
    n = len(docs)
    out = []
    for _, text in tweets:
        scores: dict[str, float] = {}
        for w in set(words(text)):
            idf = math.log(1 + (n - df.get(w, 0) + 0.5) / (df.get(w, 0) + 0.5))
            for key, tf in postings.get(w, ()):
                norm = 1.2 * (0.25 + 0.75 * len(docs[key]) / avgdl)
                scores[key] = scores.get(key, 0.0) + idf * tf * 2.2 / (tf + norm)
        out.append([key for key, _ in sorted(scores.items(), key=lambda p: -p[1])[:5]])
    return out


def clef_quality(folder: Path) -> None:
    from django.conf import settings
    from django.core.management import call_command

    from claims.matching import has_pgvector, ranked, refresh_term_stats, score_candidates
    from claims.models import Claim

    claims, tweets, gold = read_clef(folder)
    prefix = "https://clef2020.example.org/vclaim/"
    if Claim.objects.filter(original_url__startswith=prefix).count() < len(claims):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "vclaims.csv"
            with path.open("w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle)
                writer.writerow(["claim", "speaker", "rating", "date", "url"])
                for key, text in claims.items():
                    writer.writerow([text[:500], "Snopes archive", "False", "2020-01-01", f"{prefix}{key}"])
            started = time.perf_counter()
            call_command("import_claims", str(path), quiet_progress=True, stdout=open(os.devnull, "w"))  # noqa: SIM115
            print(f"imported {len(claims):,} verified claims in {time.perf_counter() - started:.1f} s")
        refresh_term_stats()
    key_of = {pk: url.removeprefix(prefix) for pk, url in
              Claim.objects.filter(original_url__startswith=prefix).values_list("pk", "original_url")}
    golds = [gold.get(tweet, set()) for tweet, _ in tweets]
    mode = "pgvector (HNSW)" if has_pgvector() else "exact numpy re-ranking"
    print(f"CLEF-2020 task 2 training split: {len(claims):,} verified claims, {len(tweets)} tweets; "
          f"matching by meaning: {mode}")
    started = time.perf_counter()
    candidates = [score_candidates(text) for _, text in tweets]
    print(f"  candidates for {len(tweets)} tweets in {time.perf_counter() - started:.1f} s")

    def run(share: float | None, words_only: bool = False) -> list[list[str]]:
        out = []
        for (_, text), (scored, by_pk, language) in zip(tweets, candidates, strict=True):
            if words_only:
                scored = [type(s)(s.pk, s.bm25, s.lexical, None, s.shared, s.text) for s in scored]
            matches = ranked(text, scored, by_pk, language, limit=5, share=share, words=False)
            out.append([key_of[m.claim.pk] for m in matches])
        return out

    def line(name: str, results: list[list[str]]) -> None:
        tuned = map_recall(results[TUNED], golds[TUNED])
        held = map_recall(results[HELD_BACK], golds[HELD_BACK])
        print(f"  {name:<34} first 600: MAP@5 {tuned[0]:.3f}  Recall@5 {tuned[1]:.3f}   "
              f"last 200 (held back): MAP@5 {held[0]:.3f}  Recall@5 {held[1]:.3f}")

    line("plain BM25 (textbook)", plain_bm25(claims, tweets))
    line("our word stage (BM25) alone", run(None, words_only=True))
    grid = {}
    for share in (0.2, 0.3, 0.4, 0.5, 0.6, 0.7):
        results = run(share)
        grid[share] = (map_recall(results[TUNED], golds[TUNED])[0], results)
    print("  MATCH_SEMANTIC_SHARE grid on the first 600 (MAP@5): "
          + ", ".join(f"{k:.1f} {v[0]:.3f}" for k, v in grid.items()))
    line(f"hybrid, share {settings.MATCH_SEMANTIC_SHARE} (configured)", run(None))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--import-rows", type=int, default=20_000)
    parser.add_argument("--only", choices=["quality", "scale"], help="one half only (each runs in its own database)")
    parser.add_argument("--database", default="factcheck_bench", help="the scale half's database")
    args = parser.parse_args()

    if args.only is None:
        import subprocess

        for half in ("quality", "scale"):
            subprocess.run([sys.executable, __file__, *sys.argv[1:], "--only", half], check=True)
        return
    use_database("factcheck_clef" if args.only == "quality" else args.database)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    if args.only == "quality":
        if CLEF.exists():
            clef_quality(CLEF)
        else:
            print(f"{CLEF} is absent: no quality figures.")
        return

    from claims.matching import find_duplicates, find_similar, has_pgvector, refresh_term_stats
    from claims.models import Claim

    have = Claim.objects.count()
    if have < args.claims:
        print(f"generating {args.claims - have:,} claims (once; they stay in {connection.settings_dict['NAME']})…")
        call_command("generate_claims", args.claims - have, seed=have + 1, yes=True)  # its own database
    missing = Claim.objects.filter(embedding__isnull=True).count()
    if missing:
        started = time.perf_counter()
        indexed = has_pgvector()
        if indexed and missing > 50_000:  # building the HNSW indexes once is much faster than row by row
            with connection.cursor() as cursor:
                cursor.execute("DROP INDEX IF EXISTS claims_claim_embedding_hnsw")
                cursor.execute("DROP INDEX IF EXISTS claims_appearance_embedding_hnsw")
        call_command("embed_claims", missing=True, quiet_progress=True)
        if indexed and missing > 50_000:
            from importlib import import_module

            from django.db import migrations

            migration = import_module("claims.migrations.0016_embeddings")
            with connection.schema_editor() as editor, connection.cursor() as cursor:
                cursor.execute("SET maintenance_work_mem = '1GB'")
                migration.index_where_pgvector(migrations.state.StateApps, editor)
        print(f"embedded {missing:,} claims and their appearances in {time.perf_counter() - started:.1f} s")
    refresh_term_stats()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # a server with autovacuum off would plan a million rows without statistics
    total = Claim.objects.count()
    print(f"matching by meaning: {'pgvector (HNSW)' if has_pgvector() else 'exact numpy re-ranking'} "
          f"({connection.settings_dict['NAME']} on PostgreSQL {connection.pg_version // 10000})")
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
          "including the search vectors, the term statistics and the embeddings)")


if __name__ == "__main__":
    main()
