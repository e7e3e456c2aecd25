"""Every write that matters. Each service: check permission, lock the claim row, check the
state and version, save, write one Event, all in one transaction. Mail goes out on commit.

Views, the admin and commands call these; nothing else changes workflow state.
"""

from claims.permissions import can_approve, verdict_writers
from claims.search import refresh_search_vectors
from claims.services.directory import (
    public_claims_showing,
    rating_delete,
    rating_move,
    rating_retire,
    rating_save,
    source_save,
    speaker_create,
    speaker_merge,
    speaker_update,
    tip_create,
    tip_dismiss,
    topic_save,
)
from claims.services.editing import (
    annotation_add,
    annotation_resolve,
    appearance_accept,
    appearance_add,
    claim_create,
    claim_merge,
    claim_update,
    evidence_add,
    evidence_move,
    evidence_remove,
    evidence_update,
    reply_log,
    verdict_save,
)
from claims.services.workflow import (
    approvals_in_round,
    claim_assign,
    claim_dismiss,
    claim_reopen,
    claim_retract,
    claim_submit,
    missing_for_submission,
    review_approve,
    review_request_changes,
    verdict_correct,
    verdict_snapshot,
)

__all__ = [
    "annotation_add", "annotation_resolve", "appearance_accept", "appearance_add", "approvals_in_round",
    "can_approve", "claim_assign", "claim_create", "claim_dismiss", "claim_merge", "claim_reopen", "claim_retract",
    "claim_submit", "claim_update", "evidence_add", "evidence_move", "evidence_remove", "evidence_update",
    "missing_for_submission", "public_claims_showing", "rating_delete", "rating_move", "rating_retire",
    "rating_save", "refresh_search_vectors", "reply_log", "review_approve", "review_request_changes",
    "source_save", "speaker_create", "speaker_merge", "speaker_update", "tip_create", "tip_dismiss", "topic_save",
    "verdict_correct", "verdict_save", "verdict_snapshot", "verdict_writers",
]
