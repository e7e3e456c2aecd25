"""Article intake: from an article's text to logged claims with their speakers and source."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q

from claims import permissions, services
from claims.errors import DuplicateClaim, Invalid
from claims.models import Claim, Source, Speaker
from claims.services.common import source_for_url
from claims.textnorm import drop_controls, normalise, straighten

MAX_CANDIDATES = 60


@dataclass
class IntakeCandidate:
    index: int
    candidate: object  # claims.extraction.Candidate
    segments: list[tuple[str, bool]]  # the quote in runs, True where a number is highlighted
    speaker: Speaker | None
    already: Claim | None = None
    reasons: list[str] = field(default_factory=list)

    @property
    def score_percent(self) -> int:
        return round(self.candidate.checkworthiness * 100)


def _segments(candidate) -> list[tuple[str, bool]]:
    quote, start = candidate.quote, candidate.start
    runs, cursor = [], 0
    spans = sorted((n["start"] - start, n["end"] - start) for n in candidate.numbers)
    for a, b in spans:
        if a < cursor or a < 0 or b > len(quote):
            continue
        if a > cursor:
            runs.append((quote[cursor:a], False))
        runs.append((quote[a:b], True))
        cursor = b
    if cursor < len(quote):
        runs.append((quote[cursor:], False))
    return runs


def _key(text: str) -> str:
    return " ".join(normalise(text).casefold().split())


def find_candidates(text: str) -> list[IntakeCandidate]:
    """Extract the claims, match speakers to the directory and flag claims already logged."""
    from claims.extraction import extract_claims

    candidates = extract_claims(text)[:MAX_CANDIDATES]
    names = {c.speaker for c in candidates if c.speaker}
    speakers = {}
    if names:
        wanted = Q()
        for name in names:
            wanted |= Q(name__iexact=name)
        for speaker in Speaker.objects.filter(wanted).order_by("-pk"):
            speakers[_key(speaker.name)] = speaker  # the oldest wins when duplicates await a merge
    # Typed by hand, a quote often has straight quotes where the article has curly ones: look both up.
    quotes = set()
    for c in candidates:
        straight = straighten(c.quote)
        quotes.update({c.quote, straight, straight.replace("'", "\u2019")})
    logged = Claim.objects.filter(quote__in=list(quotes)).exclude(status="merged").select_related("verdict__rating")
    existing = {_key(c.quote): c for c in logged}
    # Only the same words are flagged here, in one query for the whole article; logging a ticked quote
    # runs the full duplicate check and stops at "Already logged?" for any match.
    return [
        IntakeCandidate(index=i, candidate=c, segments=_segments(c),
                        speaker=speakers.get(_key(c.speaker)) if c.speaker else None,
                        already=existing.get(_key(c.quote)), reasons=list(c.reasons))
        for i, c in enumerate(candidates)
    ]


def decisions_from(post) -> dict[int, dict]:
    """The answers given so far to "Already logged?", one per candidate, from the posted form."""
    decisions = {}
    for key in post:
        if key.startswith("decision_") and key[9:].isdigit():
            index = int(key[9:])
            decisions[index] = {"decision": post.get(key), "claim": post.get(f"duplicate_of_{index}", ""),
                                "reason": drop_controls(post.get(f"reason_{index}", "")[:5000])}
    decide = post.get("decide", "")
    index, _, decision = decide.partition(":")
    if index.isdigit() and decision in ("appearance", "new"):
        decisions[int(index)] = {"decision": decision, "claim": post.get(f"duplicate_of_{index}", ""),
                                 "reason": drop_controls(post.get(f"reason_{index}", "")[:5000])}
    return decisions


def log_candidates(*, actor, text: str, picks: list[int], source_url: str = "", source_title: str = "",
                   decisions: dict[int, dict] | None = None) -> list[Claim]:
    """Create the chosen claims (logged), any new speakers and the source, all or nothing.

    A chosen quote that matches a claim already logged stops everything at ``DuplicateClaim``
    (its ``index`` names the candidate) until ``decisions`` answers for it: another appearance of
    that claim, or a new claim with its reason."""
    from claims.extraction import extract_claims

    permissions.require(actor, "claim_create")
    candidates = extract_claims(text)[:MAX_CANDIDATES]
    chosen = [candidates[i] for i in sorted(set(picks)) if 0 <= i < len(candidates)]
    created = []
    with transaction.atomic():
        if source_url:
            source = source_for_url(source_url, title=source_title, full_text=text)
        else:
            source = Source.objects.create(title=(source_title or "Pasted article")[:300], full_text=text)
        speakers: dict[str, Speaker] = {}
        for candidate in chosen:
            name = candidate.speaker or "Unknown speaker"
            key = _key(name)
            speaker = speakers.get(key) or Speaker.objects.filter(name__iexact=name).order_by("pk").first()
            if speaker is None:
                kind = Speaker.Kind.ORGANISATION if _looks_like_organisation(name) else Speaker.Kind.PERSON
                speaker = services.speaker_create(actor=actor, data={"name": name[:200], "kind": kind,
                                                                     "role": (candidate.speaker_role or "")[:200]})
            speakers[key] = speaker
            index = candidates.index(candidate)
            answer = (decisions or {}).get(index) or {}
            try:
                if answer.get("decision") == "appearance" and str(answer.get("claim", "")).isdigit():
                    services.appearance_add(claim_id=int(answer["claim"]), actor=actor, quote=candidate.quote[:5000],
                                            speaker=speaker, source=source)
                    continue
                created.append(services.claim_create(
                    actor=actor, quote=candidate.quote[:5000], speaker=speaker, source=source,
                    checkworthiness=max(0.0, min(1.0, float(candidate.checkworthiness))),
                    different_reason=answer.get("reason", "") if answer.get("decision") == "new" else None))
            except (DuplicateClaim, Invalid) as stop:
                stop.index = index
                raise
    return created


_ORG_WORDS = ("office", "department", "ministry", "council", "government", "party", "committee", "agency",
              "commission", "statistics", "service", "authority", "bank", "police", "union")


def _looks_like_organisation(name: str) -> bool:
    lowered = name.lower()
    return any(word in lowered.split() for word in _ORG_WORDS)

