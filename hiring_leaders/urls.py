from django.urls import path

from hiring_leaders import views

app_name = "hiring_leaders"
urlpatterns = [
    path("requisitions/", views.requisition_list, name="requisition_list"),
    path("requisitions/<int:pk>/", views.requisition_detail, name="requisition_detail"),
]
