from django.urls import path

from benchmarks import views

app_name = "benchmarks"
urlpatterns = [
    path("trivial/", views.trivial, name="trivial"),
    path("digest/<int:leader_id>/", views.leader_digest, name="leader_digest"),
]
