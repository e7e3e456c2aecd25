"""Editing a claim, its evidence, its verdict, its notes and its right-of-reply log."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Case, F, Max, When
from django.utils import timezone

from claims import embeddings, permissions
from claims.archiving.store import archive_evidence
from claims.errors import DuplicateClaim, Invalid, WrongState
from claims.languages import detect_language, is_default, language_for, normalise_tag
from claims.matching import find_duplicates
from claims.models import (
    Annotation,
    Appearance,
    Claim,
    Correction,
    Evidence,
    ReplyAttempt,
    Speaker,
    Tip,
    Verdict,
)
from claims.search import refresh_search_vectors
from claims.services.common import (
    CLAIM_FIELDS,
    EVIDENCE_FIELDS,
    VERDICT_FIELDS,
    apply_changes,
    check_version,
    current_value,
    jsonable,
    lock_claim,
    lock_row,
    record_event,
    save_with_unique_slug,
    source_for_url,
)

# ---------------------------------------------------------------- claims

# What the archived copy and the passage check depend on.
ARCHIVED_FIELDS = frozenset({"url", "passage", "figure_value"})


def claim_create(*, actor, quote: str, speaker: Speaker, claim_checked: str = "", source=None,
                 date_said=None, topics=(), checkworthiness=None, imported: bool = False,
                 original_url: str | None = None, tip: Tip | None = None, source_url: str = "",
                 different_reason: str | None = None, check_duplicates: bool = True,
                 language: str | None = None) -> Claim:
    """Log a claim; ``source_url`` finds or creates its source in the same transaction. Without a
    ``language`` (a BCP 47 tag) the quote's language is guessed, else the newsroom's is used.

    When the quote matches claims already logged, nothing is saved: ``DuplicateClaim`` (409) names
    them, and the person either adds an appearance to one (``appearance_add``) or logs a new claim
    again with ``different_reason``, which the history keeps."""
    permissions.require(actor, "claim_create")
    language = language_for(quote, language)
    matches = find_duplicates(quote, language=language) if check_duplicates and not imported else []
    if different_reason is not None and not different_reason.strip():
        raise Invalid("Say why this is a different claim.",
                      errors={"different_reason": ["Say why this is a different claim."]})
    if matches and different_reason is None:
        raise DuplicateClaim("This quote matches a claim already logged.", matches=matches)
    with transaction.atomic():
        if source_url:
            source = source_for_url(source_url)
        if tip is not None:
            tip = _lock_new_tip(tip)
        claim = Claim(
            quote=quote, claim_checked=claim_checked, speaker=speaker, source=source, date_said=date_said,
            checkworthiness=checkworthiness, imported=imported, original_url=original_url or None,
            created_by=actor if actor.is_authenticated else None, language=language,
        )
        save_with_unique_slug(claim, f"{speaker.name} {claim_checked or quote}"[:90])
        if topics:
            claim.topics.set(topics)
        Appearance.objects.create(claim=claim, speaker=speaker, speaker_role=speaker.role,
                                  speaker_affiliation=speaker.affiliation, source=source, date_said=date_said,
                                  quote=quote, language=claim.language, primary=True,
                                  added_by=actor if actor.is_authenticated else None)
        refresh_search_vectors([claim.pk])
        embeddings.store_claims([claim.pk])
        embeddings.store_first_appearances([claim.pk])
        # The language is worth a line when it is not the newsroom's (which every claim has unless told).
        changes = {f: [None, jsonable(current_value(claim, f))] for f in CLAIM_FIELDS
                   if current_value(claim, f) and (f != "language" or not is_default(claim.language))}
        record_event(actor=actor, claim=claim, action="claim_created", changes=changes, before="", after=claim.status)
        if different_reason is not None:
            record_event(actor=actor, claim=claim, action="logged_as_new", comment=different_reason.strip()[:5000],
                         changes={"different_from": [None, [m.claim.pk for m in matches]]})
        if tip is not None:
            _convert_tip(actor, tip, claim)
    return claim


def _lock_new_tip(tip: Tip) -> Tip:
    tip = lock_row(Tip, tip.pk, "This tip no longer exists.")
    if tip.status != Tip.TipStatus.NEW:
        raise WrongState("This tip has already been handled.")
    return tip


def _convert_tip(actor, tip: Tip, claim: Claim) -> None:
    """The reader's tip became (or joined) this claim."""
    tip.status, tip.claim = Tip.TipStatus.CONVERTED, claim
    tip.save(update_fields=["status", "claim"])
    record_event(actor=actor, claim=claim, action="tip_converted", comment=tip.text[:200],
                 changes={"tip": [Tip.TipStatus.NEW, Tip.TipStatus.CONVERTED]})


