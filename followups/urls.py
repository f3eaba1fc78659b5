from django.urls import path

from followups import views

app_name = "followups"
urlpatterns = [
    path("checkin/<str:token>/", views.checkin, name="checkin"),
    path("unsubscribe/<str:token>/", views.opt_out, name="opt_out"),
]
