from django.contrib import admin

from hiring_leaders.models import (
    Company,
    HiringLeader,
    Intake,
    IntakeVersion,
    InterviewKit,
    KitCriterion,
    KitQuestion,
    KitRound,
    PanelMember,
    Requisition,
    TimeToFillForecast,
)


class HiringLeaderInline(admin.TabularInline):
    model = HiringLeader
    fields = ("first_name", "last_name", "email", "job_title")
    extra = 0
    show_change_link = True


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ("name", "time_zone", "created_at")
    search_fields = ("name",)
    inlines = [HiringLeaderInline]


@admin.register(HiringLeader)
class HiringLeaderAdmin(admin.ModelAdmin):
    list_display = ("name", "email", "company", "job_title", "user", "last_contacted_at")
    list_filter = ("company",)
    search_fields = ("first_name", "last_name", "email", "company__name")
    list_select_related = ("company", "user")
    autocomplete_fields = ("company", "user")


@admin.register(Requisition)
class RequisitionAdmin(admin.ModelAdmin):
    list_display = ("title", "company", "hiring_leader", "recruiter", "status", "opened_on")
    list_filter = ("status", "company", "recruiter")
    search_fields = ("title", "company__name", "hiring_leader__last_name")
    list_select_related = ("company", "hiring_leader", "recruiter")
    autocomplete_fields = ("company", "hiring_leader", "recruiter")
    date_hierarchy = "opened_on"
    # Status moves through services so the timeline and follow-ups stay true.
    readonly_fields = ("status", "status_reason", "status_note", "closed_on")


class IntakeVersionInline(admin.TabularInline):
    model = IntakeVersion
    fields = ("number", "changed_fields", "changed_by", "changed_by_leader", "changed_at")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Intake)
class IntakeAdmin(admin.ModelAdmin):
    list_display = ("requisition", "why_open", "kicked_off_at", "updated_at")
    list_filter = ("why_open", "pay_vs_market")
    search_fields = ("requisition__title", "requisition__company__name")
    list_select_related = ("requisition__company",)
    autocomplete_fields = ("requisition",)
    # Versions are what was agreed: written by the intake's services, never edited here.
    inlines = [IntakeVersionInline]


@admin.register(TimeToFillForecast)
class TimeToFillForecastAdmin(admin.ModelAdmin):
    list_display = ("requisition", "low_days", "high_days", "made_by", "made_at")
    search_fields = ("requisition__title",)
    list_select_related = ("requisition__company", "made_by")
    autocomplete_fields = ("requisition", "made_by")


@admin.register(PanelMember)
class PanelMemberAdmin(admin.ModelAdmin):
    list_display = ("name", "email", "requisition", "hiring_leader")
    search_fields = ("name", "email", "requisition__title")
    list_select_related = ("requisition__company", "hiring_leader")
    autocomplete_fields = ("requisition", "hiring_leader")


class KitRoundInline(admin.TabularInline):
    model = KitRound
    fields = ("position", "name", "minutes")
    extra = 0


@admin.register(InterviewKit)
class InterviewKitAdmin(admin.ModelAdmin):
    list_display = ("requisition", "shared_with_leader_at", "sent_to_panel_at", "updated_at")
    search_fields = ("requisition__title",)
    list_select_related = ("requisition__company",)
    autocomplete_fields = ("requisition",)
    readonly_fields = ("generated_from",)
    inlines = [KitRoundInline]


class KitQuestionInline(admin.TabularInline):
    model = KitQuestion
    fields = ("position", "text")
    extra = 0


@admin.register(KitCriterion)
class KitCriterionAdmin(admin.ModelAdmin):
    list_display = ("name", "kit", "position")
    search_fields = ("name", "kit__requisition__title")
    list_select_related = ("kit__requisition__company",)
    raw_id_fields = ("kit",)
    inlines = [KitQuestionInline]
