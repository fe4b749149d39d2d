from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("settings/", views.settings_page, name="settings"),
    path("data.json", views.data_download, name="data_download"),
    path("delete/", views.delete_account, name="delete"),
]

# Identity verification moved here from the jobs app and kept its addresses: config/urls.py mounts these
# under /jobs/ with their own namespace ("identity:verification", …).
identity_urlpatterns = (
    [
        path("verification/", views.verification, name="verification"),
        path("staff/verifications/", views.staff_verifications, name="staff_verifications"),
        path(
            "staff/verifications/<int:verification_id>/",
            views.staff_verification_review,
            name="staff_verification",
        ),
        path(
            "staff/verifications/<int:verification_id>/document/",
            views.staff_verification_document,
            name="staff_verification_document",
        ),
    ],
    "identity",
)
