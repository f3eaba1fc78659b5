from django.contrib import admin
from django.http import Http404

from recruitcrm import throttle


class RecruitCRMAdminSite(admin.AdminSite):
    site_header = "RecruitCRM administration"
    site_title = "RecruitCRM admin"
    index_title = "Configuration and data"

    def has_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def login(self, request, extra_context=None):
        # Signed-in recruiters and hiring leaders must not learn the admin exists: 404, as on
        # every other page they may not see. Anonymous visitors still get the admin sign-in.
        if request.user.is_authenticated and not self.has_permission(request):
            raise Http404("Not found")
        return throttle.refusal(request, throttle.SIGN_IN) or super().login(request, extra_context)
