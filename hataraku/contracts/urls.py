from django.urls import path

from . import views

app_name = "contracts"

urlpatterns = [
    path("", views.contract_list, name="list"),
    path("<int:contract_id>/", views.contract_detail, name="detail"),
    path("<int:contract_id>/terms/", views.terms_page, name="terms"),
    path("<int:contract_id>/terms.pdf", views.terms_pdf, name="terms_pdf"),
    path("<int:contract_id>/agree/", views.contract_agree, name="agree"),
    path("<int:contract_id>/cancel/", views.contract_cancel, name="cancel"),
    path("<int:contract_id>/complete/", views.contract_complete, name="complete"),
    path("<int:contract_id>/changes/new/", views.change_new, name="change_new"),
    path("<int:contract_id>/changes/<int:change_id>/answer/", views.change_answer, name="change_answer"),
    path("<int:contract_id>/milestones/<int:milestone_id>/", views.milestone_page, name="milestone"),
    path(
        "<int:contract_id>/milestones/<int:milestone_id>/fund/", views.milestone_fund, name="milestone_fund"
    ),
    path(
        "<int:contract_id>/milestones/<int:milestone_id>/deliver/",
        views.milestone_deliver,
        name="milestone_deliver",
    ),
    path(
        "<int:contract_id>/milestones/<int:milestone_id>/accept/",
        views.milestone_accept,
        name="milestone_accept",
    ),
    path(
        "<int:contract_id>/milestones/<int:milestone_id>/return/",
        views.milestone_return,
        name="milestone_return",
    ),
    path("<int:contract_id>/files/<int:file_id>/", views.delivery_file, name="delivery_file"),
    path("<int:contract_id>/accommodations/new/", views.accommodation_new, name="accommodation_new"),
    path(
        "<int:contract_id>/accommodations/<int:request_id>/answer/",
        views.accommodation_answer,
        name="accommodation_answer",
    ),
    path("<int:contract_id>/time/", views.time_entries, name="time"),
    path("<int:contract_id>/weeks/<int:week_id>/", views.week_page, name="week"),
    path("<int:contract_id>/weeks/<int:week_id>/submit/", views.week_submit, name="week_submit"),
    path("<int:contract_id>/weeks/<int:week_id>/resubmit/", views.week_resubmit, name="week_resubmit"),
    path("<int:contract_id>/weeks/<int:week_id>/approve/", views.week_approve, name="week_approve"),
    path(
        "<int:contract_id>/weeks/<int:week_id>/correction/",
        views.week_request_correction,
        name="week_request_correction",
    ),
    path(
        "<int:contract_id>/weeks/<int:week_id>/corrections/new/",
        views.time_correction_new,
        name="time_correction_new",
    ),
    path(
        "<int:contract_id>/weeks/<int:week_id>/corrections/<int:correction_id>/answer/",
        views.time_correction_answer,
        name="time_correction_answer",
    ),
    path("<int:contract_id>/disputes/new/", views.dispute_new, name="dispute_new"),
    path("staff/disputes/", views.staff_disputes, name="staff_disputes"),
    path("staff/disputes/<int:dispute_id>/", views.staff_dispute, name="staff_dispute"),
    path("staff/accommodations/", views.staff_accommodations, name="staff_accommodations"),
    path("staff/late-payments/", views.staff_late_payments, name="staff_late_payments"),
]
