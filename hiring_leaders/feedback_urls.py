from django.urls import path

from hiring_leaders import feedback_views

app_name = "leader_feedback"
urlpatterns = [
    path(
        "requisitions/<int:requisition_pk>/candidates/<int:pk>/feedback/",
        feedback_views.feedback,
        name="feedback",
    ),
]
