"""What the newsroom stores: DESIGN.md §2. Invariants are PostgreSQL constraints."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.urls import reverse

from claims.languages import MAX_TAG, default_language
from claims.querysets import ClaimQuerySet

USER = settings.AUTH_USER_MODEL
HTTP_URL = Q(url__regex=r"^https?://")


def language_field() -> models.CharField:
    """A BCP 47 tag ("es", "pt-BR"). The database default is for rows written in SQL (the archive
    import, the first appearances filled in), so they too get the newsroom's language."""
    return models.CharField("language", max_length=MAX_TAG, default=default_language, db_default=default_language(),
                            help_text="BCP 47, e.g. en, es, pt-BR.")


def display_name(user) -> str:
    """How a person appears to others: first and last name, never the username."""
    if user is None:
        return "Factcheck Desk"
    full = f"{user.first_name} {user.last_name}".strip()
    return full or "A member of the desk"


class Status(models.TextChoices):
    LOGGED = "logged", "Logged"
    RESEARCHING = "researching", "Researching"
    IN_REVIEW = "in_review", "In review"
    PUBLISHED = "published", "Published"
    DISMISSED = "dismissed", "Dismissed"
    RETRACTED = "retracted", "Retracted"
    MERGED = "merged", "Merged"


# "Public" means published or retracted: readers see these, and nothing else. Everything that asks
# "is this public?" builds on this one definition.
PUBLIC_STATUSES = (Status.PUBLISHED, Status.RETRACTED)


class Speaker(models.Model):
    class Kind(models.TextChoices):
        PERSON = "person", "Person"
        ORGANISATION = "organisation", "Organisation"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.PERSON)
    role = models.CharField("role or title", max_length=200, blank=True)
    affiliation = models.CharField("party or affiliation", max_length=200, blank=True)
    description = models.TextField(max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["person", "organisation"]), name="speaker_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("public:speaker", args=[self.slug])


