from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from recruitcrm import views

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("system/status/", views.system_status, name="system_status"),
    path("candidates/", include("candidates.urls")),
    path("leader/", include("hiring_leaders.urls")),
    path("", include("followups.urls")),
    path("admin/", admin.site.urls),
]
