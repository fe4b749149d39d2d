"""Every write of the payments app. Money moves only through `hataraku.ledger.services`; these services
add what the ledger does not know: bank accounts (`bank_accounts`), the payout workflow and its Zengin
batches (`payouts`), a client's refundable balance back to her bank or into a funding (`client_refunds`), how a client pays (`fundings`, with the provider adapters below them in
`..providers`, and the provider webhooks in `webhooks`), and the invoices and receipts we issue
(`documents`).

Lock order, so that two services never wait on each other in opposite orders: payout → (ledger: hold →
accounts); client withdrawal → (ledger: accounts); escrow / provider funding → (ledger: escrow → funding → accounts); document sequence last.
"""

from .bank_accounts import bank_account_save as bank_account_save
from .client_refunds import card_refund_room as card_refund_room
from .client_refunds import card_refunds_send_due as card_refunds_send_due
from .client_refunds import client_card_refund_record as client_card_refund_record
from .client_refunds import client_card_refund_request as client_card_refund_request
from .client_refunds import client_card_refund_send as client_card_refund_send
from .client_refunds import client_withdrawal_mark_failed as client_withdrawal_mark_failed
from .client_refunds import client_withdrawal_mark_paid as client_withdrawal_mark_paid
from .client_refunds import client_withdrawal_request as client_withdrawal_request
from .client_refunds import funding_from_balance as funding_from_balance
from .documents import invoice_issue as invoice_issue
from .documents import invoices_issue_due as invoices_issue_due
from .documents import receipt_issue as receipt_issue
from .documents import return_document_issue as return_document_issue
from .documents import tax_included_split as tax_included_split
from .fundings import CHECKOUT_OPEN_GRACE as CHECKOUT_OPEN_GRACE
from .fundings import FundingAsk as FundingAsk
from .fundings import FundingAsker as FundingAsker
from .fundings import FundingSubject as FundingSubject
from .fundings import funding_ask as funding_ask
from .fundings import funding_asker_register as funding_asker_register
from .fundings import funding_cancel as funding_cancel
from .fundings import funding_check as funding_check
from .fundings import funding_confirm as funding_confirm
from .fundings import funding_page_open as funding_page_open
from .fundings import funding_request as funding_request
from .fundings import funding_start as funding_start
from .fundings import funding_subject as funding_subject
from .fundings import funding_subject_register as funding_subject_register
from .fundings import fundings_reconcile_due as fundings_reconcile_due
from .fundings import provider_funding_create as provider_funding_create
from .fundings import provider_funding_record as provider_funding_record
from .fundings import provider_funding_set_external as provider_funding_set_external
from .payouts import payout_batch_create as payout_batch_create
from .payouts import payout_batch_mark_downloaded as payout_batch_mark_downloaded
from .payouts import payout_check as payout_check
from .payouts import payout_mark_failed as payout_mark_failed
from .payouts import payout_mark_paid as payout_mark_paid
from .payouts import payout_release as payout_release
from .payouts import payout_request as payout_request
from .webhooks import stripe_webhook_receive as stripe_webhook_receive
