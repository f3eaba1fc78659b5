"""Pages an interview panel member opens from an email, without signing in (namespace "panel")."""

from django.urls import path

from followups import panel_views

app_name = "panel"
urlpatterns = [
    path("panel/kit/<str:token>/", panel_views.panel_kit, name="kit"),
    path("panel/scorecard/<str:token>/", panel_views.scorecard, name="scorecard"),
]
