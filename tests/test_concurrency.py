"""Races against PostgreSQL with real threads (DESIGN.md §3: every transition checked on the server,
in one transaction). Each thread has its own connection, closed in a `finally`; a barrier lets them
start together."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable

import pytest
from django.contrib.auth.models import Group
from django.db import connection

from claims import services
from claims.errors import WrongState
from claims.models import Claim, Event, ReviewVote, Verdict
from claims.setup import EDITORS, JOURNALISTS
from tests import factories
from tests.factories import rating

pytestmark = pytest.mark.django_db(transaction=True)

ORIGINAL_CONCLUSION = "The total counts arrivals under both governments."


def run_together(calls: list[Callable[[], object]]) -> list[tuple[str, object]]:
    """Run each call in its own thread, all released at once; ("ok", result) or ("error", exception)."""
    barrier = threading.Barrier(len(calls))
    results: list[tuple[str, object] | None] = [None] * len(calls)

    def worker(index: int, call: Callable[[], object]) -> None:
        try:
            connection.ensure_connection()  # connect first, so that the barrier releases queries, not logins
            barrier.wait(timeout=20)
            results[index] = ("ok", call())
        except Exception as error:
            results[index] = ("error", error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, call), daemon=True) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck"
    return [result for result in results if result is not None]


def wrong_states(results) -> int:
    return sum(1 for kind, value in results if kind == "error" and isinstance(value, WrongState))


def unexpected(results) -> list:
    return [value for kind, value in results if kind == "error" and not isinstance(value, WrongState)]


@pytest.fixture
def author():
    return factories.UserFactory(username="author", groups=[Group.objects.get(name=JOURNALISTS)])


@pytest.fixture
def editors():
    group = Group.objects.get(name=EDITORS)
    return [factories.UserFactory(username=f"editor{n}", groups=[group]) for n in range(20)]


def ready_claim(author, n: int = 0) -> Claim:
    """In research, with evidence and the author's verdict: ready to submit."""
    claim = services.claim_create(actor=author, speaker=factories.SpeakerFactory(),
                                  quote=f"Over {50 + n},000 people crossed the Channel in our first year.")
    services.claim_assign(claim_id=claim.pk, actor=author)
    services.evidence_add(claim_id=claim.pk, actor=author, data={
        "url": "https://stats.example.org/small-boats", "title": "Small boat arrivals", "stance": "contradicts"})
    services.verdict_save(claim_id=claim.pk, actor=author, version=None, data={
        "rating": rating("mostly-false"), "conclusion": ORIGINAL_CONCLUSION})
    return Claim.objects.get(pk=claim.pk)


@pytest.fixture
def in_review(author) -> Claim:
    claim = ready_claim(author)
    services.claim_submit(claim_id=claim.pk, actor=author)
    return Claim.objects.get(pk=claim.pk)


def events_by_action(claim: Claim) -> Counter:
    return Counter(Event.objects.filter(claim=claim).values_list("action", flat=True))


# ---------------------------------------------------------------- approvals


def test_it_publishes_once_when_twenty_editors_approve_at_once(in_review, editors, settings):
    settings.REVIEW_APPROVALS_REQUIRED = 1
    results = run_together([
        lambda editor=editor: services.review_approve(claim_id=in_review.pk, actor=editor, comment="Yes.")
        for editor in editors])

    assert unexpected(results) == []
    assert len(results) == 20
    assert wrong_states(results) == 19
    claim = Claim.objects.get(pk=in_review.pk)
    assert claim.status == "published"
    assert ReviewVote.objects.filter(claim=claim, decision="approve").count() == 1
    actions = events_by_action(claim)
    assert actions["published"] == 1 and actions["approved"] == 0
    published = Event.objects.get(claim=claim, action="published")
    assert published.actor_id == ReviewVote.objects.get(claim=claim).editor_id
    assert (published.status_before, published.status_after) == ("in_review", "published")


def test_it_records_exactly_the_quorum_when_editors_approve_at_once(in_review, editors, settings):
    settings.REVIEW_APPROVALS_REQUIRED = 5
    results = run_together([
        lambda editor=editor: services.review_approve(claim_id=in_review.pk, actor=editor)
        for editor in editors])

    assert unexpected(results) == []
    assert wrong_states(results) == 15
    claim = Claim.objects.get(pk=in_review.pk)
    assert claim.status == "published"
    votes = ReviewVote.objects.filter(claim=claim, decision="approve")
    assert votes.count() == 5
    assert len(set(votes.values_list("editor_id", flat=True))) == 5
    actions = events_by_action(claim)
    assert (actions["approved"], actions["published"]) == (4, 1)
    # The approvals counted up one by one: no two threads saw the same count.
    counts = sorted(e.changes["approvals"][1] for e in Event.objects.filter(
        claim=claim, action__in=["approved", "published"]))
    assert counts == [1, 2, 3, 4, 5]


def test_it_counts_one_editor_approving_from_five_threads_once(in_review, editors, settings):
    settings.REVIEW_APPROVALS_REQUIRED = 2
    editor = editors[0]
    results = run_together([
        lambda: services.review_approve(claim_id=in_review.pk, actor=editor) for _ in range(5)])

    assert [kind for kind, _ in results] == ["ok"] * 5
    claim = Claim.objects.get(pk=in_review.pk)
    assert claim.status == "in_review"
    assert ReviewVote.objects.filter(claim=claim, editor=editor).count() == 1
    assert events_by_action(claim)["approved"] == 1


# ---------------------------------------------------------------- a save racing a submission


def test_it_lands_a_verdict_save_wholly_before_a_submission_or_refuses_it(author):
    claims = [ready_claim(author, n) for n in range(10)]
    outcomes = Counter()
    for n, claim in enumerate(claims):
        verdict = Verdict.objects.get(claim=claim)
        saved = f"Fewer people crossed than claimed (draft {n})."
        results = run_together([
            lambda claim=claim, verdict=verdict, saved=saved: services.verdict_save(
                claim_id=claim.pk, actor=author, version=verdict.version, data={"conclusion": saved}),
            lambda claim=claim: services.claim_submit(claim_id=claim.pk, actor=author),
        ])
        (save_kind, save_result), (submit_kind, submit_result) = results
        assert submit_kind == "ok", submit_result

        after = Verdict.objects.get(pk=verdict.pk)
        events = list(Event.objects.filter(claim=claim).order_by("pk").values_list("action", flat=True))
        assert Claim.objects.get(pk=claim.pk).status == "in_review"
        assert after.submitted_at is not None
        if save_kind == "ok":
            outcomes["saved first"] += 1
            # The reviewer sees the saved conclusion, and the history shows it saved before it was submitted.
            assert after.conclusion == saved
            assert after.version == verdict.version + 1
            assert events[-2:] == ["verdict_saved", "submitted"]
        else:
            outcomes["refused"] += 1
            assert isinstance(save_result, WrongState), save_result
            assert save_result.status == 409
            assert (after.conclusion, after.version) == (ORIGINAL_CONCLUSION, verdict.version)
            assert events[-1] == "submitted"
            assert events.count("verdict_saved") == 1  # only the author's first draft
    assert sum(outcomes.values()) == 10
