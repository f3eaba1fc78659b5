"""The analytics pages (namespace "analytics"); one requisition's are beside its pipeline."""

from django.urls import path

from candidates import analytics_views as views

app_name = "analytics"
urlpatterns = [
    path("analytics/", views.agency_pipeline, name="pipeline"),
    path("analytics/experience/", views.agency_experience, name="experience"),
    path("analytics/choices/<str:kind>/", views.filter_choices, name="choices"),
    path("requisitions/<int:pk>/analytics/", views.requisition_analytics, name="requisition"),
    path(
        "leader/requisitions/<int:pk>/analytics/",
        views.leader_requisition_analytics,
        name="leader_requisition",
    ),
]
