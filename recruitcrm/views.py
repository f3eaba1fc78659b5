from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.shortcuts import render

from recruitcrm import throttle
from recruitcrm.access import admin_required
from recruitcrm.selectors import system_status as system_status_read


@admin_required
def system_status(request):
    return render(request, "system_status.html", {"processes": system_status_read()})


class SignInView(auth_views.LoginView):
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        return throttle.refusal(request, throttle.SIGN_IN) or super().post(request, *args, **kwargs)


class PasswordResetView(auth_views.PasswordResetView):
    def post(self, request, *args, **kwargs):
        refused = throttle.refusal(request, throttle.PASSWORD_RESET)
        return refused or super().post(request, *args, **kwargs)
