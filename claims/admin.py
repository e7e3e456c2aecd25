from django.contrib import admin

from claims import models


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class EvidenceInline(admin.TabularInline):
    model = models.Evidence
    extra = 0
    fields = ("position", "title", "url", "stance", "publisher", "published_on")
    readonly_fields = ("version",)


class EventInline(ReadOnlyInline):
    model = models.Event
    fields = ("created_at", "actor", "action", "status_before", "status_after", "comment")
    readonly_fields = fields


class RecordAdmin(admin.ModelAdmin):
    """Records nobody adds, changes or deletes, superusers included: the audit trail, what was
    submitted in a round, and what people said about past rulings."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.Speaker)
class SpeakerAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "role", "affiliation", "updated_at")
    list_filter = ("kind", "affiliation")
    search_fields = ("name", "role", "affiliation")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(models.Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ("title", "outlet", "kind", "published_on", "url")
    list_filter = ("kind", "outlet")
    search_fields = ("title", "outlet", "url")
    date_hierarchy = "published_on"


@admin.register(models.Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(models.Rating)
class RatingAdmin(admin.ModelAdmin):
    list_display = ("label", "value", "position", "colour", "retired")
    list_filter = ("retired",)
    search_fields = ("label", "definition")


@admin.register(models.Claim)
class ClaimAdmin(admin.ModelAdmin):
    list_display = ("short_quote", "speaker", "status", "assignee", "imported", "updated_at")
    list_filter = ("status", "imported", "topics", "speaker")
    search_fields = ("quote", "claim_checked", "speaker__name", "slug")
    list_select_related = ("speaker", "assignee")
    autocomplete_fields = ("speaker",)
    filter_horizontal = ("topics",)
    readonly_fields = ("status", "version", "review_round", "published_at", "created_at", "updated_at",
                       "created_by")
    inlines = [EvidenceInline, EventInline]
    date_hierarchy = "created_at"

    @admin.display(description="quote", ordering="quote")
    def short_quote(self, obj):
        return obj.quote[:90]


@admin.register(models.Evidence)
class EvidenceAdmin(admin.ModelAdmin):
    list_display = ("title", "claim", "stance", "publisher", "published_on")
    list_filter = ("stance",)
    search_fields = ("title", "publisher", "url", "passage")
    list_select_related = ("claim",)
    raw_id_fields = ("claim",)
    readonly_fields = ("version", "added_by")


@admin.register(models.Verdict)
class VerdictAdmin(admin.ModelAdmin):
    list_display = ("claim", "rating", "author", "submitted_at", "published_at")
    list_filter = ("rating",)
    search_fields = ("conclusion", "analysis", "claim__quote")
    list_select_related = ("claim", "rating", "author")
    raw_id_fields = ("claim",)
    readonly_fields = ("version", "submitted_at", "published_at", "submitted_by")


@admin.register(models.ReviewVote)
class ReviewVoteAdmin(admin.ModelAdmin):
    list_display = ("claim", "round", "editor", "decision", "created_at")
    list_filter = ("decision",)
    search_fields = ("comment", "claim__quote")
    list_select_related = ("claim", "editor")
    readonly_fields = ("claim", "round", "editor", "decision", "comment", "created_at")

    def has_add_permission(self, request):
        return False


@admin.register(models.Appearance)
class AppearanceAdmin(admin.ModelAdmin):
    list_display = ("claim", "speaker", "date_said", "primary", "accepted")
    list_filter = ("primary", "accepted")
    search_fields = ("quote", "speaker__name", "claim__quote")
    list_select_related = ("claim", "speaker")
    raw_id_fields = ("claim", "speaker", "source")
    readonly_fields = ("primary", "added_by", "accepted_by", "created_at")


@admin.register(models.Submission)
class SubmissionAdmin(RecordAdmin):
    list_display = ("claim", "round", "submitted_by", "created_at")
    list_select_related = ("claim", "submitted_by")


@admin.register(models.ConsistencyNote)
class ConsistencyNoteAdmin(RecordAdmin):
    list_display = ("claim", "round", "past_claim", "past_rating", "rating", "relation", "show_publicly", "author")
    list_filter = ("relation", "show_publicly", "action")
    list_select_related = ("claim", "past_claim", "author")


@admin.register(models.Annotation)
class AnnotationAdmin(admin.ModelAdmin):
    list_display = ("body", "claim", "author", "start", "end", "detached", "resolved", "created_at")
    list_filter = ("resolved", "detached")
    search_fields = ("body",)
    list_select_related = ("claim", "author")
    raw_id_fields = ("claim", "parent")


@admin.register(models.ReplyAttempt)
class ReplyAttemptAdmin(admin.ModelAdmin):
    list_display = ("claim", "contacted_on", "channel", "contact", "show_publicly")
    list_filter = ("channel", "show_publicly")
    search_fields = ("contact", "response")
    raw_id_fields = ("claim",)


@admin.register(models.Correction)
class CorrectionAdmin(admin.ModelAdmin):
    list_display = ("claim", "kind", "created_by", "created_at")
    list_filter = ("kind",)
    search_fields = ("note", "claim__quote")
    readonly_fields = ("claim", "kind", "previous", "created_by", "created_at")

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.Event)
class EventAdmin(RecordAdmin):
    """The audit trail is read-only: no add, change or delete, even for superusers."""

    list_display = ("created_at", "action", "claim", "actor", "status_before", "status_after")
    list_filter = ("action", "status_after")
    search_fields = ("comment", "claim__quote", "action")
    list_select_related = ("claim", "actor")
    date_hierarchy = "created_at"


@admin.register(models.Tip)
class TipAdmin(admin.ModelAdmin):
    list_display = ("text", "status", "created_at")
    list_filter = ("status",)
    search_fields = ("text", "url", "email")
    readonly_fields = ("created_at",)


@admin.register(models.SearchTerm)
class SearchTermAdmin(admin.ModelAdmin):
    """Word counts for claim matching: refreshed by imports and `manage.py refresh_search_terms`."""

    list_display = ("lexeme", "ndoc")
    search_fields = ("lexeme",)
    ordering = ("ndoc",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
