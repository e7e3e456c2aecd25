"""The permission table (DESIGN.md §1 and §3), written out independently of claims/permissions.py."""

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.core.exceptions import PermissionDenied

from claims import permissions
from claims.errors import WrongState
from claims.models import Claim, Status
from claims.setup import EDITORS
from tests import factories

pytestmark = pytest.mark.django_db

PERSONAS = ("anonymous", "journalist", "editor", "outsider", "inactive_editor", "superuser")
STATES = tuple(Status.values)  # logged, researching, in_review, published, dismissed, retracted, merged

DESK = frozenset({"journalist", "editor", "superuser"})
EDITORS_ONLY = frozenset({"editor", "superuser"})
NOBODY = frozenset()

# action -> {state (None: not about one claim) -> personas allowed}; states left out allow nobody.
EXPECTED: dict[str, dict[str | None, frozenset[str]]] = {
    "desk_view": {None: DESK},
    "claim_create": {None: DESK},
    "tip_manage": {None: DESK},
    "speaker_edit": {None: DESK},
    "source_edit": {None: DESK},
    "topic_edit": {None: DESK},
    # A speaker's name, a source or a topic that a public check shows: editors only.
    "public_record_edit": {None: EDITORS_ONLY},
    "speaker_merge": {None: EDITORS_ONLY},
    "ratings_manage": {None: EDITORS_ONLY},
    "claimreview_import": {None: EDITORS_ONLY},
    "token_manage": {None: DESK},
    "webhook_manage": {None: EDITORS_ONLY},
    "jobs_manage": {None: EDITORS_ONLY},
    "link_health": {None: EDITORS_ONLY},
    "archive_retry": {"logged": DESK, "researching": DESK, "in_review": DESK, "published": DESK},
    "claim_view": {
        "logged": DESK, "researching": DESK, "in_review": DESK,
        "published": DESK, "dismissed": DESK, "retracted": DESK, "merged": DESK,
    },
    # Another time the claim was said; on a published check it waits for an editor to accept it.
    "appearance_add": {"logged": DESK, "researching": DESK, "published": DESK},
    "appearance_accept": {"published": EDITORS_ONLY},
    "merge": {"logged": EDITORS_ONLY, "researching": EDITORS_ONLY, "dismissed": EDITORS_ONLY,
              "published": EDITORS_ONLY},
    # In review: read-only; published: only through a correction.
    "claim_edit": {"logged": DESK, "researching": DESK},
    "evidence_edit": {"logged": DESK, "researching": DESK},
    "verdict_edit": {"logged": DESK, "researching": DESK},
    # Notes and right of reply stay open in review.
    "annotate": {"logged": DESK, "researching": DESK, "in_review": DESK, "published": DESK},
    "reply_log": {"logged": DESK, "researching": DESK, "in_review": DESK, "published": DESK},
    "assign_self": {"logged": DESK},
    "assign": {"logged": EDITORS_ONLY, "researching": EDITORS_ONLY},
    "submit": {"researching": DESK},
    "approve": {"in_review": EDITORS_ONLY},
    "request_changes": {"in_review": EDITORS_ONLY},
    "correct": {"published": EDITORS_ONLY},
    "retract": {"published": EDITORS_ONLY},
    "dismiss": {"logged": EDITORS_ONLY, "researching": EDITORS_ONLY},
    "reopen": {"dismissed": EDITORS_ONLY},
}

CLAIM_FREE = tuple(action for action, rows in EXPECTED.items() if None in rows)
CASES = [(action, None) for action in CLAIM_FREE] + [
    (action, state) for action in EXPECTED if action not in CLAIM_FREE for state in STATES
]


@pytest.fixture
def inactive_editor(db):
    return factories.UserFactory(username="gone", first_name="Former", last_name="Editor", is_active=False,
                                 groups=[Group.objects.get(name=EDITORS)])


