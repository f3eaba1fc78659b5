from django.urls import path

from followups import compose_views, hold_views, post_hire_views, views
from followups.queue import views as queue_views

app_name = "followups"
urlpatterns = [
    # Public pages reached from an email, without signing in.
    path("checkin/<str:token>/", views.checkin, name="checkin"),
    path("unsubscribe/<str:token>/", views.opt_out, name="opt_out"),
    path("on-hold/<str:token>/", hold_views.hold_answer, name="hold_answer"),
    # Today: the recruiter's queue and what they do to its rows.
    path("today/sections/<str:key>/", queue_views.section, name="today_section"),
    path("today/tasks/<int:pk>/done/", queue_views.task_done, name="today_task_done"),
    path("today/tasks/<int:pk>/snooze/", queue_views.task_snooze, name="today_task_snooze"),
    path("today/promises/<int:pk>/kept/", queue_views.promise_kept, name="today_promise_kept"),
    path("today/<str:kind>/<int:pk>/snooze/", queue_views.row_snooze, name="today_row_snooze"),
    path("today/bad-news/<int:pk>/told/", queue_views.bad_news_told, name="today_bad_news_told"),
    path(
        "today/check-ins/<int:pk>/review/",
        queue_views.checkin_review,
        name="today_checkin_review",
    ),
    path("today/log/", queue_views.log, name="today_log"),
    path("today/promise/", queue_views.promise, name="today_promise"),
    path("today/undo/", queue_views.undo, name="undo"),
    path("team/", queue_views.team, name="team"),
    # What happened after the hire: check-in scores, concerns by theme, problems solved.
    path(
        "analytics/post-hire/",
        post_hire_views.post_hire_analytics,
        name="post_hire_analytics",
    ),
    # A message to one person, from a template.
    path("messages/new/", compose_views.message_compose, name="message_compose"),
    # Admin configuration.
    path("followups/cadences/", views.cadence_list, name="cadence_list"),
    path("followups/cadences/<int:pk>/", views.cadence_detail, name="cadence_detail"),
    path(
        "followups/cadences/<int:pk>/enabled/",
        views.cadence_set_enabled,
        name="cadence_set_enabled",
    ),
    path(
        "followups/cadences/<int:pk>/quiet-days/",
        views.cadence_quiet_days,
        name="cadence_quiet_days",
    ),
    path("followups/cadences/<int:pk>/steps/add/", views.step_add, name="step_add"),
    path("followups/steps/<int:pk>/", views.step_row, name="step_row"),
    path("followups/steps/<int:pk>/edit/", views.step_edit, name="step_edit"),
    path("followups/steps/<int:pk>/delete/", views.step_delete, name="step_delete"),
    path("followups/templates/", views.template_list, name="template_list"),
    path("followups/templates/new/", views.template_create, name="template_create"),
    path("followups/templates/preview/", views.template_preview, name="template_preview"),
    path("followups/templates/<int:pk>/edit/", views.template_edit, name="template_edit"),
    path("followups/outbox/", views.outbox, name="outbox"),
    path("followups/outbox/<int:pk>/", views.outbox_row, name="outbox_row"),
    path("followups/outbox/<int:pk>/retry/", views.followup_retry, name="followup_retry"),
    path("followups/outbox/<int:pk>/cancel/", views.followup_cancel, name="followup_cancel"),
]