def claim_update(*, claim_id: int, actor, version: int | None, data: dict[str, Any]) -> Claim:
    """Change a claim's fields (those in ``data``); a blank ``language`` is the quote's, guessed
    from its words, else the newsroom's."""
    with transaction.atomic():
        claim = lock_claim(claim_id)
        permissions.require(actor, "claim_edit", claim)
        check_version(claim, version, "claim", CLAIM_FIELDS)
        if "source_url" in data:
            data = {**data, "source": source_for_url(data["source_url"]) if data["source_url"] else None}
        if "language" in data:
            data = {**data, "language": language_for(data.get("quote", claim.quote), data["language"])}
        old_quote = claim.quote
        changes = apply_changes(claim, data, CLAIM_FIELDS)
        if "topics" in data:
            before = sorted(t.name for t in claim.topics.all())
            after = sorted(t.name for t in data["topics"])
            if before != after:
                changes["topics"] = [before, after]
                claim.topics.set(data["topics"])
        if not changes:
            return claim
        claim.version += 1
        claim.save()
        if claim.quote != old_quote:
            _detach_annotations(claim)
        sync_first_appearance(claim, speaker_changed="speaker" in changes)
        refresh_search_vectors([claim.pk])
        if claim.quote != old_quote or "claim_checked" in changes or "language" in changes:
            embeddings.store_claims([claim.pk])
            embeddings.store_appearances(claim.appearances.filter(primary=True).values_list("pk", flat=True))
        record_event(actor=actor, claim=claim, action="claim_updated", changes=changes)
    return claim


def sync_first_appearance(claim: Claim, *, speaker_changed: bool) -> None:
    """The claim's own quote, speaker, source and date are its first appearance: keep them in step."""
    fields = {"quote": claim.quote, "speaker": claim.speaker, "source": claim.source, "date_said": claim.date_said,
              "language": claim.language}
    if speaker_changed:
        fields.update(speaker_role=claim.speaker.role, speaker_affiliation=claim.speaker.affiliation)
    Appearance.objects.filter(claim=claim, primary=True).update(**fields)


def _describe(appearance: Appearance) -> str:
    where = appearance.source.url or appearance.source.title if appearance.source else ""
    said = f"{appearance.speaker.name}: “{appearance.quote[:200]}”"
    return ", ".join(filter(None, (said, where, appearance.date_said and appearance.date_said.isoformat())))


# ---------------------------------------------------------------- appearances and merges

def appearance_add(*, claim_id: int, actor, quote: str, speaker: Speaker, source_url: str = "", source=None,
                   date_said=None, tip: Tip | None = None, language: str | None = None) -> Appearance:
    """Another time the claim was said. On a public check a journalist's appearance waits for an
    editor ("Accept appearance"); anywhere else, and from an editor, it joins at once. Its language
    is the one given, else the one its words are in (a claim is repeated in translation), else the claim's."""
    with transaction.atomic():
        claim = lock_claim(claim_id)
        permissions.require(actor, "appearance_add", claim)
        if source_url:
            source = source_for_url(source_url)
        accepted = not claim.is_public or permissions.is_editor(actor)
        appearance = Appearance.objects.create(
            claim=claim, speaker=speaker, speaker_role=speaker.role, speaker_affiliation=speaker.affiliation,
            source=source, date_said=date_said, quote=quote, accepted=accepted, added_by=actor,
            language=normalise_tag(language) or detect_language(quote) or claim.language,
            accepted_by=actor if accepted and claim.is_public else None)
        if accepted and claim.is_public:
            claim.revised_at = timezone.now()
        claim.version += 1
        claim.save(update_fields=["version", "revised_at", "updated_at"])
        refresh_search_vectors([claim.pk])
        embeddings.store_appearances([appearance.pk])
        record_event(actor=actor, claim=claim, action="appearance_added",
                     changes={"appearance": [None, _describe(appearance)]},
                     comment="" if accepted else "Waiting for an editor to accept it.")
        if tip is not None:
            _convert_tip(actor, _lock_new_tip(tip), claim)
    return appearance