class Source(models.Model):
    class Kind(models.TextChoices):
        ARTICLE = "article", "Article"
        SPEECH = "speech", "Speech"
        BROADCAST = "broadcast", "Broadcast"
        SOCIAL = "social", "Social post"
        DOCUMENT = "document", "Document"

    url = models.URLField("URL", max_length=2000, blank=True)
    title = models.CharField(max_length=300)
    outlet = models.CharField(max_length=200, blank=True)
    published_on = models.DateField("date", null=True, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.ARTICLE)
    full_text = models.TextField(blank=True)
    archive = models.ForeignKey("ArchivedCopy", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-published_on", "title"]
        constraints = [
            models.CheckConstraint(condition=Q(url="") | HTTP_URL, name="source_url_http"),
            models.CheckConstraint(
                condition=Q(kind__in=["article", "speech", "broadcast", "social", "document"]),
                name="source_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.outlet})" if self.outlet else self.title


class Topic(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=120, unique=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("name"), name="topic_name_unique_any_case")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("public:topic", args=[self.slug])


class Rating(models.Model):
    label = models.CharField(max_length=60, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    value = models.SmallIntegerField(null=True, blank=True, help_text="Empty for ratings off the scale.")
    definition = models.TextField(max_length=1000)
    colour = models.CharField(max_length=7, default="#555555")
    position = models.PositiveSmallIntegerField(default=0)
    retired = models.BooleanField(default=False)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(colour__regex=r"^#[0-9a-fA-F]{6}$"), name="rating_colour_hex"),
        ]

    def __str__(self) -> str:
        return self.label


class Claim(models.Model):
    quote = models.TextField("quote", max_length=5000)
    claim_checked = models.CharField("claim as checked", max_length=500, blank=True)
    speaker = models.ForeignKey(Speaker, on_delete=models.PROTECT, related_name="claims")
    source = models.ForeignKey(Source, on_delete=models.SET_NULL, null=True, blank=True, related_name="claims")
    date_said = models.DateField("date said", null=True, blank=True)
    language = language_field()
    topics = models.ManyToManyField(Topic, blank=True, related_name="claims")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.LOGGED)
    assignee = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="assigned_claims"
    )
    checkworthiness = models.FloatField(null=True, blank=True)
    slug = models.SlugField(max_length=120, unique=True)
    version = models.PositiveIntegerField(default=1)
    # Votes and verdict changes belong to a round; "Request changes" ends it and opens the next.
    review_round = models.PositiveIntegerField(default=1)
    search_vector = SearchVectorField(null=True, editable=False)
    # What the quote and the claim as checked mean (claims.embeddings; English claims only).
    embedding = ArrayField(models.FloatField(), size=256, null=True, blank=True, editable=False)
    imported = models.BooleanField(default=False)
    original_url = models.URLField(max_length=2000, null=True, blank=True, unique=True)
    created_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)
    # The last change readers can see after publication (a correction, or an editor's change to the
    # speaker, source or topics it shows): the public page's "Updated" date.
    revised_at = models.DateTimeField(null=True, blank=True)
    merged_into = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    objects = ClaimQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [
            GinIndex(fields=["search_vector"], name="claim_search_gin"),
            # Public search: only the public checks' words, so a common word's matches are found
            # without reading those of drafts, imported archives and dismissed claims.
            GinIndex(fields=["search_vector"], name="claim_public_search_gin",
                     condition=Q(status__in=PUBLIC_STATUSES, imported=False)),
            models.Index(fields=["status", "-published_at"], name="claim_status_published"),
            # The desk's claims list: most recently changed first.
            models.Index(fields=["-updated_at", "-id"], name="claim_desk_recent", condition=Q(imported=False)),
            # The public listings: newest public checks first, without reading the rest.
            models.Index(fields=["-published_at", "-id"], name="claim_public_newest",
                         condition=Q(status__in=PUBLIC_STATUSES, imported=False)),
            # A speaker's page: their newest public checks, however many others the site has. Not
            # partial: with the public listings' condition, PostgreSQL would AND it into searches.
            models.Index(fields=["speaker", "-published_at", "-id"], name="claim_public_by_speaker"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=Status.values), name="claim_status_valid"),
            models.CheckConstraint(
                condition=Q(checkworthiness__isnull=True)
                | Q(checkworthiness__gte=0, checkworthiness__lte=1),
                name="claim_checkworthiness_range",
            ),
            models.CheckConstraint(
                condition=Q(original_url__isnull=True) | Q(original_url__regex=r"^https?://"),
                name="claim_original_url_http",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="claim_version_positive"),
            models.CheckConstraint(condition=Q(status="merged", merged_into__isnull=False)
                                   | (~Q(status="merged") & Q(merged_into__isnull=True)),
                                   name="claim_merged_points_somewhere"),
        ]

    def __str__(self) -> str:
        return f"{self.speaker}: “{self.quote[:80]}”" if self.speaker_id else self.quote[:80]

    def get_absolute_url(self) -> str:
        return reverse("public:claim", args=[self.slug])

    def get_desk_url(self) -> str:
        return reverse("desk:claim", args=[self.pk])

    @property
    def is_public(self) -> bool:
        """Readers can see it: published or retracted, and not an archive record (those get no page)."""
        return self.status in PUBLIC_STATUSES and not self.imported


