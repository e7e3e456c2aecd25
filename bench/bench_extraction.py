"""Throughput of claim extraction on one core: MB of article text per second.

    .venv/bin/python bench/bench_extraction.py [--mb 5] [--repeat 3]

Builds about 5 MB of article text from varied paragraphs (names, figures and quote styles
change from article to article), then times:
- extract_claims over ~5 KB articles one by one (the article-intake case),
- extract_claims over the whole text as one document (checks the passes stay linear),
- html_to_text over the same articles wrapped in HTML pages,
- find_numbers over the whole text.
The best of ``--repeat`` runs is reported. Needs no database and no Django settings.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from html import escape
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from claims.extraction import extract_claims, find_numbers, html_to_text

FIRST = ["Alison", "Marcus", "Nadia", "Idris", "Joanna", "Owen", "Priya", "Tomasz", "Grace", "Ravi", "Helen",
         "Kwame"]
LAST = ["Crowther", "Ebdon", "Quist", "Fenwick", "Pell", "Brackley", "Marsh", "Nowak", "Okafor", "Mahon", "Ward",
        "Mensah"]
ROLES = ["health minister", "shadow chancellor", "council leader", "transport secretary", "union leader",
         "education spokesperson", "chief executive of the Regional Growth Board"]
ORGS = ["Department for Transport", "Home Office", "Office for National Statistics", "Local Government Association",
        "Resolution Foundation", "Treasury"]
TOWNS = ["Millbrook", "Harlow Vale", "Stanport", "Kettering Cross", "Ashby Marsh"]
TOPICS = ["waiting lists", "rail fares", "council tax", "school budgets", "energy bills", "bus services",
          "house building"]

PARAGRAPHS = [
    "{role_cap} {name} said: \u201c{topic_cap} have risen by {pct}% since {year}, the steepest increase in a "
    "generation.\u201d",
    "\u201cWe have cut {topic} by {n:,} this year, more than we promised,\u201d said {name}, the {role}.",
    "The {org} said the change would save \u00a3{m}m a year and protect {n:,} jobs.",
    "According to the {org}, {topic} fell to {n:,} in the year to March {year}, down from {n2:,}.",
    "{short} added: \u201cThis is a fair settlement and I am proud of what we have achieved together.",
    "\u201cNobody should have to wait {k} months for treatment. Families deserve better than this.\u201d",
    "Nearly two-thirds of the {k} regions missed the target, and one in five missed it by more than half.",
    "Critics say the plan will cost the average household \u00a3{small} a year by {year2}.",
    "It follows a \u00a3{m}m investment announced last year, which ministers said would deliver {k} new depots.",
    "Mr {last} told the BBC: \u201cIt is a sham designed to look tough while costs keep soaring.\u201d",
    "Officials were not available for comment on the figures, which were published on Tuesday.",
    "The scheme was criticised by opposition {role} {name2}. He said the figures were \u201cdeeply misleading\u201d.",
    "Latest figures from the {org} showed {n:,} people used the service, {k} times as many as in {year}.",
]
BACKGROUND = [
    "The plan was first set out in the spring and has been through two rounds of consultation since then.",
    "Local groups in {town} have campaigned on the issue for several years, holding public meetings and "
    "collecting signatures outside the library on Saturday mornings.",
    "The {org} declined to comment further when approached on Wednesday evening.",
    "A decision is expected after the summer recess, when the committee meets again to consider amendments.",
    "Some of the changes will need approval from both houses, which could delay the timetable into next year.",
    "Three of the {k} sites named in the report are in the north-west, where the effect is expected to be felt first.",
]
FURNITURE = ["Read more: {topic_cap} to rise again next year", "By Sam Ortiz, Political Reporter",
             "Share this article", "Most read"]


def build(target_bytes: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    articles = []
    size = 0
    while size < target_bytes:
        first, last = rng.choice(FIRST), rng.choice(LAST)
        values = {
            "name": f"{first} {last}", "short": f"Mr {last}", "last": last,
            "name2": f"{rng.choice(FIRST)} {rng.choice(LAST)}", "role": rng.choice(ROLES), "org": rng.choice(ORGS),
            "topic": rng.choice(TOPICS), "pct": rng.randint(2, 60), "year": rng.randint(2008, 2022),
            "year2": rng.randint(2026, 2030), "n": rng.randint(1_000, 900_000), "n2": rng.randint(1_000, 900_000),
            "m": rng.randint(5, 950), "k": rng.randint(2, 18), "small": rng.randint(50, 900),
            "town": rng.choice(TOWNS),
        }
        values["role_cap"] = values["role"][:1].upper() + values["role"][1:]
        values["topic_cap"] = values["topic"][:1].upper() + values["topic"][1:]
        paras = [f"Ministers face questions over {values['topic']}."]
        paras += [p.format(**values) for p in rng.sample(PARAGRAPHS + BACKGROUND, len(PARAGRAPHS) + len(BACKGROUND))]
        paras.insert(rng.randint(1, 4), rng.choice(FURNITURE).format(**values))
        paras += ["Related", f"{values['topic_cap']} rise again", "Weather warning for the weekend"]
        newline = "\r\n" if rng.random() < 0.2 else "\n"
        article = newline.join(paras) + newline
        articles.append(article)
        size += len(article.encode("utf-8"))
    return articles


def as_html(article: str) -> str:
    body = "".join(f"<p>{escape(line)}</p>\n" for line in article.splitlines() if line)
    return (f"<!doctype html><html><head><title>Story</title><script>var x = 1;</script></head><body>"
            f"<header><nav><a href='/'>Home</a></nav></header><main><article><h1>Story</h1>{body}</article>"
            f"<aside><p>Most read</p></aside></main><footer>Copyright</footer></body></html>")


def best_of(repeat: int, work) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=float, default=5.0)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    articles = build(int(args.mb * 1_000_000))
    whole = "".join(articles)
    mb = len(whole.encode("utf-8")) / 1_000_000
    pages = [as_html(a) for a in articles]
    html_mb = sum(len(p.encode("utf-8")) for p in pages) / 1_000_000

    claims = sum(len(extract_claims(a)) for a in articles)
    per_article = best_of(args.repeat, lambda: [extract_claims(a) for a in articles])
    one_doc = best_of(args.repeat, lambda: extract_claims(whole))
    html = best_of(args.repeat, lambda: [html_to_text(p) for p in pages])
    numbers = best_of(args.repeat, lambda: find_numbers(whole))

    print(f"python {sys.version.split()[0]}, {len(articles)} articles, {mb:.2f} MB of text, {claims} claims")
    print(f"extract_claims, article by article: {per_article:6.2f} s  {mb / per_article:6.2f} MB/s")
    print(f"extract_claims, one {mb:.1f} MB text:   {one_doc:6.2f} s  {mb / one_doc:6.2f} MB/s")
    print(f"html_to_text ({html_mb:.1f} MB of HTML):  {html:6.2f} s  {html_mb / html:6.2f} MB/s")
    print(f"find_numbers, whole text:         {numbers:6.2f} s  {mb / numbers:6.2f} MB/s")


if __name__ == "__main__":
    main()
