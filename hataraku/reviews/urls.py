from django.urls import path

from . import views

app_name = "reviews"

urlpatterns = [
    path("contracts/<int:contract_id>/", views.contract_review, name="contract"),
    path("users/<int:user_id>/", views.user_reviews, name="user"),
]