@pytest.fixture
def anonymous():
    return AnonymousUser()


@pytest.fixture(params=PERSONAS)
def persona(request):
    return request.param, request.getfixturevalue(request.param)


def claim_in(state: str | None) -> Claim | None:
    return None if state is None else Claim(status=state)


def test_it_knows_exactly_the_actions_of_the_design():
    assert set(permissions.TABLE) == set(EXPECTED)


@pytest.mark.parametrize(("action", "state"), CASES)
def test_it_answers_can_from_the_table(action, state, persona):
    name, user = persona
    allowed = EXPECTED[action].get(state, NOBODY)
    assert permissions.can(user, action, claim_in(state)) is (name in allowed), (name, action, state)


@pytest.mark.parametrize("action", [a for a in EXPECTED if a not in CLAIM_FREE])
def test_it_refuses_claim_actions_without_a_claim(action, editor):
    assert permissions.can(editor, action, None) is False


def test_it_refuses_an_unknown_action(editor):
    with pytest.raises(KeyError):
        permissions.can(editor, "delete_everything")


# ---------------------------------------------------------------- require()


@pytest.mark.parametrize(
    ("persona_name", "action", "state"),
    [
        ("journalist", "approve", "in_review"),
        ("journalist", "request_changes", "in_review"),
        ("journalist", "correct", "published"),
        ("journalist", "retract", "published"),
        ("journalist", "dismiss", "logged"),
        ("journalist", "reopen", "dismissed"),
        ("journalist", "assign", "researching"),
        ("journalist", "ratings_manage", None),
        ("journalist", "claimreview_import", None),
        ("journalist", "speaker_merge", None),
        ("outsider", "claim_view", "published"),
        ("outsider", "claim_create", None),
        ("outsider", "annotate", "logged"),
        ("anonymous", "desk_view", None),
        ("anonymous", "claim_edit", "logged"),
        ("inactive_editor", "approve", "in_review"),
        ("inactive_editor", "desk_view", None),
    ],
)
def test_it_requires_the_right_role(persona_name, action, state, request):
    user = request.getfixturevalue(persona_name)
    with pytest.raises(PermissionDenied):
        permissions.require(user, action, claim_in(state))


@pytest.mark.parametrize(
    ("persona_name", "action", "state"),
    [
        ("editor", "approve", "researching"),
        ("editor", "request_changes", "published"),
        ("editor", "correct", "in_review"),
        ("editor", "retract", "retracted"),
        ("editor", "reopen", "logged"),
        ("editor", "dismiss", "in_review"),
        ("superuser", "approve", "logged"),
        ("journalist", "claim_edit", "in_review"),
        ("journalist", "evidence_edit", "published"),
        ("journalist", "verdict_edit", "in_review"),
        ("journalist", "submit", "logged"),
        ("journalist", "assign_self", "researching"),
        ("journalist", "annotate", "retracted"),
        ("journalist", "reply_log", "dismissed"),
    ],
)
def test_it_requires_the_right_state(persona_name, action, state, request):
    user = request.getfixturevalue(persona_name)
    claim = claim_in(state)
    with pytest.raises(WrongState) as refusal:
        permissions.require(user, action, claim)
    assert claim.get_status_display().lower() in refusal.value.message


@pytest.mark.parametrize(
    ("persona_name", "action", "state"),
    [
        ("editor", "approve", "in_review"),
        ("superuser", "retract", "published"),
        ("journalist", "submit", "researching"),
        ("journalist", "claim_create", None),
    ],
)
def test_it_requires_nothing_more_when_allowed(persona_name, action, state, request):
    assert permissions.require(request.getfixturevalue(persona_name), action, claim_in(state)) is None


# ---------------------------------------------------------------- actions_for()