class Appearance(models.Model):
    """One time someone said a claim. The speaker's role and affiliation are kept as they were then,
    so a later change to a speaker never rewrites what a published check said."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="appearances")
    speaker = models.ForeignKey(Speaker, on_delete=models.PROTECT, related_name="appearances")
    speaker_role = models.CharField("role at the time", max_length=200, blank=True)
    speaker_affiliation = models.CharField("affiliation at the time", max_length=200, blank=True)
    source = models.ForeignKey(Source, on_delete=models.SET_NULL, null=True, blank=True, related_name="appearances")
    date_said = models.DateField("date said", null=True, blank=True)
    quote = models.TextField("the words there", max_length=5000)
    language = language_field()
    # The claim's own speaker, source and date: kept in step with the claim's fields.
    primary = models.BooleanField(default=False)
    # An appearance a journalist adds to a public check waits for an editor.
    accepted = models.BooleanField(default=True)
    added_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    accepted_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # What these words mean (claims.embeddings; English only).
    embedding = ArrayField(models.FloatField(), size=256, null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-primary", F("date_said").asc(nulls_last=True), "id"]
        indexes = [
            models.Index(fields=["speaker", "claim"], name="appearance_speaker_claim"),
            # The few appearances beyond each claim's first: speaker pages add them to the claims' own.
            models.Index(fields=["speaker", "claim"], name="appearance_other_speaker", condition=Q(primary=False)),
        ]
        constraints = [
            models.UniqueConstraint(fields=["claim"], condition=Q(primary=True), name="appearance_one_primary"),
            models.CheckConstraint(condition=Q(primary=False) | Q(accepted=True), name="appearance_primary_accepted"),
        ]

    def __str__(self) -> str:
        return f"{self.speaker}: “{self.quote[:60]}”"


class Check(models.TextChoices):
    FOUND = "found", "Found"
    NOT_FOUND = "not_found", "Not found"


class LinkStatus(models.TextChoices):
    UNCHECKED = "unchecked", "Not checked yet"
    OK = "ok", "Unchanged"
    CHANGED = "changed", "Content changed"
    MOVED = "moved", "Moved"
    GONE = "gone", "Gone"
    ERROR = "error", "Could not be checked"  # a check's outcome; three in a row make the link gone


class Evidence(models.Model):
    class Stance(models.TextChoices):
        SUPPORTS = "supports", "Supports"
        CONTRADICTS = "contradicts", "Contradicts"
        CONTEXT = "context", "Context"

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="evidence")
    url = models.URLField("URL", max_length=2000)
    title = models.CharField(max_length=300)
    publisher = models.CharField(max_length=200, blank=True)
    published_on = models.DateField("date", null=True, blank=True)
    passage = models.TextField("quoted passage", max_length=5000, blank=True)
    stance = models.CharField(max_length=20, choices=Stance.choices, default=Stance.CONTEXT)
    note = models.TextField(max_length=5000, blank=True)
    figure_value = models.DecimalField("figure", max_digits=20, decimal_places=4, null=True, blank=True)
    figure_unit = models.CharField("unit", max_length=50, blank=True)
    figure_period = models.CharField("period", max_length=100, blank=True)
    position = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)
    added_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Written by the archive, never by a person (so never a new version): the copy the passage was
    # looked up in, what was found, and how the link has fared since.
    archive = models.ForeignKey("ArchivedCopy", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    passage_check = models.CharField(max_length=10, choices=Check.choices, blank=True)
    passage_score = models.FloatField(null=True, blank=True)
    figure_check = models.CharField(max_length=10, choices=Check.choices, blank=True)
    link_status = models.CharField(max_length=10, choices=LinkStatus.choices, default=LinkStatus.UNCHECKED)
    link_errors = models.PositiveSmallIntegerField(default=0)  # failed checks in a row
    link_checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name_plural = "evidence"
        constraints = [
            models.CheckConstraint(condition=HTTP_URL, name="evidence_url_http"),
            models.CheckConstraint(
                condition=Q(stance__in=["supports", "contradicts", "context"]), name="evidence_stance_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Verdict(models.Model):
    claim = models.OneToOneField(Claim, on_delete=models.CASCADE, related_name="verdict")
    rating = models.ForeignKey(Rating, on_delete=models.PROTECT, null=True, blank=True, related_name="verdicts")
    conclusion = models.CharField(max_length=500, blank=True)
    analysis = models.TextField("analysis (Markdown)", max_length=50000, blank=True)
    author = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    submitted_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    # Archive records imported from another newsroom's ClaimReview: who published the check and
    # their rating in their own words, kept verbatim whether or not it maps onto our scale.
    publisher_name = models.CharField(max_length=200, blank=True, default="", db_default="")
    publisher_site = models.CharField(max_length=200, blank=True, default="", db_default="")
    publisher_rating = models.CharField("publisher's rating", max_length=1000, blank=True, default="",
                                        db_default="")

    def __str__(self) -> str:
        return f"{self.rating or self.publisher_rating or 'Unrated'}: {self.conclusion[:60]}"


class RatingMapping(models.Model):
    """What a publisher's rating, in its words, means on our scale (ClaimReview imports).

    A row with no site applies to every publisher; a row for the publisher's site wins over it."""

    publisher_site = models.CharField(max_length=200, blank=True, help_text="e.g. factcheck.example; empty for all")
    textual_rating = models.CharField("publisher's rating", max_length=1000)
    rating = models.ForeignKey(Rating, on_delete=models.CASCADE, related_name="mappings")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["publisher_site", "textual_rating"]
        constraints = [
            models.UniqueConstraint(Lower("publisher_site"), Lower("textual_rating"), name="rating_mapping_once"),
        ]

    def __str__(self) -> str:
        return f"{self.publisher_site or 'any publisher'}: “{self.textual_rating}” → {self.rating}"


