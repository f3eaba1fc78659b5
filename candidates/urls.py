from django.urls import path

from candidates import page_views, views

app_name = "candidates"
urlpatterns = [
    path("", views.candidate_list, name="candidate_list"),
    path("new/", views.candidate_create, name="candidate_create"),
    path("bulk/", views.candidate_bulk, name="candidate_bulk"),
    path("<int:pk>/", page_views.candidate_detail, name="candidate_detail"),
    path("<int:pk>/edit/", views.candidate_edit, name="candidate_edit"),
    path("<int:pk>/tags/", page_views.candidate_tags, name="candidate_tags"),
    path("<int:pk>/log/", page_views.activity_log, name="activity_log"),
    path("<int:pk>/promises/", page_views.commitment_make, name="commitment_make"),
    path(
        "<int:pk>/promises/<int:commitment_pk>/keep/",
        page_views.commitment_keep,
        name="commitment_keep",
    ),
    path(
        "<int:pk>/messages/<int:followup_pk>/take-back/",
        page_views.message_take_back,
        name="message_take_back",
    ),
    path("<int:pk>/applications/", page_views.application_add, name="application_add"),
    path(
        "<int:pk>/applications/<int:application_pk>/move/",
        page_views.application_move,
        name="application_move",
    ),
    path(
        "<int:pk>/applications/<int:application_pk>/close/",
        page_views.application_close,
        name="application_close",
    ),
    path(
        "<int:pk>/applications/<int:application_pk>/reopen/",
        page_views.application_reopen,
        name="application_reopen",
    ),
]
