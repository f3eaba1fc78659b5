"""The recruiters' side of requisitions, companies and hiring leaders (namespace "clients").
The leader-facing progress pages stay in hiring_leaders/urls.py under /leader/."""

from django.urls import path

from hiring_leaders import intake_views
from hiring_leaders import views as leader_views
from hiring_leaders import workspace_views as views

app_name = "clients"

_application = "requisitions/<int:pk>/applications/<int:application_pk>"

urlpatterns = [
    path("requisitions/", views.requisition_list, name="requisition_list"),
    path("requisitions/new/", views.requisition_create, name="requisition_create"),
    path("requisitions/<int:pk>/", views.requisition_detail, name="requisition_detail"),
    # The leader's progress page as the leader sees it, read-only.
    path(
        "requisitions/<int:pk>/as-leader/",
        leader_views.requisition_as_leader,
        name="requisition_as_leader",
    ),
    path(
        "requisitions/<int:pk>/as-leader/<slug:part>/",
        leader_views.requisition_as_leader_part,
        name="requisition_as_leader_part",
    ),
    path(
        "requisitions/<int:pk>/leader-note/",
        views.requisition_leader_note,
        name="requisition_leader_note",
    ),
    path("requisitions/<int:pk>/edit/", views.requisition_edit, name="requisition_edit"),
    path(
        "requisitions/<int:pk>/intake/",
        intake_views.requisition_intake,
        name="requisition_intake",
    ),
    path(
        "requisitions/<int:pk>/intake/kick-off/",
        intake_views.requisition_kick_off,
        name="requisition_kick_off",
    ),
    path(
        "requisitions/<int:pk>/intake/versions/<int:number>/",
        intake_views.intake_version,
        name="intake_version",
    ),
    path(
        "requisitions/<int:pk>/forecast/",
        intake_views.requisition_forecast,
        name="requisition_forecast",
    ),
    path(
        "forecasts/<int:pk>/overrun-dismiss/",
        intake_views.forecast_overrun_dismiss,
        name="forecast_overrun_dismiss",
    ),
    path("calibration/", intake_views.calibration_page, name="calibration"),
    path(
        "requisitions/<int:pk>/status/<str:status>/",
        views.requisition_status,
        name="requisition_status",
    ),
    path(
        "requisitions/<int:pk>/candidates/",
        views.requisition_candidates,
        name="requisition_candidates",
    ),
    path(f"{_application}/move/", views.application_move, name="application_move"),
    path(f"{_application}/hire/", views.application_hire, name="application_hire"),
    path(f"{_application}/close/", views.application_close, name="application_close"),
    path("companies/", views.company_list, name="company_list"),
    path("companies/new/", views.company_create, name="company_create"),
    path("companies/<int:pk>/", views.company_detail, name="company_detail"),
    path("companies/<int:pk>/edit/", views.company_edit, name="company_edit"),
    path("hiring-leaders/", views.hiringleader_list, name="hiringleader_list"),
    path("hiring-leaders/new/", views.hiringleader_create, name="hiringleader_create"),
    path("hiring-leaders/<int:pk>/", views.hiringleader_detail, name="hiringleader_detail"),
    path("hiring-leaders/<int:pk>/edit/", views.hiringleader_edit, name="hiringleader_edit"),
]
