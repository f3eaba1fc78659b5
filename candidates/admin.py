from django.contrib import admin

from candidates.models import (
    Activity,
    Application,
    ApplicationStageChange,
    Candidate,
    CandidateImport,
    Commitment,
    Interview,
    LeaderFeedback,
    Placement,
    Scorecard,
    ScorecardRating,
    Tag,
)
from candidates.services import application_names_follow


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ("name",)
    search_fields = ("name",)


class ApplicationInline(admin.TabularInline):
    model = Application
    fields = ("requisition", "stage", "outcome", "stage_changed_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Candidate)
class CandidateAdmin(admin.ModelAdmin):
    list_display = ("name", "email", "phone", "owner", "source", "last_contacted_at", "opted_out")
    list_filter = ("source", "owner", ("opted_out_at", admin.EmptyFieldListFilter))
    search_fields = ("first_name", "last_name", "email", "phone")
    list_select_related = ("owner",)
    autocomplete_fields = ("owner", "tags")
    readonly_fields = ("last_contacted_at", "created_at", "updated_at")
    inlines = [ApplicationInline]
    show_full_result_count = False

    @admin.display(boolean=True, description="Opted out")
    def opted_out(self, obj):
        return obj.opted_out

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and {"first_name", "last_name"} & set(form.changed_data):
            application_names_follow(candidate=obj)


class StageChangeInline(admin.TabularInline):
    model = ApplicationStageChange
    fields = ("changed_at", "from_stage", "to_stage", "outcome", "changed_by", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ("candidate", "requisition", "stage", "outcome", "stage_changed_at")
    list_filter = ("stage", "outcome", "requisition__company")
    search_fields = ("candidate__first_name", "candidate__last_name", "requisition__title")
    list_select_related = ("candidate", "requisition")
    autocomplete_fields = ("candidate", "requisition")
    # Stage and outcome change through services, which keep the history.
    readonly_fields = ("stage", "outcome", "close_reason", "closed_at", "hired_at")
    inlines = [StageChangeInline]
    show_full_result_count = False

    def save_model(self, request, obj, form, change):
        # The name the candidate list sorts a pipeline by (Application.candidate_last_name).
        obj.candidate_last_name = obj.candidate.last_name
        obj.candidate_first_name = obj.candidate.first_name
        super().save_model(request, obj, form, change)


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ("occurred_at", "kind", "summary", "candidate", "hiring_leader", "actor")
    list_filter = ("kind",)
    search_fields = ("summary", "candidate__last_name", "hiring_leader__last_name")
    list_select_related = ("candidate", "hiring_leader", "actor")
    autocomplete_fields = ("candidate", "hiring_leader", "requisition", "application", "actor")
    date_hierarchy = "occurred_at"
    show_full_result_count = False


@admin.register(Commitment)
class CommitmentAdmin(admin.ModelAdmin):
    list_display = ("description", "recruiter", "candidate", "hiring_leader", "due_at", "status")
    list_filter = ("status", "recruiter")
    search_fields = ("description", "candidate__last_name", "hiring_leader__last_name")
    list_select_related = ("recruiter", "candidate", "hiring_leader")
    autocomplete_fields = ("recruiter", "candidate", "hiring_leader", "requisition")
    readonly_fields = ("status", "kept_at")


@admin.register(Placement)
class PlacementAdmin(admin.ModelAdmin):
    list_display = ("application", "start_date", "fell_through_at")
    list_filter = (("fell_through_at", admin.EmptyFieldListFilter),)
    search_fields = ("application__candidate__last_name", "application__requisition__title")
    list_select_related = ("application__candidate", "application__requisition")
    autocomplete_fields = ("application",)
    date_hierarchy = "start_date"


@admin.register(CandidateImport)
class CandidateImportAdmin(admin.ModelAdmin):
    """Imports are read here, never changed: the import pages run them through the services."""

    list_display = ("file_name", "owner", "status", "row_count", "created_at")
    list_filter = ("status",)
    list_select_related = ("owner",)
    search_fields = ("file_name",)
    show_full_result_count = False

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(LeaderFeedback)
class LeaderFeedbackAdmin(admin.ModelAdmin):
    """What hiring leaders said about submitted candidates: a record, written by the service
    that also moved or closed the application, so read-only here."""

    list_display = ("application", "hiring_leader", "kind", "reason", "given_at")
    list_filter = ("kind", "reason")
    list_select_related = ("application__candidate", "application__requisition", "hiring_leader")
    readonly_fields = ("application", "hiring_leader", "kind", "reason", "text", "given_at")

    def has_add_permission(self, request):
        return False


class ScorecardInline(admin.TabularInline):
    model = Scorecard
    fields = ("interviewer", "submitted_at", "reminded_at")
    readonly_fields = fields
    extra = 0
    show_change_link = True


@admin.register(Interview)
class InterviewAdmin(admin.ModelAdmin):
    list_display = ("application", "round", "starts_at")
    search_fields = ("application__candidate__last_name", "application__requisition__title")
    list_select_related = ("application__candidate", "application__requisition", "round")
    raw_id_fields = ("application", "round")
    date_hierarchy = "starts_at"
    inlines = [ScorecardInline]


class ScorecardRatingInline(admin.TabularInline):
    model = ScorecardRating
    fields = ("criterion", "rating", "notes")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Scorecard)
class ScorecardAdmin(admin.ModelAdmin):
    """What interviewers said, through their link or the leader's page: read-only here."""

    list_display = ("interview", "interviewer", "submitted_at", "reminded_at")
    list_filter = (("submitted_at", admin.EmptyFieldListFilter),)
    list_select_related = ("interview__application__candidate", "interviewer")
    readonly_fields = ("interview", "interviewer", "notes", "submitted_at", "reminded_at")
    inlines = [ScorecardRatingInline]

    def has_add_permission(self, request):
        return False
