"""One table answering "may this user do this here?".

Each action maps the claim states it is allowed in to the roles that may take it. ``can``
answers yes or no; ``require`` raises ``PermissionDenied`` (403) for the wrong role and
``WrongState`` (409) for the right role in the wrong state; ``actions_for`` lists what a user
may do with a claim now, so templates never test groups themselves.

Beside the table, the four-eyes rule (``can_approve``): nobody who wrote, edited or submitted a
verdict since the claim was last published may approve it or end a review round on it, in any
round; superusers included. It answers 403 with ``SelfApprovalDenied``.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from claims.errors import WrongState
from claims.models import Status
from claims.setup import EDITORS, JOURNALISTS

JOURNALIST = "journalist"
EDITOR = "editor"
DESK = frozenset({JOURNALIST, EDITOR})
EDITORS_ONLY = frozenset({EDITOR})
NO_CLAIM = None  # actions that do not concern one claim

OPEN = ("logged", "researching")
NOT_FINAL = ("logged", "researching", "in_review", "published")

# action -> {state: roles}
TABLE: dict[str, dict[str | None, frozenset[str]]] = {
    "desk_view": {NO_CLAIM: DESK},
    "claim_create": {NO_CLAIM: DESK},
    "claim_view": {state: DESK for state in (*NOT_FINAL, "dismissed", "retracted", "merged")},
    "claim_edit": {state: DESK for state in OPEN},
    "evidence_edit": {state: DESK for state in OPEN},
    "verdict_edit": {state: DESK for state in OPEN},
    "annotate": {state: DESK for state in NOT_FINAL},
    "reply_log": {state: DESK for state in NOT_FINAL},
    "assign_self": {"logged": DESK},
    "assign": {"logged": EDITORS_ONLY, "researching": EDITORS_ONLY},
    "submit": {"researching": DESK},
    "approve": {"in_review": EDITORS_ONLY},
    "request_changes": {"in_review": EDITORS_ONLY},
    "correct": {"published": EDITORS_ONLY},
    "retract": {"published": EDITORS_ONLY},
    "dismiss": {"logged": EDITORS_ONLY, "researching": EDITORS_ONLY},
    "reopen": {"dismissed": EDITORS_ONLY},
    # Another time the claim was said: joins at once, except on a public check (an editor accepts it).
    "appearance_add": {state: DESK for state in (*OPEN, "published")},
    "appearance_accept": {"published": EDITORS_ONLY},
    "merge": {state: EDITORS_ONLY for state in (*OPEN, "dismissed", "published")},
    "tip_manage": {NO_CLAIM: DESK},
    "speaker_edit": {NO_CLAIM: DESK},
    "source_edit": {NO_CLAIM: DESK},
    "topic_edit": {NO_CLAIM: DESK},
    # A speaker's name, a source or a topic that a public check shows.
    "public_record_edit": {NO_CLAIM: EDITORS_ONLY},
    "speaker_merge": {NO_CLAIM: EDITORS_ONLY},
    "ratings_manage": {NO_CLAIM: EDITORS_ONLY},
    "claimreview_import": {NO_CLAIM: EDITORS_ONLY},
    "token_manage": {NO_CLAIM: DESK},  # one's own API tokens
    "webhook_manage": {NO_CLAIM: EDITORS_ONLY},
    "jobs_manage": {NO_CLAIM: EDITORS_ONLY},
    "link_health": {NO_CLAIM: EDITORS_ONLY},
    # Fetching a source again after its archived copy failed: not an edit, so open in review too.
    "archive_retry": {state: DESK for state in NOT_FINAL},
}

# Workflow buttons, in the order the workspace shows them.
TRANSITIONS = ("assign_self", "assign", "submit", "approve", "request_changes", "correct", "retract",
               "dismiss", "reopen", "merge")


def roles_of(user) -> frozenset[str]:
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    if user.is_superuser:
        return frozenset({JOURNALIST, EDITOR})
    cached = getattr(user, "_factcheck_roles", None)
    if cached is None:
        names = set(user.groups.filter(name__in=(JOURNALISTS, EDITORS)).values_list("name", flat=True))
        roles = set()
        if EDITORS in names:
            roles |= {JOURNALIST, EDITOR}
        if JOURNALISTS in names:
            roles.add(JOURNALIST)
        cached = frozenset(roles)
        user._factcheck_roles = cached
    return cached


def is_desk_member(user) -> bool:
    return bool(roles_of(user))


def is_editor(user) -> bool:
    return EDITOR in roles_of(user)


def _state(claim) -> str | None:
    return None if claim is None else claim.status


def _allowed_roles(action: str) -> frozenset[str]:
    return frozenset().union(*TABLE[action].values())


# Archive records are read-only: they feed matching and past rulings, and gather appearances.
ARCHIVE_ACTIONS = frozenset({"claim_view", "appearance_add"})


def _table_allows(user, action: str, claim) -> bool:
    if action not in TABLE:
        raise KeyError(f"Unknown action {action!r}")
    if claim is not None and getattr(claim, "imported", False) and action not in ARCHIVE_ACTIONS:
        return False
    roles = TABLE[action].get(_state(claim), frozenset())
    return bool(roles & roles_of(user))


def can(user, action: str, claim=None) -> bool:
    if not _table_allows(user, action, claim):
        return False
    if action in FOUR_EYES and claim is not None:
        return can_approve(user, claim)
    return True


def require(user, action: str, claim=None) -> None:
    """Raise 403 when this user may never take the action, 409 when not in this state."""
    if _table_allows(user, action, claim):
        if action in FOUR_EYES and claim is not None and not can_approve(user, claim):
            raise SelfApprovalDenied(FOUR_EYES[action])
        return
    if not (_allowed_roles(action) & roles_of(user)):
        raise PermissionDenied(DENIED.get(action, "You do not have permission to do that."))
    if claim is None:
        raise WrongState("This needs a claim.")
    if getattr(claim, "imported", False):
        raise WrongState("This is an archive record from a past fact-check: it cannot be changed here.")
    raise WrongState(f"This claim is {claim.get_status_display().lower()}: you cannot do that now.")


# ---------------------------------------------------------------- four eyes

class SelfApprovalDenied(PermissionDenied):
    """The verdict's own writer tried to approve it or to end its review round (403)."""


