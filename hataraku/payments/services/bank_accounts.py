"""A person's bank account: where a worker's payouts and a client's refundable balance are sent."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from hataraku.accounts.models import User
from hataraku.core.audit import audit_record
from hataraku.core.errors import DomainError, ErrorCode

from ..models import BankAccount
from ..validators import clean_bank_account


def bank_account_save(
    *,
    worker: User,
    bank_code: str,
    bank_name: str,
    branch_code: str,
    branch_name: str,
    account_type: str,
    account_number: str,
    holder_name: str,
    actor: User | None,
) -> BankAccount:
    """Make this the worker's payout account. The previous one is kept, inactive, so a payout already
    asked for still shows where it went. Raises ValidationError (per field) on bad input."""
    # Workers are paid there; clients get their refundable balance back there (one account per person).
    if not (getattr(worker, "is_worker", False) or getattr(worker, "is_client", False)):
        raise DomainError(
            ErrorCode.NOT_WORKER,
            _("振込先口座はワーカーかクライアントとして登録している方だけが登録できます。"),
        )
    data = clean_bank_account(
        {
            "bank_code": bank_code,
            "bank_name": bank_name,
            "branch_code": branch_code,
            "branch_name": branch_name,
            "account_type": account_type,
            "account_number": account_number,
            "holder_name": holder_name,
        }
    )
    with transaction.atomic():
        # Lock the worker's row so two saves at once cannot both leave an active account.
        get_user_model().objects.select_for_update().filter(pk=worker.pk).first()
        BankAccount.objects.filter(worker=worker, is_active=True).update(is_active=False)
        account = BankAccount.objects.create(worker=worker, is_active=True, **data)
        audit_record(
            actor=actor,
            action="payments.bank_account_save",
            target=account,
            # The full number is not written to the audit log; the last digits identify the account.
            data={
                "bank_code": data["bank_code"],
                "branch_code": data["branch_code"],
                "last4": data["account_number"][-4:],
            },
        )
    return account
