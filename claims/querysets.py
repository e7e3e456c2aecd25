"""Named filters that read well: ``Claim.objects.public()``, ``.with_public_detail()``."""

from __future__ import annotations

from django.db import models
from django.db.models import Prefetch


class ClaimQuerySet(models.QuerySet):
    def public(self):
        from claims.models import PUBLIC_STATUSES

        return self.filter(status__in=PUBLIC_STATUSES, imported=False)

    def published(self):
        return self.filter(status="published", imported=False)

    def awaiting_review(self):
        return self.filter(status="in_review")

    def assigned_to(self, user):
        return self.filter(assignee=user)

    def with_list_detail(self):
        # A claim's embedding (256 numbers) is for matching only: pages never read it.
        return self.select_related("speaker", "assignee", "verdict__rating").defer("embedding")

    def with_card_detail(self):
        # A public card: who, what, the verdict. Not the desk's assignee, nor the search document
        # (a few hundred words' lexemes a row) or the embedding.
        return self.select_related("speaker", "verdict__rating").defer("embedding", "search_vector")

    def with_public_detail(self):
        from claims.models import Appearance, ConsistencyNote, Correction, Evidence, ReplyAttempt

        return self.select_related("speaker", "source", "verdict__rating", "verdict__author").defer(
            "embedding").prefetch_related(
            "topics",
            Prefetch("appearances", queryset=Appearance.objects.filter(accepted=True).select_related(
                "speaker", "source").defer("embedding"), to_attr="public_appearances"),
            Prefetch("consistency_notes", queryset=ConsistencyNote.objects.filter(show_publicly=True).select_related(
                "past_claim").order_by("-round", "-id"), to_attr="public_notes"),
            Prefetch("evidence", queryset=Evidence.objects.select_related("archive").defer("archive__text")
                     .order_by("position", "id")),
            Prefetch("corrections", queryset=Correction.objects.order_by("-created_at")),
            Prefetch("reply_attempts", queryset=ReplyAttempt.objects.filter(show_publicly=True)),
        )

    def newest_published(self):
        return self.order_by("-published_at", "-id")