FOUR_EYES = {
    "approve": "You wrote, edited or submitted this verdict: another editor must approve it.",
    "request_changes": "You wrote, edited or submitted this verdict: another editor must review it.",
}
# What counts as writing the verdict: its rating, conclusion and analysis, and its evidence.
VERDICT_WRITES = ("verdict_saved", "submitted", "evidence_added", "evidence_updated", "evidence_removed",
                  "evidence_moved")
# What a refusal says, in the sentence a colleague would use.
DESK_ONLY = "Only journalists and editors can {}."
DENIED = {
    "desk_view": DESK_ONLY.format("use the desk"),
    "claim_create": DESK_ONLY.format("log claims"),
    "claim_view": DESK_ONLY.format("open claims on the desk"),
    "claim_edit": DESK_ONLY.format("edit a claim"),
    "evidence_edit": DESK_ONLY.format("change a claim's evidence"),
    "verdict_edit": DESK_ONLY.format("write a verdict"),
    "annotate": DESK_ONLY.format("add notes"),
    "reply_log": DESK_ONLY.format("log a right of reply"),
    "assign_self": DESK_ONLY.format("take a claim"),
    "assign": "Only editors can assign claims to other people.",
    "submit": DESK_ONLY.format("submit a verdict for review"),
    "approve": "Only editors can approve a verdict.",
    "request_changes": "Only editors can send a verdict back for changes.",
    "correct": "Only editors can correct a published fact-check.",
    "retract": "Only editors can retract a published fact-check.",
    "dismiss": "Only editors can dismiss a claim.",
    "reopen": "Only editors can reopen a dismissed claim.",
    "appearance_add": DESK_ONLY.format("add an appearance"),
    "appearance_accept": "Only editors can accept an appearance on a published fact-check.",
    "merge": "Only editors can merge claims.",
    "tip_manage": DESK_ONLY.format("handle readers' tips"),
    "speaker_edit": DESK_ONLY.format("edit speakers"),
    "source_edit": DESK_ONLY.format("edit sources"),
    "topic_edit": DESK_ONLY.format("edit topics"),
    "public_record_edit": "Only editors can change what a published fact-check shows.",
    "speaker_merge": "Only editors can merge speakers.",
    "ratings_manage": "Only editors can manage the rating scale.",
    "claimreview_import": "Only editors can import ClaimReview.",
    "token_manage": DESK_ONLY.format("create API tokens"),
    "webhook_manage": "Only editors can manage webhooks.",
    "jobs_manage": "Only editors can see and retry background jobs.",
    "link_health": "Only editors can review the health of evidence links.",
    "archive_retry": DESK_ONLY.format("archive a source"),
}


def verdict_writers(claim) -> set[int]:
    """Everyone who wrote, edited or submitted the verdict since the claim was last published."""
    cached = getattr(claim, "_verdict_writers", None)
    if cached is not None:
        return cached
    if claim.pk is None:
        return set()
    from django.db.models import Max

    from claims.models import Event, Verdict

    events = Event.objects.filter(claim=claim)
    last_published = events.filter(action="published").aggregate(last=Max("pk"))["last"] or 0
    writers = set(events.filter(action__in=VERDICT_WRITES, pk__gt=last_published).exclude(actor=None)
                  .values_list("actor_id", flat=True))
    if claim.status != Status.PUBLISHED:
        verdict = Verdict.objects.filter(claim=claim).values("author_id", "submitted_by_id").first() or {}
        writers |= {pk for pk in verdict.values() if pk is not None}
    claim._verdict_writers = writers
    return writers


def can_approve(user, claim) -> bool:
    """The four-eyes rule, for "Approve" and "Request changes" alike."""
    return user is not None and user.pk is not None and user.pk not in verdict_writers(claim)


def actions_for(user, claim) -> list[str]:
    return [action for action in TRANSITIONS if can(user, action, claim)]
