"""One table answering "may this user do this here?".

Each action maps the claim states it is allowed in to the roles that may take it. ``can``
answers yes or no; ``require`` raises ``PermissionDenied`` (403) for the wrong role and
``WrongState`` (409) for the right role in the wrong state; ``actions_for`` lists what a user
may do with a claim now, so templates never test groups themselves.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from claims.errors import WrongState
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
    "claim_view": {state: DESK for state in (*NOT_FINAL, "dismissed", "retracted")},
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
    "tip_manage": {NO_CLAIM: DESK},
    "speaker_edit": {NO_CLAIM: DESK},
    "speaker_merge": {NO_CLAIM: EDITORS_ONLY},
    "ratings_manage": {NO_CLAIM: EDITORS_ONLY},
}

# Workflow buttons, in the order the workspace shows them.
TRANSITIONS = ("assign_self", "assign", "submit", "approve", "request_changes", "correct", "retract",
               "dismiss", "reopen")


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


def can(user, action: str, claim=None) -> bool:
    if action not in TABLE:
        raise KeyError(f"Unknown action {action!r}")
    if claim is not None and getattr(claim, "imported", False) and action != "claim_view":
        return False  # archive records are read-only: they only feed matching and past rulings
    roles = TABLE[action].get(_state(claim), frozenset())
    return bool(roles & roles_of(user))


def require(user, action: str, claim=None) -> None:
    """Raise 403 when this user may never take the action, 409 when not in this state."""
    if can(user, action, claim):
        return
    if not (_allowed_roles(action) & roles_of(user)):
        raise PermissionDenied(f"You may not {action.replace('_', ' ')}.")
    if claim is None:
        raise WrongState("This needs a claim.")
    if getattr(claim, "imported", False):
        raise WrongState("This is an archive record from a past fact-check: it cannot be changed here.")
    raise WrongState(f"This claim is {claim.get_status_display().lower()}: you cannot do that now.")


def actions_for(user, claim) -> list[str]:
    return [action for action in TRANSITIONS if can(user, action, claim)]
