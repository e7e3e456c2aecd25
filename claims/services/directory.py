"""The rating scale, speakers, sources, topics and reader tips."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone

from claims import permissions
from claims.errors import Invalid, WrongState
from claims.models import (
    Appearance,
    Claim,
    Correction,
    Rating,
    Source,
    Speaker,
    Tip,
    Topic,
    Verdict,
)
from claims.search import refresh_search_vectors
from claims.services.common import (
    SPEAKER_FIELDS,
    apply_changes,
    lock_row,
    record_event,
    record_event_on_claims,
    save_with_unique_slug,
)

# ---------------------------------------------------------------- rating scale

RATING_FIELDS = ("label", "value", "definition", "colour")


def rating_save(*, actor, data: dict[str, Any], rating_id: int | None = None) -> Rating:
    permissions.require(actor, "ratings_manage")
    with transaction.atomic():
        if rating_id:
            rating = lock_row(Rating, rating_id, "This rating no longer exists.")
        else:
            last = Rating.objects.aggregate(m=Max("position"))["m"]
            rating = Rating(position=(last or 0) + 1)
        changes = apply_changes(rating, data, RATING_FIELDS)
        if rating_id is None:
            save_with_unique_slug(rating, data["label"], 60)
        elif changes:
            rating.save()
        if changes or rating_id is None:
            record_event(actor=actor, claim=None, action="rating_updated" if rating_id else "rating_added",
                   changes=changes, comment=rating.label)
    return rating


def rating_move(*, actor, rating_id: int, direction: str) -> None:
    permissions.require(actor, "ratings_manage")
    with transaction.atomic():
        rows = list(Rating.objects.select_for_update().order_by("position", "id"))
        index = next((i for i, r in enumerate(rows) if r.pk == rating_id), None)
        if index is None:
            raise WrongState("This rating no longer exists.")
        target = index - 1 if direction == "up" else index + 1
        if direction not in ("up", "down") or not 0 <= target < len(rows):
            return
        before = [r.label for r in rows]
        rows[index], rows[target] = rows[target], rows[index]
        for position, row in enumerate(rows):
            if row.position != position:
                row.position = position
                row.save(update_fields=["position"])
        record_event(actor=actor, claim=None, action="ratings_reordered",
               changes={"order": [before, [r.label for r in rows]]})


def rating_retire(*, actor, rating_id: int, retired: bool = True) -> Rating:
    permissions.require(actor, "ratings_manage")
    with transaction.atomic():
        rating = lock_row(Rating, rating_id, "This rating no longer exists.")
        if rating.retired != retired:
            rating.retired = retired
            rating.save(update_fields=["retired"])
            record_event(actor=actor, claim=None, action="rating_retired" if retired else "rating_restored",
                   changes={"retired": [not retired, retired]}, comment=rating.label)
    return rating


def rating_delete(*, actor, rating_id: int) -> None:
    """Only a rating no verdict uses may go; one in use can only be retired."""
    permissions.require(actor, "ratings_manage")
    with transaction.atomic():
        rating = lock_row(Rating, rating_id, "This rating no longer exists.")
        if Verdict.objects.filter(rating=rating).exists() or Correction.objects.filter(
                previous__rating=rating.label).exists():
            raise WrongState(f"“{rating.label}” is used by verdicts: retire it instead of deleting it.")
        label = rating.label
        rating.delete()
        record_event(actor=actor, claim=None, action="rating_deleted", changes={"label": [label, None]}, comment=label)


# ---------------------------------------------------------------- speakers, tips

def speaker_create(*, actor, data: dict[str, Any]) -> Speaker:
    permissions.require(actor, "speaker_edit")
    with transaction.atomic():
        speaker = Speaker()
        changes = apply_changes(speaker, data, SPEAKER_FIELDS)
        save_with_unique_slug(speaker, data["name"])
        record_event(actor=actor, claim=None, action="speaker_created", changes=changes, comment=speaker.name)
    return speaker


def public_claims_showing(*, speaker=None, source=None, topic=None) -> list[Claim]:
    """The public checks whose page shows this speaker, source or topic (through any appearance)."""
    public = Claim.objects.public()
    if speaker is not None:
        shown = Q(speaker=speaker) | Q(appearances__speaker=speaker, appearances__accepted=True)
    elif source is not None:
        shown = Q(source=source) | Q(appearances__source=source, appearances__accepted=True)
    else:
        shown = Q(topics=topic)
    ids = public.filter(shown).values("pk")
    return list(Claim.objects.filter(pk__in=ids).only("pk", "status", "review_round").order_by("pk"))


def _revise_in_the_open(*, actor, action: str, claims: list[Claim], changes: dict, comment: str) -> None:
    """A change readers can see on published checks: an editor's, with an Event on each of them."""
    if not claims or not changes:
        return
    permissions.require(actor, "public_record_edit")
    record_event_on_claims(actor=actor, action=action, claims=claims, changes=changes, comment=comment)
    Claim.objects.filter(pk__in=[c.pk for c in claims]).update(revised_at=timezone.now())


# What a public fact-check shows of a speaker (the role is kept on each appearance), of a source
# and of a topic.
SPEAKER_PUBLIC_FIELDS = ("name", "kind")
SOURCE_PUBLIC_FIELDS = ("url", "title", "outlet", "published_on")