class ReviewVote(models.Model):
    class Decision(models.TextChoices):
        APPROVE = "approve", "Approve"
        REQUEST_CHANGES = "request_changes", "Request changes"

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="votes")
    round = models.PositiveIntegerField()
    editor = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(max_length=20, choices=Decision.choices)
    comment = models.TextField(max_length=5000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision__in=["approve", "request_changes"]), name="vote_decision_valid"
            ),
            # The same editor approving twice in one round counts once.
            models.UniqueConstraint(
                fields=["claim", "round", "editor"],
                condition=Q(decision="approve"),
                name="vote_one_approval_per_editor_round",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} by {display_name(self.editor)}"


class Submission(models.Model):
    """What was submitted for review in one round, as the reviewer saw it: the diff between rounds
    is computed from these."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="submissions")
    round = models.PositiveIntegerField()
    submitted_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    snapshot = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Round {self.round} submission"


class ConsistencyNote(models.Model):
    """How a verdict relates to a past ruling on a matching claim with another rating."""

    class Relation(models.TextChoices):
        CONSISTENT = "consistent", "Consistent with it"
        DIFFERS = "differs", "Differs because…"

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="consistency_notes")
    round = models.PositiveIntegerField()
    past_claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="+")
    past_rating = models.CharField(max_length=60)
    rating = models.CharField(max_length=60)
    relation = models.CharField(max_length=20, choices=Relation.choices)
    reason = models.TextField("why the rating differs", max_length=5000, blank=True)
    show_publicly = models.BooleanField("show this note on the public page", default=False)
    author = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=20)  # "submit" or "approve"
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(relation__in=["consistent", "differs"]),
                                   name="consistency_relation_valid"),
            models.CheckConstraint(condition=Q(relation="consistent") | ~Q(reason=""),
                                   name="consistency_differs_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.get_relation_display()} ({self.past_rating} → {self.rating})"


class Annotation(models.Model):
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="annotations")
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies")
    author = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(max_length=5000)
    start = models.PositiveIntegerField(null=True, blank=True)
    end = models.PositiveIntegerField(null=True, blank=True)
    detached = models.BooleanField(default=False)
    resolved = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start__isnull=True, end__isnull=True)
                | Q(start__isnull=False, end__isnull=False, start__gte=0, start__lt=F("end")),
                name="annotation_span_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.body[:60]


class ReplyAttempt(models.Model):
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="reply_attempts")
    contacted_on = models.DateField("date")
    channel = models.CharField(max_length=100)
    contact = models.CharField(max_length=200)
    response = models.TextField(max_length=5000, blank=True)
    show_publicly = models.BooleanField("show on public page", default=False)
    logged_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["contacted_on", "id"]

    def __str__(self) -> str:
        return f"{self.channel} to {self.contact} on {self.contacted_on}"


class Correction(models.Model):
    class Kind(models.TextChoices):
        CORRECTION = "correction", "Correction"
        UPDATE = "update", "Update"
        CLARIFICATION = "clarification", "Clarification"
        RETRACTION = "retraction", "Retraction"

    PUBLIC_KINDS = ("correction", "update", "clarification")  # what "Correct" offers

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="corrections")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    note = models.TextField("public note", max_length=5000)
    previous = models.JSONField(default=dict, help_text="The values before this correction.")
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["correction", "update", "clarification", "retraction"]),
                name="correction_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.created_at:%Y-%m-%d}"


class Event(models.Model):
    """The audit trail: one row per desk edit or transition, never edited or deleted."""

    actor = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, null=True, blank=True, related_name="events")
    action = models.CharField(max_length=50)
    status_before = models.CharField(max_length=20, blank=True)
    status_after = models.CharField(max_length=20, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    comment = models.TextField(blank=True)
    review_round = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["claim", "-created_at"], name="event_claim_time")]

    def __str__(self) -> str:
        return f"{self.action} at {self.created_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Events are never edited.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Events are never deleted.")


class Tip(models.Model):
    class TipStatus(models.TextChoices):
        NEW = "new", "New"
        CONVERTED = "converted", "Converted into a claim"
        DISMISSED = "dismissed", "Dismissed"

    text = models.TextField("claim", max_length=2000)
    url = models.URLField("where did you see it?", max_length=2000, blank=True)
    email = models.EmailField(blank=True)
    status = models.CharField(max_length=20, choices=TipStatus.choices, default=TipStatus.NEW)
    claim = models.ForeignKey(Claim, on_delete=models.SET_NULL, null=True, blank=True, related_name="tips")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=["new", "converted", "dismissed"]), name="tip_status_valid"),
            models.CheckConstraint(condition=Q(url="") | HTTP_URL, name="tip_url_http"),
        ]

    def __str__(self) -> str:
        return self.text[:80]


class FormToken(models.Model):
    """One submission of a desk create form: the same form sent twice (a double click, a resend)
    makes one object, and the second answer leads to it (``claims.idempotency``)."""

    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=32)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    url = models.CharField(max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="form_token_once")]

    def __str__(self) -> str:
        return self.key


class ImportDraft(models.Model):
    """A ClaimReview source an editor uploaded or fetched on the desk, kept between "Preview
    import" and "Import" so the second step never trusts bytes sent back by the browser. It is
    the editor's alone, lasts a day, and is consumed (its report kept) by the import."""

    editor = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=300)  # the file's name or the address, as the report shows it
    base_url = models.CharField(max_length=2000, blank=True)  # what relative URLs in it resolve against
    body = models.BinaryField()  # decompressed; emptied once imported
    created_at = models.DateTimeField(auto_now_add=True)
    imported_at = models.DateTimeField(null=True, blank=True)
    report = models.JSONField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name