def appearance_accept(*, appearance_id: int, actor) -> Appearance:
    claim_id = Appearance.objects.filter(pk=appearance_id).values_list("claim_id", flat=True).first()
    if claim_id is None:
        raise WrongState("This appearance no longer exists.")
    with transaction.atomic():
        claim = lock_claim(claim_id)
        permissions.require(actor, "appearance_accept", claim)
        appearance = lock_row(Appearance, appearance_id, "This appearance no longer exists.")
        if appearance.accepted:
            return appearance
        appearance.accepted, appearance.accepted_by = True, actor
        appearance.save(update_fields=["accepted", "accepted_by"])
        claim.revised_at = timezone.now()
        claim.version += 1
        claim.save(update_fields=["version", "revised_at", "updated_at"])
        record_event(actor=actor, claim=claim, action="appearance_accepted",
                     changes={"appearance": [None, _describe(appearance)]})
    return appearance


def claim_merge(*, claim_id: int, into_id: int, actor) -> Claim:
    """Fold a claim into the one that survives: its appearances, evidence, notes, reply attempts and
    tips move; it ends ``merged``, read-only and never public, pointing to the survivor.

    When both are public the survivor keeps its verdict and its corrections log says what was merged;
    the merged page then redirects to it."""
    if claim_id == into_id:
        raise Invalid("Choose another claim to merge into.", errors={"into": ["Choose another claim."]})
    with transaction.atomic():
        first, second = sorted((claim_id, into_id))  # the same order everywhere: no deadlock
        locked = {pk: lock_claim(pk) for pk in (first, second)}
        claim, into = locked[claim_id], locked[into_id]
        permissions.require(actor, "merge", claim)
        if into.imported or into.status in ("merged", "dismissed", "retracted", "in_review"):
            reason = "an archive record" if into.imported else f"{into.get_status_display().lower()}"
            raise Invalid(f"Claim {into.pk} is {reason}: it cannot take in another claim.",
                          errors={"into": [f"Claim {into.pk} is {reason}: choose another claim."]})
        if claim.is_public and not into.is_public:
            raise Invalid("A published fact-check can only be merged into another published one.",
                          errors={"into": ["A published fact-check can only be merged into another published one."]})
        both_public = claim.is_public and into.is_public
        moved = {
            "appearances": Appearance.objects.filter(claim=claim).update(claim=into, primary=False),
            "evidence": _move_evidence(claim, into),
            # A note's span counted characters of the merged claim's quote: kept, marked detached.
            "notes": Annotation.objects.filter(claim=claim).update(
                claim=into, detached=Case(When(start__isnull=False, then=True), default=F("detached"))),
            "reply attempts": ReplyAttempt.objects.filter(claim=claim).update(claim=into),
            "tips": Tip.objects.filter(claim=claim).update(claim=into),
        }
        what = claim.claim_checked or claim.quote
        verdict = Verdict.objects.filter(claim=claim).select_related("rating").first()
        rated = verdict.rating.label if verdict and verdict.rating else None
        before = claim.status
        claim.status, claim.merged_into = "merged", into
        claim.version += 1
        claim.save(update_fields=["status", "merged_into", "version", "updated_at"])
        record_event(actor=actor, claim=claim, action="merged", before=before, after="merged",
                     changes={"merged_into": [None, into.pk]}, comment=f"Merged into claim {into.pk}")
        if into.is_public:
            # Whatever joins a public check shows on its page: its corrections log says so.
            if both_public:
                note = f"Merged: this claim was also checked as “{what[:300]}”" + (
                    f" (rated {rated})." if rated else ".")
            else:
                note = (f"Merged: another record of this claim was folded in, with {moved['appearances']} "
                        f"appearance{'s' if moved['appearances'] != 1 else ''} and {moved['evidence']} piece"
                        f"{'s' if moved['evidence'] != 1 else ''} of evidence.")
            Correction.objects.create(claim=into, kind=Correction.Kind.UPDATE, note=note, created_by=actor,
                                      previous={"merged_claim": claim.pk, "slug": claim.slug, "rating": rated})
            into.revised_at = timezone.now()
        into.version += 1
        into.save(update_fields=["version", "revised_at", "updated_at"])
        refresh_search_vectors([claim.pk, into.pk])
        record_event(actor=actor, claim=into, action="merged_in", comment=f"Claim {claim.pk}: “{what[:200]}”",
                     changes={"merged": [None, claim.pk], **{k: [0, v] for k, v in moved.items() if v}})
    return into


