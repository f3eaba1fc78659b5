from django.contrib import admin

from hiring_leaders.models import Company, HiringLeader, Requisition


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