class SearchTerm(models.Model):
    """How many claims use each search word: matching asks for the rarest words first."""

    lexeme = models.CharField(max_length=200, primary_key=True)
    ndoc = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.lexeme} ({self.ndoc})"


class Tally(models.Model):
    """How many published checks each speaker, topic and language has, per rating: what the filters,
    the speakers' list and the scorecards read instead of counting a million claims.

    Kept by PostgreSQL triggers on claims, verdicts, appearances and topics (migration 0017), in the
    same statement, so in the same transaction, as every publish, correction, retraction, merge and
    appearance change, whoever makes it (a service, the admin, a bulk write). ``TallyEntry`` holds
    what each claim counted, so that a claim's old speaker or rating is counted out exactly."""

    class Kind(models.TextChoices):
        SITE = "a", "the whole site"
        SPEAKER = "s", "speaker"
        TOPIC = "t", "topic"
        LANGUAGE = "l", "language"

    # The kind in capitals counts retracted checks: listed, but on no scorecard and in no filter.
    kind = models.CharField(max_length=1)
    key = models.CharField(max_length=100)  # the speaker's or topic's id, or the language's primary subtag
    rating_id = models.BigIntegerField(default=0)  # 0: no verdict
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "key", "rating_id"], name="tally_unique")]

    def __str__(self) -> str:
        return f"{self.kind} {self.key}, rating {self.rating_id}: {self.n}"


class TallyEntry(models.Model):
    """One thing a published check is counted under in ``Tally`` (its speakers, topics, language)."""

    claim_id = models.BigIntegerField(db_index=True)
    kind = models.CharField(max_length=1)
    key = models.CharField(max_length=100)
    rating_id = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["claim_id", "kind", "key"], name="tally_entry_unique")]

    def __str__(self) -> str:
        return f"claim {self.claim_id}: {self.kind} {self.key}"


class ApiTokenScope(models.TextChoices):
    READ = "read", "read: the review queue and the desk's claims"
    CLAIMS_WRITE = "claims:write", "claims:write: log claims and appearances"


