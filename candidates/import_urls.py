from django.urls import path

from candidates import import_views as views

app_name = "imports"
urlpatterns = [
    path("", views.upload, name="upload"),
    path("example.csv", views.example, name="example"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/progress/", views.progress, name="progress"),
    path("<int:pk>/matches/", views.decide_all, name="decide_all"),
    path("<int:pk>/matches/<int:row_pk>/", views.decide, name="decide"),
    path("<int:pk>/confirm/", views.confirm, name="confirm"),
    path("<int:pk>/discard/", views.discard, name="discard"),
]
