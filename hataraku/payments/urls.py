"""Mounted at the site root (config/urls.py): the money overviews keep their `/money/` addresses from when
the ledger served them, and everything else lives under `/payments/`. One namespace, `payments:`."""

from django.urls import include, path

from .views import client, overview, refunds, staff, webhooks, worker

app_name = "payments"

money_patterns = [
    path("earnings/", overview.earnings, name="earnings"),
    path("funding/", overview.funding, name="funding"),
    path("staff/", overview.staff_overview, name="staff"),
]

payments_patterns = [
    path("bank-account/", worker.bank_account, name="bank_account"),
    path("payouts/", worker.payout_list, name="payout_list"),
    path("payouts/new/", worker.payout_request, name="payout_request"),
    path("invoices/", worker.invoice_list, name="invoice_list"),
    path("invoices/<int:settlement_id>/pdf/", worker.invoice_pdf, name="invoice_pdf"),
    path("escrows/<int:escrow_id>/fund/", client.funding_start, name="funding_start"),
    path(
        "escrows/<int:escrow_id>/fund-from-balance/",
        refunds.funding_from_balance,
        name="funding_from_balance",
    ),
    path("refunds/", refunds.refunds, name="client_refunds"),
    path("refunds/bank-account/", refunds.client_bank_account, name="client_bank_account"),
    path("return-documents/<int:pk>/pdf/", refunds.return_document_pdf, name="return_document_pdf"),
    path("fundings/<int:pk>/", client.funding_detail, name="funding_detail"),
    path("fundings/<int:pk>/checkout/", client.funding_checkout, name="funding_checkout"),
    path("fundings/<int:pk>/check/", client.funding_check, name="funding_check"),
    path("receipts/", client.receipt_list, name="receipt_list"),
    path("receipts/<int:funding_id>/pdf/", client.receipt_pdf, name="receipt_pdf"),
    path("payment-records/", client.payment_records_page, name="payment_records"),
    path("payment-records/<int:year>/csv/", client.payment_records_csv, name="payment_records_csv"),
    path("staff/transfers/", staff.staff_transfer_queue, name="staff_transfer_queue"),
    path(
        "staff/transfers/<int:pk>/confirm/",
        staff.staff_transfer_decide,
        {"decision": "confirm"},
        name="staff_transfer_confirm",
    ),
    path(
        "staff/transfers/<int:pk>/void/",
        staff.staff_transfer_decide,
        {"decision": "void"},
        name="staff_transfer_void",
    ),
    path("staff/batches/", staff.staff_batches, name="staff_batches"),
    path("staff/batches/<int:pk>/", staff.staff_batch_detail, name="staff_batch_detail"),
    path("staff/batches/<int:pk>/zengin/", staff.staff_batch_zengin, name="staff_batch_zengin"),
    path("staff/payouts/<int:pk>/release/", staff.staff_payout_release, name="staff_payout_release"),
    path(
        "staff/payouts/<int:pk>/paid/",
        staff.staff_payout_decide,
        {"decision": "paid"},
        name="staff_payout_paid",
    ),
    path(
        "staff/payouts/<int:pk>/failed/",
        staff.staff_payout_decide,
        {"decision": "failed"},
        name="staff_payout_failed",
    ),
    path(
        "staff/client-withdrawals/<int:pk>/paid/",
        staff.staff_client_withdrawal_decide,
        {"decision": "paid"},
        name="staff_client_withdrawal_paid",
    ),
    path(
        "staff/client-withdrawals/<int:pk>/failed/",
        staff.staff_client_withdrawal_decide,
        {"decision": "failed"},
        name="staff_client_withdrawal_failed",
    ),
    path("stripe/webhook/", webhooks.stripe_webhook, name="stripe_webhook"),
]

urlpatterns = [
    path("money/", include(money_patterns)),
    path("payments/", include(payments_patterns)),
]