class ApiToken(models.Model):
    """A personal token for the JSON API (``Authorization: Bearer …``). The secret is shown once,
    when it is created; only its SHA-256 digest is kept, with a short prefix to tell tokens apart."""

    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("name", max_length=100)
    prefix = models.CharField(max_length=16)
    digest = models.CharField(max_length=64, unique=True)
    scopes = ArrayField(models.CharField(max_length=20, choices=ApiTokenScope.choices), default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class WebhookEvent(models.TextChoices):
    CLAIM_PUBLISHED = "claim.published", "claim.published: a fact-check is published"
    CLAIM_CORRECTED = "claim.corrected", "claim.corrected: a published fact-check is corrected"
    CLAIM_RETRACTED = "claim.retracted", "claim.retracted: a fact-check is retracted"
    APPEARANCE_ADDED = "appearance.added", "appearance.added: a public claim was said again"


class WebhookEndpoint(models.Model):
    """An address told about public changes, signed per Standard Webhooks with its own secret."""

    url = models.URLField("Endpoint URL", max_length=2000)
    events = ArrayField(models.CharField(max_length=40, choices=WebhookEvent.choices), default=list)
    description = models.CharField(max_length=200, blank=True)
    secret = models.CharField(max_length=100)  # "whsec_" + base64; needed to sign, so kept as is
    created_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    active = models.BooleanField(default=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=300, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    failing_since = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(url__startswith="http"), name="webhook_url_http")]

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(models.Model):
    """One event for one endpoint, and how its delivery went (the desk's delivery log)."""

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        SUCCEEDED = "succeeded", "Delivered"
        FAILED = "failed", "Failed"

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    message_id = models.CharField(max_length=40, unique=True)  # webhook-id: "msg_…", the same on every retry
    event = models.CharField(max_length=40)
    payload = models.JSONField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    response_code = models.PositiveIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["endpoint", "-created_at"], name="webhook_delivery_recent")]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint_id}"


class ArchivedCopy(models.Model):
    """One fetch of one address: what came back, its readable text, and the body itself (compressed,
    in the file storage). Evidence and sources citing the address share the copy."""

    class State(models.TextChoices):
        PENDING = "pending", "Being archived"
        ARCHIVED = "archived", "Archived"
        FAILED = "failed", "Could not be archived"

    url = models.URLField("URL", max_length=2000)  # as cited
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    requested_at = models.DateTimeField(auto_now_add=True)
    fetched_at = models.DateTimeField(null=True, blank=True)
    final_url = models.URLField(max_length=2000, blank=True)  # after redirects
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)  # of the body as sent, uncompressed
    sha256 = models.CharField(max_length=64, blank=True)  # of that body
    title = models.CharField(max_length=300, blank=True)
    text = models.TextField(blank=True)  # readable text: what passages are looked up in
    text_sha256 = models.CharField(max_length=64, blank=True)  # what "content changed" compares
    body = models.FileField(upload_to="archive/%Y/%m/", max_length=300, blank=True)  # gzip
    error_code = models.CharField(max_length=40, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["url", "-requested_at"], name="archive_latest_for_url")]
        constraints = [models.CheckConstraint(condition=Q(state__in=["pending", "archived", "failed"]),
                                              name="archive_state_valid")]

    def __str__(self) -> str:
        return f"{self.url} ({self.state})"

    # A fetch takes seconds; one still pending after this lost its job (a worker stopped mid-fetch).
    STALLED_AFTER_MINUTES = 10

    @property
    def stalled(self) -> bool:
        from django.utils import timezone

        return (self.state == self.State.PENDING and self.requested_at is not None
                and (timezone.now() - self.requested_at).total_seconds() > self.STALLED_AFTER_MINUTES * 60)


class LinkCheck(models.Model):
    """One look at a public check's evidence link: what changed since the copy the evidence cites."""

    evidence = models.ForeignKey(Evidence, on_delete=models.CASCADE, related_name="link_checks")
    copy = models.ForeignKey(ArchivedCopy, on_delete=models.CASCADE, related_name="+")  # what came back now
    cited = models.ForeignKey(ArchivedCopy, on_delete=models.SET_NULL, null=True, related_name="+")
    outcome = models.CharField(max_length=10, choices=LinkStatus.choices)
    checked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-checked_at", "-pk"]
        indexes = [models.Index(fields=["evidence", "-checked_at"], name="link_check_recent")]

    def __str__(self) -> str:
        return f"{self.evidence_id}: {self.outcome}"
