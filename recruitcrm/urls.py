from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from followups.queue.views import home
from recruitcrm import views

urlpatterns = [
    # Each role's home: a recruiter's Today, an admin's team view, a leader's own roles.
    path("", home, name="home"),
    # Throttled versions of two of django.contrib.auth's views, found before its own below.
    path("accounts/login/", views.SignInView.as_view(), name="login"),
    path("accounts/password_reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("system/status/", views.system_status, name="system_status"),
    # Before the candidates include: "import/" is not a candidate id, but it sits under theirs.
    path("candidates/import/", include("candidates.import_urls")),
    path("candidates/", include("candidates.urls")),
    path("leader/", include("hiring_leaders.feedback_urls")),
    path("leader/", include("hiring_leaders.urls")),
    path("", include("hiring_leaders.workspace_urls")),
    # Interview kits and scorecards (issue 9): the recruiter's pages and the panel's links.
    path("", include("hiring_leaders.kit_urls")),
    path("", include("followups.panel_urls")),
    path("", include("candidates.analytics_urls")),
    path("", include("followups.urls")),
    path("admin/", admin.site.urls),
]
if settings.BENCH_TIMING:  # `make bench` only: the yardstick view
    urlpatterns.append(path("bench/", include("benchmarks.urls")))
