"""The rating scale, speakers, sources, topics and reader tips."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max

from claims import permissions
from claims.errors import Invalid, WrongState
from claims.models import (
    Claim,
    Correction,
    Rating,
    Speaker,
    Tip,
    Verdict,
)
from claims.search import refresh_search_vectors
from claims.services.common import (
    SPEAKER_FIELDS,
    _apply,
    _event,
    _unique_slug,
)

# ---------------------------------------------------------------- rating scale

RATING_FIELDS = ("label", "value", "definition", "colour")


def rating_save(*, actor, data: dict[str, Any], rating_id: int | None = None) -> Rating:
    permissions.require(actor, "ratings_manage")
    with transaction.atomic():
        if rating_id:
            rating = Rating.objects.select_for_update().get(pk=rating_id)
        else:
            last = Rating.objects.aggregate(m=Max("position"))["m"]
            rating = Rating(slug=_unique_slug(Rating, data["label"], 60), position=(last or 0) + 1)
        changes = _apply(rating, data, RATING_FIELDS)
        if changes or rating_id is None:
            rating.save()
            _event(actor=actor, claim=None, action="rating_updated" if rating_id else "rating_added",
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
        _event(actor=actor, claim=None, action="ratings_reordered",
               changes={"order": [before, [r.label for r in rows]]})


def rating_retire(*, actor, rating_id: int, retired: bool = True) -> Rating:
    permissions.require(actor, "ratings_manage")
    with transaction.atomic():
        rating = Rating.objects.select_for_update().get(pk=rating_id)
        if rating.retired != retired:
            rating.retired = retired
            rating.save(update_fields=["retired"])
            _event(actor=actor, claim=None, action="rating_retired" if retired else "rating_restored",
                   changes={"retired": [not retired, retired]}, comment=rating.label)
    return rating


def rating_delete(*, actor, rating_id: int) -> None:
    """Only a rating no verdict uses may go; one in use can only be retired."""
    permissions.require(actor, "ratings_manage")
    with transaction.atomic():
        rating = Rating.objects.select_for_update().get(pk=rating_id)
        if Verdict.objects.filter(rating=rating).exists() or Correction.objects.filter(
                previous__rating=rating.label).exists():
            raise WrongState(f"“{rating.label}” is used by verdicts: retire it instead of deleting it.")
        label = rating.label
        rating.delete()
        _event(actor=actor, claim=None, action="rating_deleted", changes={"label": [label, None]}, comment=label)


# ---------------------------------------------------------------- speakers, tips

def speaker_create(*, actor, data: dict[str, Any]) -> Speaker:
    permissions.require(actor, "speaker_edit")
    with transaction.atomic():
        speaker = Speaker(slug=_unique_slug(Speaker, data["name"]))
        changes = _apply(speaker, data, SPEAKER_FIELDS)
        speaker.save()
        _event(actor=actor, claim=None, action="speaker_created", changes=changes, comment=speaker.name)
    return speaker


def speaker_update(*, speaker_id: int, actor, data: dict[str, Any]) -> Speaker:
    permissions.require(actor, "speaker_edit")
    with transaction.atomic():
        speaker = Speaker.objects.select_for_update().get(pk=speaker_id)
        changes = _apply(speaker, data, SPEAKER_FIELDS)
        if changes:
            speaker.save()
            if {"name", "role"} & changes.keys():
                refresh_search_vectors(speaker.claims.values_list("pk", flat=True))
            _event(actor=actor, claim=None, action="speaker_updated", changes=changes, comment=speaker.name)
    return speaker


def speaker_merge(*, keep_id: int, duplicate_id: int, actor) -> Speaker:
    """Move the duplicate's claims to the kept speaker, then delete the duplicate."""
    permissions.require(actor, "speaker_merge")
    if keep_id == duplicate_id:
        raise Invalid("Choose two different speakers.", errors={"duplicate": ["Choose two different speakers."]})
    with transaction.atomic():
        speakers = {s.pk: s for s in Speaker.objects.select_for_update().filter(pk__in=[keep_id, duplicate_id])}
        if len(speakers) != 2:
            raise WrongState("One of these speakers no longer exists.")
        keep, duplicate = speakers[keep_id], speakers[duplicate_id]
        moved = list(Claim.objects.select_for_update().filter(speaker=duplicate).values_list("pk", flat=True))
        Claim.objects.filter(pk__in=moved).update(speaker=keep)
        refresh_search_vectors(moved)
        _event(actor=actor, claim=None, action="speaker_merged", comment=f"{duplicate.name} → {keep.name}",
               changes={"speaker": [duplicate.name, keep.name], "claims": [moved, moved]})
        for claim in Claim.objects.filter(pk__in=moved):
            _event(actor=actor, claim=claim, action="speaker_merged",
                   changes={"speaker": [duplicate.name, keep.name]})
        duplicate.delete()
    return keep


def source_save(*, actor, data: dict[str, Any], source_id: int | None = None):
    from claims.models import Source

    permissions.require(actor, "speaker_edit")
    fields = ("title", "url", "outlet", "published_on", "kind", "full_text")
    with transaction.atomic():
        source = Source.objects.select_for_update().get(pk=source_id) if source_id else Source()
        changes = _apply(source, data, fields)
        if changes or source_id is None:
            source.save()
            _event(actor=actor, claim=None, action="source_updated" if source_id else "source_created",
                   changes=changes, comment=source.title[:200])
    return source


def topic_save(*, actor, name: str, topic_id: int | None = None):
    from claims.models import Topic

    permissions.require(actor, "speaker_edit")
    with transaction.atomic():
        topic = Topic.objects.select_for_update().get(pk=topic_id) if topic_id else Topic(
            slug=_unique_slug(Topic, name))
        changes = _apply(topic, {"name": name}, ("name",))
        if changes or topic_id is None:
            topic.save()
            _event(actor=actor, claim=None, action="topic_updated" if topic_id else "topic_created",
                   changes=changes, comment=topic.name)
    return topic


def tip_dismiss(*, tip_id: int, actor) -> Tip:
    permissions.require(actor, "tip_manage")
    with transaction.atomic():
        tip = Tip.objects.select_for_update().get(pk=tip_id)
        if tip.status != Tip.TipStatus.NEW:
            raise WrongState("This tip has already been handled.")
        tip.status = Tip.TipStatus.DISMISSED
        tip.save(update_fields=["status"])
        _event(actor=actor, claim=None, action="tip_dismissed", comment=tip.text[:200],
               changes={"status": [Tip.TipStatus.NEW, Tip.TipStatus.DISMISSED]})
    return tip


def tip_create(*, text: str, url: str = "", email: str = "") -> Tip:
    return Tip.objects.create(text=text, url=url, email=email)
