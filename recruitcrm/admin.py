from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from recruitcrm.models import Heartbeat, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "get_full_name", "email", "role", "is_active", "last_login")
    list_filter = ("role", "is_active", "is_staff")
    search_fields = ("username", "first_name", "last_name", "email")
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        ("RecruitCRM", {"fields": ("role", "time_zone")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        ("RecruitCRM", {"fields": ("role", "email", "first_name", "last_name")}),
    )


@admin.register(Heartbeat)
class HeartbeatAdmin(admin.ModelAdmin):
    list_display = ("process", "last_seen_at", "hostname")
    readonly_fields = ("process", "last_seen_at", "hostname")

    def has_add_permission(self, request):
        return False
