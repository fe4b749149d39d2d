from django.urls import path

from .views import accommodations, changes, contract, disputes, extras, hourly, milestones, offers

app_name = "contracts"

urlpatterns = [
    path("", contract.contract_list, name="list"),
    path("<int:contract_id>/", contract.contract_detail, name="detail"),
    path("<int:contract_id>/terms/", offers.terms_page, name="terms"),
    path("<int:contract_id>/terms.pdf", offers.terms_pdf, name="terms_pdf"),
    path("<int:contract_id>/agree/", offers.contract_agree, name="agree"),
    path("<int:contract_id>/cancel/", offers.contract_cancel, name="cancel"),
    path("<int:contract_id>/complete/", contract.contract_complete, name="complete"),
    path("<int:contract_id>/changes/new/", changes.change_new, name="change_new"),
    path("<int:contract_id>/changes/<int:change_id>/answer/", changes.change_answer, name="change_answer"),
    path("<int:contract_id>/milestones/<int:milestone_id>/", milestones.milestone_page, name="milestone"),
    path(
        "<int:contract_id>/milestones/<int:milestone_id>/fund/",
        milestones.milestone_fund,
        name="milestone_fund",
    ),
    path(
        "<int:contract_id>/milestones/<int:milestone_id>/deliver/",
        milestones.milestone_deliver,
        name="milestone_deliver",
    ),
    path(
        "<int:contract_id>/milestones/<int:milestone_id>/accept/",
        milestones.milestone_accept,
        name="milestone_accept",
    ),
    path(
        "<int:contract_id>/milestones/<int:milestone_id>/return/",
        milestones.milestone_return,
        name="milestone_return",
    ),
    path(
        "<int:contract_id>/milestones/<int:milestone_id>/cancel/",
        extras.cancellation_new,
        name="cancellation_new",
    ),
    path(
        "<int:contract_id>/cancellations/<int:cancellation_id>/answer/",
        extras.cancellation_answer,
        name="cancellation_answer",
    ),
    path(
        "<int:contract_id>/cancellations/<int:cancellation_id>/withdraw/",
        extras.cancellation_withdraw,
        name="cancellation_withdraw",
    ),
    path("<int:contract_id>/milestones/new/", extras.milestone_add, name="milestone_add"),
    path("<int:contract_id>/bonuses/new/", extras.bonus_new, name="bonus_new"),
    path("<int:contract_id>/bonuses/<int:bonus_id>/withdraw/", extras.bonus_withdraw, name="bonus_withdraw"),
    path("<int:contract_id>/files/<int:file_id>/", milestones.delivery_file, name="delivery_file"),
    path("<int:contract_id>/accommodations/new/", accommodations.accommodation_new, name="accommodation_new"),
    path(
        "<int:contract_id>/accommodations/<int:request_id>/answer/",
        accommodations.accommodation_answer,
        name="accommodation_answer",
    ),
    path("<int:contract_id>/time/", hourly.time_entries, name="time"),
    path("<int:contract_id>/weeks/<int:week_id>/", hourly.week_page, name="week"),
    path("<int:contract_id>/weeks/<int:week_id>/submit/", hourly.week_submit, name="week_submit"),
    path("<int:contract_id>/weeks/<int:week_id>/resubmit/", hourly.week_resubmit, name="week_resubmit"),
    path("<int:contract_id>/weeks/<int:week_id>/approve/", hourly.week_approve, name="week_approve"),
    path(
        "<int:contract_id>/weeks/<int:week_id>/correction/",
        hourly.week_request_correction,
        name="week_request_correction",
    ),
    path(
        "<int:contract_id>/weeks/<int:week_id>/corrections/new/",
        hourly.time_correction_new,
        name="time_correction_new",
    ),
    path(
        "<int:contract_id>/weeks/<int:week_id>/corrections/<int:correction_id>/answer/",
        hourly.time_correction_answer,
        name="time_correction_answer",
    ),
    path("<int:contract_id>/disputes/new/", disputes.dispute_new, name="dispute_new"),
    path("staff/disputes/", disputes.staff_disputes, name="staff_disputes"),
    path("staff/disputes/<int:dispute_id>/", disputes.staff_dispute, name="staff_dispute"),
    path("staff/accommodations/", accommodations.staff_accommodations, name="staff_accommodations"),
    path("staff/late-payments/", hourly.staff_late_payments, name="staff_late_payments"),
]