@pytest.mark.parametrize(
    ("persona_name", "state", "expected"),
    [
        ("journalist", "logged", ["assign_self"]),
        ("journalist", "researching", ["submit"]),
        ("journalist", "in_review", []),
        ("journalist", "published", []),
        ("journalist", "dismissed", []),
        ("journalist", "retracted", []),
        ("editor", "logged", ["assign_self", "assign", "dismiss", "merge"]),
        ("editor", "researching", ["assign", "submit", "dismiss", "merge"]),
        ("editor", "in_review", ["approve", "request_changes"]),
        ("editor", "published", ["correct", "retract", "merge"]),
        ("editor", "dismissed", ["reopen", "merge"]),
        ("editor", "retracted", []),
        ("editor", "merged", []),
        ("superuser", "in_review", ["approve", "request_changes"]),
        ("outsider", "logged", []),
        ("outsider", "in_review", []),
        ("anonymous", "published", []),
        ("inactive_editor", "in_review", []),
    ],
)
def test_it_lists_only_allowed_transitions(persona_name, state, expected, request):
    user = request.getfixturevalue(persona_name)
    assert permissions.actions_for(user, claim_in(state)) == expected


# ---------------------------------------------------------------- roles


def test_it_counts_editors_as_journalists_and_superusers_as_editors(journalist, editor, superuser, outsider):
    assert permissions.roles_of(journalist) == {"journalist"}
    assert permissions.roles_of(editor) == {"journalist", "editor"}
    assert permissions.roles_of(superuser) == {"journalist", "editor"}
    assert permissions.roles_of(outsider) == set()
    assert permissions.is_editor(editor) and not permissions.is_editor(journalist)
    assert permissions.is_desk_member(journalist) and not permissions.is_desk_member(outsider)


def test_it_gives_no_roles_to_inactive_or_anonymous_users(inactive_editor):
    inactive_superuser = factories.UserFactory(is_superuser=True, is_active=False)
    for user in (inactive_editor, inactive_superuser, AnonymousUser(), None):
        assert permissions.roles_of(user) == set()


def test_it_offers_nothing_but_reading_on_an_archive_record(editor):
    record = factories.ClaimFactory(published=True, imported=True,
                                    original_url="https://archive.example.org/checks/1")
    assert permissions.can(editor, "claim_view", record)
    assert permissions.actions_for(editor, record) == []
    for action in ("claim_edit", "evidence_edit", "verdict_edit", "annotate", "correct", "retract"):
        assert not permissions.can(editor, action, record), action
        with pytest.raises(WrongState):
            permissions.require(editor, action, record)


# ---------------------------------------------------------------- four eyes


def _written_by(author, *, state: str = "in_review"):
    from claims.events import record_event

    claim = factories.ClaimFactory(status=state, with_verdict=False)
    factories.VerdictFactory(claim=claim, author=author)
    record_event(actor=author, claim=claim, action="verdict_saved", changes={"conclusion": ["", "x"]})
    return claim


def test_it_refuses_the_verdicts_writer_approve_and_request_changes(editor, editor2):
    claim = _written_by(editor)
    for action in ("approve", "request_changes"):
        assert permissions.can(editor, action, claim) is False
        with pytest.raises(permissions.SelfApprovalDenied):
            permissions.require(editor, action, claim)
        assert permissions.can(editor2, action, Claim.objects.get(pk=claim.pk)) is True
    assert permissions.actions_for(editor, Claim.objects.get(pk=claim.pk)) == []


def test_it_counts_an_evidence_edit_as_writing_the_verdict(editor, editor2):
    from claims.events import record_event

    claim = _written_by(editor2)
    record_event(actor=editor, claim=claim, action="evidence_updated", changes={"title": ["a", "b"]})
    assert permissions.can_approve(editor, Claim.objects.get(pk=claim.pk)) is False


def test_it_holds_superusers_to_four_eyes(superuser):
    claim = _written_by(superuser)
    with pytest.raises(permissions.SelfApprovalDenied):
        permissions.require(superuser, "approve", claim)
