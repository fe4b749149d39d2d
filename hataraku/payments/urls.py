from django.urls import path

from . import views

app_name = "payments"

urlpatterns = [
    path("bank-account/", views.bank_account, name="bank_account"),
    path("payouts/", views.payout_list, name="payout_list"),
    path("payouts/new/", views.payout_request, name="payout_request"),
    path("invoices/", views.invoice_list, name="invoice_list"),
    path("invoices/<int:settlement_id>/pdf/", views.invoice_pdf, name="invoice_pdf"),
    path("escrows/<int:escrow_id>/fund/", views.funding_start, name="funding_start"),
    path("fundings/<int:pk>/", views.funding_detail, name="funding_detail"),
    path("fundings/<int:pk>/checkout/", views.funding_checkout, name="funding_checkout"),
    path("fundings/<int:pk>/check/", views.funding_check, name="funding_check"),
    path("receipts/", views.receipt_list, name="receipt_list"),
    path("receipts/<int:funding_id>/pdf/", views.receipt_pdf, name="receipt_pdf"),
    path("payment-records/", views.payment_records_page, name="payment_records"),
    path("payment-records/<int:year>/csv/", views.payment_records_csv, name="payment_records_csv"),
    path("staff/transfers/", views.staff_transfer_queue, name="staff_transfer_queue"),
    path(
        "staff/transfers/<int:pk>/confirm/",
        views.staff_transfer_decide,
        {"decision": "confirm"},
        name="staff_transfer_confirm",
    ),
    path(
        "staff/transfers/<int:pk>/void/",
        views.staff_transfer_decide,
        {"decision": "void"},
        name="staff_transfer_void",
    ),
    path("staff/batches/", views.staff_batches, name="staff_batches"),
    path("staff/batches/<int:pk>/", views.staff_batch_detail, name="staff_batch_detail"),
    path("staff/batches/<int:pk>/zengin/", views.staff_batch_zengin, name="staff_batch_zengin"),
    path(
        "staff/payouts/<int:pk>/paid/",
        views.staff_payout_decide,
        {"decision": "paid"},
        name="staff_payout_paid",
    ),
    path(
        "staff/payouts/<int:pk>/failed/",
        views.staff_payout_decide,
        {"decision": "failed"},
        name="staff_payout_failed",
    ),
    path("stripe/webhook/", views.stripe_webhook, name="stripe_webhook"),
]
