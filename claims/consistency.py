"""The consistency gate: the same claim gets the same rating, or a stated reason why not.

"Submit for review" and "Approve" look up published verdicts and archive records on matching
claims (``CONSISTENCY_MATCH_THRESHOLD``). Each one rated differently needs a statement from the
person acting: "Consistent with it", or "Differs because…" with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from claims.models import Claim, ConsistencyNote, Rating, Verdict

RELATIONS = dict(ConsistencyNote.Relation.choices)


@dataclass
class PastRuling:
    claim: Claim
    rating: Rating
    score: float

    @property
    def field(self) -> str:
        return f"relation_{self.claim.pk}"

    @property
    def reason_field(self) -> str:
        return f"reason_{self.claim.pk}"


def ruling_candidates(claim: Claim) -> list:
    """Published verdicts and archive records on claims like this one: "Past rulings", and what
    the gate compares with."""
    from claims.matching import find_similar

    return find_similar(f"{claim.quote} {claim.claim_checked}".strip(), exclude_id=claim.pk, limit=10,
                        language=claim.language)


def conflicting_rulings(claim: Claim, verdict: Verdict | None = None, candidates: list | None = None
                        ) -> list[PastRuling]:
    """Past rulings on matching claims whose rating differs from this verdict's."""
    from claims.matching import similarities

    if verdict is None:
        verdict = Verdict.objects.filter(claim=claim).select_related("rating").first()
    if verdict is None or verdict.rating_id is None:
        return []
    rated = []
    for match in ruling_candidates(claim) if candidates is None else candidates:
        past = getattr(match.claim, "verdict", None)
        # Unrated archive records never trigger the gate: a ClaimReview whose rating is not on our
        # scale keeps only the publisher's words (``publisher_rating``), and words are not a rating.
        if past is not None and past.rating is not None and past.rating.pk != verdict.rating_id:
            rated.append((match.claim, past.rating))
    # Quote against quote, and quote with claim as checked against the same: two comparisons for
    # all the rulings at once (one statistics query and one model call each).
    text = f"{claim.quote} {claim.claim_checked}".strip()
    by_quote = similarities(claim.quote, [past.quote for past, _ in rated])
    by_text = similarities(text, [f"{past.quote} {past.claim_checked}".strip() for past, _ in rated])
    return [PastRuling(past, rating, score)
            for (past, rating), score in zip(rated, map(max, by_quote, by_text), strict=True)
            if score >= settings.CONSISTENCY_MATCH_THRESHOLD]


def statement_errors(rulings: list[PastRuling], statements: dict[int, dict]) -> dict[str, list[str]]:
    """Errors next to each ruling's fields: a choice for each, and a reason when it differs."""
    errors: dict[str, list[str]] = {}
    for ruling in rulings:
        said = statements.get(ruling.claim.pk) or {}
        if said.get("relation") not in RELATIONS:
            errors[ruling.field] = [f"Say how this verdict relates to the earlier “{ruling.rating.label}” ruling."]
        elif said["relation"] == ConsistencyNote.Relation.DIFFERS and not said.get("reason"):
            errors[ruling.reason_field] = ["Say why the rating differs."]
    return errors
