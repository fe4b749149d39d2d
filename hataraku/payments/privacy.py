"""Personal data of the payments app, for the personal-data download and account deletion.

Erasure deletes bank accounts. Payouts, clients' refund withdrawals, their bank-detail copies and issued invoices/receipts stay: they
are transaction records that the Corporation Tax Act and the Consumption Tax Act (invoice system) oblige us
to keep for 7 years. They stay linked to the user row, which account deletion anonymises.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from hataraku.core.money import format_yen

from .constants import ClientWithdrawalStatus
from .models import BankAccount, ClientWithdrawal, InvoiceDocument, Payout


def _masked(number: str) -> str:
    return "*" * max(len(number) - 4, 0) + number[-4:]


def export_user_data(user: Any) -> dict[str, Any]:
    return {
        "bank_accounts": [
            {
                "bank_code": a.bank_code,
                "bank_name": a.bank_name,
                "branch_code": a.branch_code,
                "branch_name": a.branch_name,
                "account_type": a.get_account_type_display(),
                "account_number": _masked(a.account_number),
                "holder_name": a.holder_name,
                "active": a.is_active,
                "registered_at": a.created_at.isoformat(),
            }
            for a in BankAccount.objects.filter(worker=user).order_by("created_at", "id")
        ],
        "payouts": [
            {
                "requested_at": p.created_at.isoformat(),
                "amount": p.amount,
                "transfer_fee": p.transfer_fee,
                "net_amount": p.net_amount,
                "status": p.get_status_display(),
                "bank": f"{p.bank_name} {p.branch_name}",
                "account_number": _masked(p.account_number),
                "decided_at": p.decided_at.isoformat() if p.decided_at else None,
            }
            for p in Payout.objects.filter(worker=user).order_by("created_at", "id")
        ],
        "refund_withdrawals": [
            {
                "requested_at": w.created_at.isoformat(),
                "amount": w.amount,
                "status": w.get_status_display(),
                "bank": f"{w.bank_name} {w.branch_name}",
                "account_number": _masked(w.account_number),
                "decided_at": w.decided_at.isoformat() if w.decided_at else None,
            }
            for w in ClientWithdrawal.objects.filter(client=user).order_by("created_at", "id")
        ],
        "documents": [
            {
                "kind": d.get_kind_display(),
                "number": d.number,
                "issued_on": d.issued_on.isoformat(),
                "transaction_date": d.transaction_date.isoformat(),
                "description": d.description,
                "taxable_amount": d.taxable_amount,
                "tax_amount": d.tax_amount,
                "total_amount": d.total_amount,
            }
            for d in InvoiceDocument.objects.filter(recipient=user).order_by("issued_on", "id")
        ],
    }


def erase_user_data(user: Any) -> None:
    BankAccount.objects.filter(worker=user).delete()


def deletion_blockers(user: Any) -> list[str]:
    """A refund on its way to her bank: if the transfer failed after the account was gone, the money would
    come back to a balance nobody can reach."""
    open_rows = ClientWithdrawal.objects.filter(
        client=user,
        status__in=[
            ClientWithdrawalStatus.REQUESTED,
            ClientWithdrawalStatus.BATCHED,
            ClientWithdrawalStatus.PROVIDER,
        ],
    ).values_list("amount", flat=True)
    total = sum(int(amount) for amount in open_rows)
    if total <= 0:
        return []
    return [
        _("振込の手続き中の返金が %(amount)s あります。振込が終わるまでお待ちください。")
        % {"amount": format_yen(total)}
    ]