def _move_evidence(claim: Claim, into: Claim) -> int:
    """The merged claim's evidence goes after the survivor's, in its own order."""
    last = into.evidence.aggregate(m=Max("position"))["m"] or 0
    rows = list(Evidence.objects.filter(claim=claim).order_by("position", "id"))
    for offset, row in enumerate(rows, start=1):
        row.claim, row.position = into, last + offset
    Evidence.objects.bulk_update(rows, ["claim", "position"])
    return len(rows)


def _detach_annotations(claim: Claim) -> None:
    """Notes whose span no longer fits the edited quote are kept and marked detached."""
    length = len(claim.quote)
    Annotation.objects.filter(claim=claim, end__gt=length, detached=False).update(detached=True)


# ---------------------------------------------------------------- evidence

def evidence_add(*, claim_id: int, actor, data: dict[str, Any]) -> Evidence:
    with transaction.atomic():
        claim = lock_claim(claim_id)
        permissions.require(actor, "evidence_edit", claim)
        last = claim.evidence.aggregate(m=Max("position"))["m"]
        evidence = Evidence(claim=claim, added_by=actor, position=(last or 0) + 1)
        changes = apply_changes(evidence, data, EVIDENCE_FIELDS)
        evidence.save()
        archive_evidence(evidence)  # fetched by a job: saving never waits for the source
        record_event(actor=actor, claim=claim, action="evidence_added", changes=changes, comment=evidence.title)
    return evidence


def _lock_evidence(evidence_id: int) -> tuple[Claim, Evidence]:
    claim_id = Evidence.objects.filter(pk=evidence_id).values_list("claim_id", flat=True).first()
    if claim_id is None:
        raise WrongState("This evidence has been removed.")
    claim = lock_claim(claim_id)
    evidence = lock_row(Evidence, evidence_id, "This evidence has been removed.")
    return claim, evidence


def evidence_update(*, evidence_id: int, actor, version: int | None, data: dict[str, Any]) -> Evidence:
    with transaction.atomic():
        claim, evidence = _lock_evidence(evidence_id)
        permissions.require(actor, "evidence_edit", claim)
        check_version(evidence, version, "evidence", EVIDENCE_FIELDS)
        changes = apply_changes(evidence, data, EVIDENCE_FIELDS)
        if changes:
            evidence.version += 1
            evidence.save()
            if ARCHIVED_FIELDS & changes.keys():
                archive_evidence(evidence)  # a new address is fetched; a new passage is looked up again
            record_event(actor=actor, claim=claim, action="evidence_updated", changes=changes, comment=evidence.title)
    return evidence


def evidence_remove(*, evidence_id: int, actor) -> Claim:
    with transaction.atomic():
        claim, evidence = _lock_evidence(evidence_id)
        permissions.require(actor, "evidence_edit", claim)
        changes = {f: [jsonable(getattr(evidence, f)), None] for f in EVIDENCE_FIELDS if getattr(evidence, f)}
        evidence.delete()
        record_event(actor=actor, claim=claim, action="evidence_removed", changes=changes, comment=evidence.title)
    return claim


