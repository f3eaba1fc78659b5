from django import forms
from django.contrib import admin

from followups import services
from followups.models import (
    BookHealth,
    Cadence,
    CadenceStep,
    CheckInResponse,
    DigestVisit,
    FollowUp,
    HoldAnswer,
    MessageTemplate,
    PanelEmail,
    RecurringSweep,
    ScorecardRead,
    Snooze,
    SuppressedAddress,
)


class CadenceStepForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        cadence = cleaned.get("cadence") or getattr(self.instance, "cadence", None)
        if cadence is not None and cadence.trigger and cleaned.get("audience"):
            problems = services.cadence_step_problems(
                cadence=cadence,
                audience=cleaned["audience"],
                channel=cleaned.get("channel", ""),
                template=cleaned.get("template"),
            )
            for field, messages in problems.items():
                for message in messages:
                    self.add_error(field, message)
        return cleaned


class CadenceStepInline(admin.TabularInline):
    model = CadenceStep
    form = CadenceStepForm
    fields = (
        "position",
        "offset_days",
        "send_time",
        "audience",
        "channel",
        "template",
        "task_if_opted_out",
    )
    extra = 0


@admin.register(Cadence)
class CadenceAdmin(admin.ModelAdmin):
    list_display = ("name", "trigger", "stage", "outcome", "weekday", "quiet_days", "enabled")
    list_filter = ("trigger", "enabled")
    search_fields = ("name",)
    inlines = [CadenceStepInline]


class MessageTemplateForm(forms.ModelForm):
    """Refuses what the in-app editor refuses, so no broken template reaches an email."""

    class Meta:
        model = MessageTemplate
        fields = ("name", "kind", "written_for", "subject", "body")

    def clean(self):
        cleaned = super().clean()
        problems = services.message_template_problems(
            name=cleaned.get("name", ""),
            subject=cleaned.get("subject", ""),
            body=cleaned.get("body", ""),
            kind=cleaned.get("kind", ""),
            written_for=cleaned.get("written_for", ""),
            exclude_pk=self.instance.pk,
        )
        for field, messages in problems.items():
            for message in messages:
                self.add_error(field if field in self.fields else None, message)
        return cleaned


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    form = MessageTemplateForm
    list_display = ("name", "kind", "written_for", "subject", "updated_at")
    list_filter = ("kind", "written_for")
    search_fields = ("name", "subject", "body")


@admin.register(FollowUp)
class FollowUpAdmin(admin.ModelAdmin):
    list_display = ("due_at", "state", "channel", "audience", "person", "template", "attempts")
    list_filter = ("state", "channel", "audience")
    search_fields = ("key", "candidate__email", "hiring_leader__email", "task_title")
    list_select_related = ("candidate", "hiring_leader", "template")
    date_hierarchy = "due_at"
    show_full_result_count = False
    # The outbox page retries and cancels through the services; here it is read-only, so the
    # dispatcher's state machine cannot be bypassed by hand.
    readonly_fields = [field.name for field in FollowUp._meta.fields]

    def has_add_permission(self, request):
        return False

    @admin.display(description="Recipient")
    def person(self, obj):
        return obj.person or obj.recruiter


@admin.register(CheckInResponse)
class CheckInResponseAdmin(admin.ModelAdmin):
    list_display = ("placement", "audience", "score", "is_concern", "answered_at")
    list_filter = ("score", "is_concern", "audience")
    list_select_related = ("placement__application__candidate",)
    readonly_fields = ("followup", "placement", "audience", "answered_at", "updated_at")


@admin.register(SuppressedAddress)
class SuppressedAddressAdmin(admin.ModelAdmin):
    list_display = ("email", "reason", "created_at")
    search_fields = ("email",)


@admin.register(Snooze)
class SnoozeAdmin(admin.ModelAdmin):
    list_display = ("recruiter", "kind", "object_id", "until")
    list_filter = ("kind",)
    list_select_related = ("recruiter",)


@admin.register(BookHealth)
class BookHealthAdmin(admin.ModelAdmin):
    list_display = ("recruiter", "active", "heard_from", "counted_at")
    list_select_related = ("recruiter",)
    readonly_fields = ("recruiter", "active", "heard_from", "counted_at")


@admin.register(RecurringSweep)
class RecurringSweepAdmin(admin.ModelAdmin):
    """Where beat's walk for a gone-quiet cadence stopped; deleting one makes the next run start
    from the first candidate, which costs time and never a duplicate."""

    list_display = ("cadence", "after_candidate_id", "started_at", "updated_at")
    list_select_related = ("cadence",)
    readonly_fields = ("cadence", "after_candidate_id", "started_at", "updated_at")


@admin.register(HoldAnswer)
class HoldAnswerAdmin(admin.ModelAdmin):
    """Leaders' answers to the on-hold question in their digest, as they gave them."""

    list_display = ("requisition", "hiring_leader", "answer", "answered_at")
    list_filter = ("answer",)
    list_select_related = ("requisition", "hiring_leader")
    readonly_fields = ("digest", "requisition", "hiring_leader", "answer", "answered_at")

    def has_add_permission(self, request):
        return False


@admin.register(DigestVisit)
class DigestVisitAdmin(admin.ModelAdmin):
    """Progress pages opened from a digest's link."""

    list_display = ("requisition", "digest", "first_seen_at", "last_seen_at")
    list_select_related = ("requisition", "digest")
    readonly_fields = ("digest", "requisition", "first_seen_at", "last_seen_at")

    def has_add_permission(self, request):
        return False


@admin.register(PanelEmail)
class PanelEmailAdmin(admin.ModelAdmin):
    """Kits and scorecard links emailed to interview panels: a record of what went out."""

    list_display = ("panel_member", "kind", "created_at", "sent_at", "attempts")
    list_filter = ("kind", ("sent_at", admin.EmptyFieldListFilter))
    list_select_related = ("panel_member",)
    search_fields = ("panel_member__name", "panel_member__email")
    readonly_fields = (
        "panel_member",
        "kind",
        "scorecard",
        "sent_by",
        "created_at",
        "sent_at",
        "attempts",
        "last_error",
    )

    def has_add_permission(self, request):
        return False


@admin.register(ScorecardRead)
class ScorecardReadAdmin(admin.ModelAdmin):
    """When a recruiter first read a scorecard (after which the interviewer cannot replace it)."""

    list_display = ("scorecard", "read_by", "read_at")
    list_select_related = ("scorecard__interviewer", "read_by")
    readonly_fields = ("scorecard", "read_by", "read_at")

    def has_add_permission(self, request):
        return False
