"""The demo newsroom: a small desk built around a UK story about a returns deal with Iraq.

Everything is created through the services, so the history timeline is real. The verdicts say
on the page that they are demo content.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from claims import services
from claims.models import PUBLIC_STATUSES, Claim, Rating, Source, Speaker, Topic, Verdict
from claims.setup import EDITORS, JOURNALISTS

DEMO_NOTE = "*Demo content: this verdict shows how the desk works; it is not a published fact-check.*"
SOURCE_URL = "https://news.example.org/politics/uk-iraq-returns-agreement"
USERS = [
    # username, first, last, group
    ("journalist", "Amira", "Khan", JOURNALISTS),
    ("editor", "Tom", "Hughes", EDITORS),
    ("editor2", "Grace", "Okafor", EDITORS),
]
SPEAKERS = [
    ("Chris Philp", Speaker.Kind.PERSON, "Shadow Home Secretary", "Conservative Party",
     "Conservative MP for Croydon South."),
    ("Dan Jarvis", Speaker.Kind.PERSON, "Security Minister, Home Office", "Labour Party",
     "Labour MP for Barnsley North and Home Office minister."),
    ("Home Office", Speaker.Kind.ORGANISATION, "UK government department", "HM Government",
     "The department responsible for immigration, security and policing."),
]
TOPICS = ["Immigration", "Small boats", "Foreign policy"]
STATS_URL = "https://www.gov.uk/government/collections/migration-statistics"

# Each claim: speaker, quote exactly as said, claim as checked, topics, target state, evidence,
# verdict (rating slug, conclusion, analysis).
CLAIMS = [
    {
        "speaker": "Chris Philp",
        "quote": "Over 50,000 illegal immigrants have crossed the Channel in Labour's short time in power, "
                 "the worst illegal immigration crisis in our history.",
        "checked": "More than 50,000 people have crossed the Channel in small boats since Labour took office.",
        "topics": ["Immigration", "Small boats"],
        "state": "published",
        "correction": ("clarification", "We added which years the comparison with earlier peaks covers.",
                       "Annual arrivals in 2022 were higher than in the first twelve months of the new government, "
                       "so the superlative does not hold for that comparison."),
        "evidence": [
            ("Irregular migration to the UK: small boat arrivals", "Home Office", "supports",
             "Detections of people arriving by small boat, by month and nationality.",
             "Monthly totals since July 2024 add up to the figure quoted.", "50000", "people",
             "July 2024 onwards"),
            ("Small boat arrivals in earlier years", "Home Office", "context",
             "Arrivals in 2022 were higher than in any single year since.",
             "Whether this is the 'worst crisis in our history' depends on the period compared.", "", "", ""),
        ],
        "verdict": ("half-true",
                    "The total is about right, but calling it the worst crisis in history ignores earlier peaks.",
                    "The cumulative count of small boat arrivals since the general election passed 50,000, "
                    "so the number holds up.\n\nThe second half of the sentence is a judgement: annual "
                    "arrivals were higher in 2022 than in the first year of the new government."),
    },
    {
        "speaker": "Chris Philp",
        "quote": "barely any small boat arrivals are Iraqi",
        "checked": "Very few people arriving in the UK by small boat are Iraqi nationals.",
        "topics": ["Immigration", "Small boats", "Foreign policy"],
        "state": "published",
        "changes_requested": "Say what share of all arrivals the Iraqi figure is.",
        "evidence": [
            ("Small boat arrivals by nationality, year to March 2025", "Home Office", "contradicts",
             "1,900 Iraqi nationals arrived by small boat in the year to March 2025, down from 2,600 the "
             "year before.", "Iraqis remained one of the larger nationalities among arrivals.", "1900", "people",
             "year to March 2025"),
        ],
        "verdict": ("mostly-false",
                    "Around 1,900 Iraqis arrived by small boat in a year: a minority, but not 'barely any'.",
                    "Home Office statistics count 1,900 Iraqi arrivals by small boat in the year to March "
                    "2025, down from 2,600 in the previous year. That is a small share of all arrivals, but "
                    "thousands of people is hard to describe as *barely any*."),
    },
    {
        "speaker": "Home Office",
        "quote": "the number of Iraqis arriving in the UK by small boat has fallen to 1,900 in the year to "
                 "March 2025, down from 2,600 in the previous year",
        "checked": "Iraqi small boat arrivals fell from 2,600 to 1,900 in the year to March 2025.",
        "topics": ["Small boats", "Foreign policy"],
        "state": "in_review",
        "evidence": [
            ("Immigration system statistics, year ending March 2025", "Home Office", "supports",
             "Iraq: 1,900 small boat arrivals (previous year 2,600).", "Figures are rounded to the nearest "
             "hundred in the summary tables.", "1900", "people", "year to March 2025"),
        ],
        "verdict": ("true", "The published statistics show the fall the department describes.",
                    "The summary tables give 1,900 for the latest year and 2,600 for the year before."),
    },
    {
        "speaker": "Chris Philp",
        "quote": "most would qualify for asylum anyway",
        "checked": "Most Iraqis arriving by small boat would be granted asylum.",
        "topics": ["Immigration"],
        "state": "researching",
        "evidence": [
            ("Asylum grant rates by nationality", "Home Office", "context",
             "Initial decisions on asylum claims, by nationality of the applicant.",
             "Need the grant rate for Iraqi applicants specifically.", "", "", ""),
        ],
    },
    {
        "speaker": "Home Office",
        "quote": "116 migrants arrived aboard two small boats on August 15",
        "checked": "116 people crossed the Channel in two small boats on 15 August.",
        "topics": ["Small boats"],
        "state": "published",
        "approver": "editor2",
        "evidence": [
            ("Migrants detected crossing the English Channel in small boats: daily data", "Home Office",
             "supports", "15 August: 116 people, 2 boats.", "", "116", "people", "15 August"),
        ],
        "verdict": ("true", "The daily figures show 116 people in two boats that day.",
                    "The Home Office's daily series records 116 people detected in two boats on 15 August."),
    },
    {
        "speaker": "Chris Philp",
        "quote": "It's a sham designed to look tough while crossings keep soaring.",
        "checked": "Small boat crossings are rising.",
        "topics": ["Small boats"],
        "state": "researching",
        "evidence": [],
    },
    {
        "speaker": "Chris Philp",
        "quote": "Labour has scrapped Conservative deterrents and created the conditions for chaos",
        "checked": "The government has scrapped deterrence policies introduced by the previous government.",
        "topics": ["Immigration"],
        "state": "logged",
    },
    {
        "speaker": "Dan Jarvis",
        "quote": "As someone who served in Iraq, I understand first-hand the importance of building enduring "
                 "relationships in the region",
        "checked": "Dan Jarvis served in Iraq.",
        "topics": ["Foreign policy"],
        "state": "logged",
    },
    {
        "speaker": "Dan Jarvis",
        "quote": "By working together on security, development and migration challenges, we are building "
                 "stronger relationships that benefit both our countries",
        "checked": "The agreement strengthens UK–Iraq co-operation on security and migration.",
        "topics": ["Foreign policy", "Immigration"],
        "state": "dismissed",
        "reason": "A statement of intent, not a claim of fact we can check.",
    },
    {
        "speaker": "Home Office",
        "quote": "the accord would allow the swift return of illegal migrants",
        "checked": "The UK–Iraq agreement will speed up returns of people with no right to stay.",
        "topics": ["Foreign policy", "Immigration"],
        "state": "retracted",
        "approver": "editor2",
        "retraction": "We published this check before the text of the agreement was available. It did not meet "
                      "our standards and has been withdrawn.",
        "evidence": [
            ("Returns agreements: statement to Parliament", "Home Office", "context",
             "The agreement sets up a formal process for returns.", "", "", "", ""),
        ],
        "verdict": ("unproven", "There is no evidence yet of how quickly returns will happen.",
                    "The agreement's text had not been published when this check was written."),
    },
]


def demo_password() -> str:
    """``DEMO_PASSWORD``, or one generated once and kept in var/ for the owner only."""
    configured = os.environ.get("DEMO_PASSWORD")
    if configured:
        return configured
    path = Path(settings.VAR_DIR) / "demo_password"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    password = secrets.token_urlsafe(12)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(password + "\n")
    return password


def ensure_users(password: str) -> dict[str, object]:
    User = get_user_model()
    users = {}
    for username, first, last, group in USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "email": f"{username}@newsroom.example.org"},
        )
        if created or not user.check_password(password):
            user.set_password(password)
            user.save(update_fields=["password"])
        user.groups.add(Group.objects.get(name=group))
        users[username] = user
    return users


@transaction.atomic
def load_demo() -> tuple[bool, str]:
    """Create the demo newsroom; return (created, password). Running it twice changes nothing."""
    password = demo_password()
    users = ensure_users(password)
    if Source.objects.filter(url=SOURCE_URL).exists():
        return False, password
    editor = users["editor"]
    speakers = {}
    for name, kind, role, affiliation, description in SPEAKERS:
        speakers[name] = Speaker.objects.filter(name=name).first() or services.speaker_create(
            actor=editor,
            data={"name": name, "kind": kind, "role": role, "affiliation": affiliation, "description": description},
        )
    topics = {}
    for name in TOPICS:
        topics[name], _ = Topic.objects.get_or_create(name=name, defaults={"slug": name.lower().replace(" ", "-")})
    said = dt.date(2025, 8, 17)
    source = Source.objects.create(
        url=SOURCE_URL, title="Government strikes returns deal with Iraq", outlet="Example News",
        published_on=said, kind=Source.Kind.ARTICLE,
    )
    built = [_build_claim(spec, speakers, topics, source, said, users) for spec in CLAIMS]
    _add_appearances(built, speakers, users)
    return True, password


def _add_appearances(claims: list[Claim], speakers, users) -> None:
    """The same words said again: one appearance an editor added, one waiting for an editor."""
    by_quote = {claim.quote: claim for claim in claims}
    iraqi = by_quote.get("barely any small boat arrivals are Iraqi")
    if iraqi is not None:
        services.appearance_add(
            claim_id=iraqi.pk, actor=users["editor"], speaker=speakers["Chris Philp"], date_said=dt.date(2025, 8, 19),
            quote="Barely any of the small boat arrivals are Iraqi.",
            source_url="https://news.example.org/radio/morning-interview-philp")
    crossings = next((c for c in claims if c.quote.startswith("Over 50,000 illegal immigrants")), None)
    if crossings is not None:
        services.appearance_add(
            claim_id=crossings.pk, actor=users["journalist"], speaker=speakers["Chris Philp"],
            date_said=dt.date(2025, 8, 20), quote="Over 50,000 illegal immigrants have crossed the Channel.",
            source_url="https://social.example.org/posts/philp-channel")


def _build_claim(spec, speakers, topics, source, said, users) -> Claim:
    journalist, editor = users["journalist"], users["editor"]
    claim = services.claim_create(
        actor=journalist, quote=spec["quote"], claim_checked=spec["checked"], speaker=speakers[spec["speaker"]],
        source=source, date_said=said, topics=[topics[name] for name in spec["topics"]],
    )
    state = spec["state"]
    if state == "dismissed":
        services.claim_dismiss(claim_id=claim.pk, actor=editor, reason=spec["reason"])
    if state in ("logged", "dismissed"):
        return claim
    services.claim_assign(claim_id=claim.pk, actor=journalist)
    for title, publisher, stance, passage, note, figure, unit, period in spec.get("evidence", []):
        services.evidence_add(claim_id=claim.pk, actor=journalist, data={
            "url": STATS_URL, "title": title, "publisher": publisher, "stance": stance, "passage": passage,
            "note": note, "figure_value": figure or None, "figure_unit": unit, "figure_period": period,
            "published_on": dt.date(2025, 5, 22),
        })
    if "verdict" in spec:
        rating_slug, conclusion, analysis = spec["verdict"]
        services.verdict_save(claim_id=claim.pk, actor=journalist, version=None, data={
            "rating": Rating.objects.get(slug=rating_slug), "conclusion": conclusion,
            "analysis": f"{DEMO_NOTE}\n\n{analysis}",
        })
    if state in ("in_review", "published", "retracted"):
        services.claim_submit(claim_id=claim.pk, actor=journalist)
    if state == "published" and spec.get("changes_requested"):
        services.review_request_changes(claim_id=claim.pk, actor=users["editor2"], comment=spec["changes_requested"])
        verdict = claim.verdict
        services.verdict_save(claim_id=claim.pk, actor=journalist, version=verdict.version, data={
            "analysis": verdict.analysis + "\n\nIraqi nationals were a small minority of all small boat arrivals.",
        })
        services.claim_submit(claim_id=claim.pk, actor=journalist)
    if state in PUBLIC_STATUSES:
        approver = users[spec.get("approver", "editor")]
        services.review_approve(claim_id=claim.pk, actor=approver, comment="Checked the figures against the tables.")
    if "correction" in spec:
        kind, note, addition = spec["correction"]
        verdict = Verdict.objects.get(claim=claim)
        services.verdict_correct(claim_id=claim.pk, actor=users["editor2"], kind=kind, note=note,
                                 data={"analysis": f"{verdict.analysis}\n\n{addition}"})
    if state == "retracted":
        services.claim_retract(claim_id=claim.pk, actor=editor, note=spec["retraction"])
    claim.refresh_from_db()
    return claim
