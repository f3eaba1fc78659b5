from django.urls import path

from hiring_leaders import intake_views, sign_in_views, views

app_name = "hiring_leaders"
urlpatterns = [
    path("requisitions/", views.requisition_list, name="requisition_list"),
    path("requisitions/<int:pk>/", views.requisition_detail, name="requisition_detail"),
    # The parts of the progress page, loaded after it (views.PARTS).
    path(
        "requisitions/<int:pk>/progress/<slug:part>/",
        views.requisition_part,
        name="requisition_part",
    ),
    # The leader's own part of the intake (hiring_leaders.intake_views).
    path("requisitions/<int:pk>/intake/", intake_views.leader_intake, name="intake"),
    path("sign-in/", sign_in_views.sign_in_request, name="sign_in"),
    path("sign-in/sent/", sign_in_views.sign_in_sent, name="sign_in_sent"),
    path("sign-in/continue/", sign_in_views.sign_in_continue, name="sign_in_continue"),
    path("sign-in/<str:token>/", sign_in_views.sign_in_link, name="sign_in_link"),
]
