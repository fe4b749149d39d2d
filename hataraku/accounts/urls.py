from django.urls import path

from . import staff_views, views

app_name = "accounts"

urlpatterns = [
    path("settings/", views.settings_page, name="settings"),
    path("data.json", views.data_download, name="data_download"),
    path("delete/", views.delete_account, name="delete"),
    path("suspension/", staff_views.suspension, name="suspension"),
    path("report/<str:kind>/<int:target_id>/", staff_views.report_new, name="report"),
    # Staff manage people (issue 10, item 8) and read reports (item 7).
    path("staff/people/", staff_views.people_search, name="staff_people"),
    path("staff/people/<int:person_id>/", staff_views.person_detail, name="staff_person"),
    path("staff/people/<int:person_id>/suspension/", staff_views.person_suspend, name="staff_person_suspend"),
    path(
        "staff/people/<int:person_id>/second-factor/",
        staff_views.person_second_factor,
        name="staff_person_second_factor",
    ),
    path("staff/municipalities/", staff_views.municipality_list, name="staff_municipalities"),
    path("staff/reports/", staff_views.report_queue, name="staff_reports"),
    path("staff/reports/<int:report_id>/", staff_views.report_detail, name="staff_report"),
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
