"""Personal data of the payments app, for the personal-data download and account deletion.

Erasure deletes bank accounts. Payouts, their bank-detail copies and issued invoices/receipts stay: they
are transaction records that the Corporation Tax Act and the Consumption Tax Act (invoice system) oblige us
to keep for 7 years. They stay linked to the user row, which account deletion anonymises.
"""

from __future__ import annotations

from typing import Any

from .models import BankAccount, InvoiceDocument, Payout


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
