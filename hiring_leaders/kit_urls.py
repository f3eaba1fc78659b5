"""Interview kits, interviews and scorecards (namespace "kits"): the recruiter's pages under a
requisition, and a panel leader's scorecard under /leader/."""

from django.urls import path

from hiring_leaders import kit_views as views

app_name = "kits"

_kit = "requisitions/<int:pk>/kit"

urlpatterns = [
    path(f"{_kit}/", views.kit_page, name="kit"),
    path(f"{_kit}/generate/", views.kit_generate, name="generate"),
    path(f"{_kit}/share/", views.kit_share, name="share"),
    path(f"{_kit}/send/", views.kit_send, name="send"),
    path(f"{_kit}/criteria/new/", views.criterion_save, name="criterion_add"),
    path(f"{_kit}/criteria/<int:criterion_pk>/", views.criterion_save, name="criterion"),
    path(
        f"{_kit}/criteria/<int:criterion_pk>/questions/new/",
        views.question_add,
        name="question_add",
    ),
    path(f"{_kit}/questions/<int:question_pk>/", views.question_save, name="question"),
    path(f"{_kit}/rounds/new/", views.round_save, name="round_add"),
    path(f"{_kit}/rounds/<int:round_pk>/", views.round_save, name="round"),
    path(f"{_kit}/panel/new/", views.panel_member_save, name="member_add"),
    path(f"{_kit}/panel/<int:member_pk>/", views.panel_member_save, name="member"),
    path(
        "requisitions/<int:pk>/applications/<int:application_pk>/interviews/",
        views.application_interviews,
        name="application_interviews",
    ),
    path("leader/scorecards/<int:scorecard_pk>/", views.leader_scorecard, name="leader_scorecard"),
]
