"""Fill the database with realistic fake claims, for benchmarks (never on a production database)."""

import datetime as dt
import random
import sys
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from claims.appearances import add_first_appearances
from claims.matching import refresh_term_stats
from claims.models import Claim, Rating, Speaker, Topic, Verdict
from claims.search import write_vectors

FIRST = ["Alex", "Sam", "Priya", "Tom", "Grace", "Omar", "Chloe", "Daniel", "Fatima", "Hugh", "Isla", "Kwame",
         "Lena", "Marek", "Nia", "Owen", "Rosa", "Tariq", "Una", "Victor"]
LAST = ["Hart", "Singh", "Okafor", "Ellis", "Moreno", "Byrne", "Chen", "Dawson", "Evans", "Fischer", "Gallagher",
        "Hussain", "Ito", "Jensen", "Kaur", "Lloyd", "Murphy", "Novak", "Osei", "Price"]
ROLES = ["Home Secretary", "Shadow Chancellor", "Health Minister", "Mayor", "Leader of the Opposition",
         "Education Secretary", "Transport Minister", "MP", "Council Leader", "Housing Minister"]
SUBJECTS = [
    ("people crossed the Channel in small boats", "immigration"), ("new homes were built", "housing"),
    ("nurses joined the health service", "health"), ("police officers were recruited", "crime"),
    ("pupils missed school", "education"), ("buses were cut", "transport"),
    ("families used food banks", "cost of living"), ("patients waited over a year", "health"),
    ("jobs were created", "economy"), ("asylum claims were processed", "immigration"),
    ("crimes were recorded", "crime"), ("teachers left the profession", "education"),
]
PERIODS = ["last year", "since the election", "in the past decade", "this year", "since 2010", "in the last month",
           "in our time in office", "over the past five years"]
FRAMES = [
    "Over {n} {subject} {period}.", "More than {n} {subject} {period}, the most ever.",
    "Fewer than {n} {subject} {period}.", "Only {n} {subject} {period}, a record low.",
    "Under this government {n} {subject} {period}.", "{n} {subject} {period}, double the figure before.",
]


class Command(BaseCommand):
    help = "Create N fake claims (published, archive and in progress) with speakers, topics and verdicts."

    def add_arguments(self, parser):
        parser.add_argument("count", type=int)
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--yes", action="store_true",
                            help="fill a database that also holds claims this command did not make")

    def handle(self, *args, count, seed, yes, **options):
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", verbosity=0)  # a database of its own is usually a new one

        # Generated claims are published: on the demo's or a newsroom's database the public site
        # would serve them. Use a database of their own (FACTCHECK_DB_NAME=bench).
        others = Claim.objects.exclude(slug__startswith="gen-").count()
        if others and not yes:
            raise CommandError(
                f"The database {connection.settings_dict['NAME']!r} holds {others:,} claims this command did not "
                "make, and the public site would show the fake ones beside them. Run it on a database of its "
                "own (FACTCHECK_DB_NAME=bench .venv/bin/python manage.py generate_claims …), or add --yes.")
        rng = random.Random(seed)
        started = time.monotonic()
        speakers = self._speakers(rng)
        topics = {}
        for _, name in SUBJECTS:
            topics[name] = Topic.objects.filter(name__iexact=name).first() or Topic.objects.create(
                name=name.capitalize(), slug=f"gen-{name.replace(' ', '-')}")
        ratings = list(Rating.objects.filter(retired=False))
        offset = Claim.objects.count()
        done = 0
        while done < count:
            size = min(5000, count - done)
            self._batch(rng, offset + done, size, speakers, topics, ratings)
            done += size
            sys.stderr.write(f"\r{done:,}/{count:,} claims")
            sys.stderr.flush()
        sys.stderr.write("\n")
        refresh_term_stats()
        self.stdout.write(f"Created {count:,} claims in {time.monotonic() - started:.1f} s.")

    def _speakers(self, rng):
        speakers = []
        for i in range(200):
            name = f"{FIRST[i % len(FIRST)]} {LAST[(i * 7 + i // len(FIRST)) % len(LAST)]}"
            speaker, _ = Speaker.objects.get_or_create(
                slug=f"gen-speaker-{i}", defaults={"name": name, "role": rng.choice(ROLES), "affiliation": "Demo"})
            speakers.append(speaker)
        return speakers

    @transaction.atomic
    def _batch(self, rng, start, size, speakers, topics, ratings):
        claims, subjects = [], []
        now = timezone.now()
        for i in range(start, start + size):
            subject, topic = rng.choice(SUBJECTS)
            n = rng.choice([rng.randint(2, 99) * 1000, rng.randint(100, 999), rng.randint(1, 9) * 10000])
            quote = rng.choice(FRAMES).format(n=f"{n:,}", subject=subject, period=rng.choice(PERIODS))
            roll = rng.random()
            status = "published" if roll < 0.6 else ("logged" if roll < 0.8 else "researching")
            imported = status == "published" and rng.random() < 0.3
            when = now - dt.timedelta(days=rng.randint(0, 3650))
            claims.append(Claim(
                quote=quote, claim_checked=quote, speaker=rng.choice(speakers), status=status, imported=imported,
                slug=f"gen-{i}", date_said=when.date(), published_at=when if status == "published" else None,
                original_url=f"https://archive.example.org/checks/{i}" if imported else None,
            ))
            subjects.append(topic)
        Claim.objects.bulk_create(claims)
        verdicts = [Verdict(claim=c, rating=rng.choice(ratings), conclusion="Generated for benchmarks.",
                            published_at=c.published_at) for c in claims if c.status == "published"]
        Verdict.objects.bulk_create(verdicts)
        add_first_appearances(c.pk for c in claims)
        through = Claim.topics.through
        through.objects.bulk_create([through(claim_id=c.pk, topic_id=topics[t].pk) for c, t in zip(claims, subjects,
                                                                                                      strict=True)])
        conclusions = {v.claim_id: v.conclusion for v in verdicts}
        write_vectors((c.pk, c.quote, c.claim_checked, c.speaker.name, c.speaker.role, conclusions.get(c.pk, ""))
                      for c in claims)
