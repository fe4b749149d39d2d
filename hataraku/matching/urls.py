from django.urls import path

from . import views

app_name = "matching"

urlpatterns = [
    path("for-you/", views.for_you, name="for_you"),
    path("workers/", views.workers, name="workers"),
    path("<int:job_id>/mark/", views.mark, name="mark"),
]
