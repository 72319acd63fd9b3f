from django.urls import path

from jobs import views

urlpatterns = [
    path("status.json", views.job_status, name="job_status"),
]
