from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("settings/", views.settings_page, name="settings"),
    path("data.json", views.data_download, name="data_download"),
    path("delete/", views.delete_account, name="delete"),
]