def evidence_move(*, evidence_id: int, actor, direction: str) -> Claim:
    if direction not in ("up", "down"):
        raise Invalid("Move up or down.")
    with transaction.atomic():
        claim, evidence = _lock_evidence(evidence_id)
        permissions.require(actor, "evidence_edit", claim)
        rows = list(claim.evidence.order_by("position", "id"))
        index = next(i for i, row in enumerate(rows) if row.pk == evidence.pk)
        target = index - 1 if direction == "up" else index + 1
        if not 0 <= target < len(rows):
            return claim
        before = [row.title for row in rows]
        rows[index], rows[target] = rows[target], rows[index]
        for position, row in enumerate(rows, start=1):
            if row.position != position:
                row.position = position
                row.save(update_fields=["position"])
        record_event(actor=actor, claim=claim, action="evidence_moved",
               changes={"order": [before, [row.title for row in rows]]}, comment=evidence.title)
    return claim


# ---------------------------------------------------------------- verdict, notes, replies

def verdict_save(*, claim_id: int, actor, version: int | None, data: dict[str, Any]) -> Verdict:
    with transaction.atomic():
        claim = lock_claim(claim_id)
        permissions.require(actor, "verdict_edit", claim)
        verdict = Verdict.objects.select_for_update().filter(claim=claim).first()
        created = verdict is None
        if created:
            verdict = Verdict(claim=claim, author=actor)
        else:
            check_version(verdict, version, "verdict", VERDICT_FIELDS)
        changes = apply_changes(verdict, data, VERDICT_FIELDS)
        if not changes and not created:
            return verdict
        if not created:
            verdict.version += 1
        verdict.save()
        if "conclusion" in changes:
            refresh_search_vectors([claim.pk])
        record_event(actor=actor, claim=claim, action="verdict_saved", changes=changes)
    return verdict


def annotation_add(*, claim_id: int, actor, body: str, start: int | None = None, end: int | None = None,
                   parent_id: int | None = None) -> Annotation:
    with transaction.atomic():
        claim = lock_claim(claim_id)
        permissions.require(actor, "annotate", claim)
        if (start is None) != (end is None):
            raise Invalid("Give both the start and the end of the span.", errors={"start": ["Give both."]})
        if start is not None and not (0 <= start < end <= len(claim.quote)):
            raise Invalid("The span must lie inside the quote.",
                          errors={"end": [f"The span must lie inside the quote (0 to {len(claim.quote)})."]})
        parent = None
        if parent_id is not None:
            parent = Annotation.objects.filter(pk=parent_id, claim=claim, parent__isnull=True).first()
            if parent is None:
                raise Invalid("That note does not exist on this claim.")
            start = end = None
        note = Annotation.objects.create(claim=claim, author=actor, body=body, start=start, end=end,
                                         parent=parent)
        record_event(actor=actor, claim=claim, action="note_replied" if parent else "note_added",
               changes={"body": [None, body], **({"span": [None, [start, end]]} if start is not None else {})})
    return note


def annotation_resolve(*, annotation_id: int, actor) -> Annotation:
    claim_id = Annotation.objects.filter(pk=annotation_id).values_list("claim_id", flat=True).first()
    if claim_id is None:
        raise WrongState("This note no longer exists.")
    with transaction.atomic():
        claim = lock_claim(claim_id)
        permissions.require(actor, "annotate", claim)
        note = lock_row(Annotation, annotation_id, "This note no longer exists.")
        if not note.resolved:
            note.resolved = True
            note.save(update_fields=["resolved"])
            record_event(actor=actor, claim=claim, action="note_resolved", changes={"resolved": [False, True]},
                   comment=note.body[:200])
    return note


def reply_log(*, claim_id: int, actor, data: dict[str, Any]) -> ReplyAttempt:
    with transaction.atomic():
        claim = lock_claim(claim_id)
        permissions.require(actor, "reply_log", claim)
        attempt = ReplyAttempt(claim=claim, logged_by=actor)
        changes = apply_changes(attempt, data, ("contacted_on", "channel", "contact", "response", "show_publicly"))
        attempt.save()
        record_event(actor=actor, claim=claim, action="reply_logged", changes=changes)
    return attempt
