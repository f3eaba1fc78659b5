from django.contrib import admin

from followups.models import (
    Cadence,
    CadenceStep,
    CheckInResponse,
    FollowUp,
    MessageTemplate,
    SuppressedAddress,
)


class CadenceStepInline(admin.TabularInline):
    model = CadenceStep
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
    list_display = ("name", "trigger", "stage", "weekday", "quiet_days", "enabled")
    list_filter = ("trigger", "enabled")
    search_fields = ("name",)
    inlines = [CadenceStepInline]


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    list_display = ("name", "subject", "updated_at")
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
