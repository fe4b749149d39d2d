from django.urls import path

from . import views

app_name = "ledger"

urlpatterns = [
    path("earnings/", views.earnings, name="earnings"),
    path("funding/", views.funding, name="funding"),
    path("staff/", views.staff_overview, name="staff"),
]