def speaker_update(*, speaker_id: int, actor, data: dict[str, Any]) -> Speaker:
    permissions.require(actor, "speaker_edit")
    with transaction.atomic():
        speaker = lock_row(Speaker, speaker_id, "This speaker no longer exists.")
        changes = apply_changes(speaker, data, SPEAKER_FIELDS)
        if changes:
            shown = {k: v for k, v in changes.items() if k in SPEAKER_PUBLIC_FIELDS}
            if shown:
                _revise_in_the_open(actor=actor, action="speaker_updated", changes=shown, comment=speaker.name,
                                    claims=public_claims_showing(speaker=speaker))
            speaker.save()
            if {"name", "role"} & changes.keys():
                refresh_search_vectors(speaker.claims.values_list("pk", flat=True))
            record_event(actor=actor, claim=None, action="speaker_updated", changes=changes, comment=speaker.name)
    return speaker


def speaker_merge(*, keep_id: int, duplicate_id: int, actor) -> Speaker:
    """Move the duplicate's claims and appearances to the kept speaker, then delete the duplicate."""
    permissions.require(actor, "speaker_merge")
    if keep_id == duplicate_id:
        raise Invalid("Choose two different speakers.", errors={"duplicate": ["Choose two different speakers."]})
    with transaction.atomic():
        speakers = {s.pk: s for s in Speaker.objects.select_for_update().filter(pk__in=[keep_id, duplicate_id])}
        if len(speakers) != 2:
            raise WrongState("One of these speakers no longer exists.")
        keep, duplicate = speakers[keep_id], speakers[duplicate_id]
        shown = public_claims_showing(speaker=duplicate)
        moved = list(Claim.objects.select_for_update().filter(speaker=duplicate).values_list("pk", flat=True))
        Claim.objects.filter(pk__in=moved).update(speaker=keep)
        Appearance.objects.filter(speaker=duplicate).update(speaker=keep)
        refresh_search_vectors(moved)
        record_event(actor=actor, claim=None, action="speaker_merged", comment=f"{duplicate.name} → {keep.name}",
                     changes={"speaker": [duplicate.name, keep.name], "claims": [moved, moved]})
        public_ids = {c.pk for c in shown}
        record_event_on_claims(actor=actor, action="speaker_merged", changes={"speaker": [duplicate.name, keep.name]},
                               claims=list(Claim.objects.filter(pk__in=set(moved) - public_ids)
                                           .only("pk", "status", "review_round")))
        _revise_in_the_open(actor=actor, action="speaker_merged", claims=shown,
                            comment=f"{duplicate.name} → {keep.name}", changes={"speaker": [duplicate.name, keep.name]})
        duplicate.delete()
    return keep


def source_save(*, actor, data: dict[str, Any], source_id: int | None = None) -> Source:
    permissions.require(actor, "source_edit")
    fields = ("title", "url", "outlet", "published_on", "kind", "full_text")
    with transaction.atomic():
        source = lock_row(Source, source_id, "This source no longer exists.") if source_id else Source()
        changes = apply_changes(source, data, fields)
        if changes or source_id is None:
            shown = {k: v for k, v in changes.items() if k in SOURCE_PUBLIC_FIELDS}
            if source_id and shown:
                _revise_in_the_open(actor=actor, action="source_updated", changes=shown, comment=source.title[:200],
                                    claims=public_claims_showing(source=source))
            source.save()
            record_event(actor=actor, claim=None, action="source_updated" if source_id else "source_created",
                         changes=changes, comment=source.title[:200])
    return source


def topic_save(*, actor, name: str, topic_id: int | None = None) -> Topic:
    permissions.require(actor, "topic_edit")
    with transaction.atomic():
        topic = lock_row(Topic, topic_id, "This topic no longer exists.") if topic_id else Topic()
        changes = apply_changes(topic, {"name": name}, ("name",))
        if changes or topic_id is None:
            try:
                if topic_id:
                    _revise_in_the_open(actor=actor, action="topic_updated", changes=changes, comment=topic.name,
                                        claims=public_claims_showing(topic=topic))
                    with transaction.atomic():
                        topic.save()
                else:
                    save_with_unique_slug(topic, name)
            except IntegrityError:
                # Saved by someone else a moment ago (names are unique in any case).
                raise Invalid(f"A topic called “{name}” already exists.",
                              errors={"name": [f"A topic called “{name}” already exists."]}) from None
            record_event(actor=actor, claim=None, action="topic_updated" if topic_id else "topic_created",
                         changes=changes, comment=topic.name)
    return topic


def tip_dismiss(*, tip_id: int, actor) -> Tip:
    permissions.require(actor, "tip_manage")
    with transaction.atomic():
        tip = lock_row(Tip, tip_id, "This tip no longer exists.")
        if tip.status != Tip.TipStatus.NEW:
            raise WrongState("This tip has already been handled.")
        tip.status = Tip.TipStatus.DISMISSED
        tip.save(update_fields=["status"])
        record_event(actor=actor, claim=None, action="tip_dismissed", comment=tip.text[:200],
               changes={"status": [Tip.TipStatus.NEW, Tip.TipStatus.DISMISSED]})
    return tip


def tip_create(*, text: str, url: str = "", email: str = "") -> Tip:
    return Tip.objects.create(text=text, url=url, email=email)
