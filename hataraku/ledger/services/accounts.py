"""The ledger's accounts: the platform's own (one per kind, one clearing account per provider) and the ones
each worker, client and escrow holds, opened on first use."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from hataraku.core import clock
from hataraku.core.errors import DomainError, ErrorCode

from ..constants import KIND_TYPE, AccountKind, FundingSource
from ..models import Account
from ._common import _check_provider

if TYPE_CHECKING:
    from hataraku.accounts.models import User

_SYSTEM_CODES: dict[str, str] = {
    AccountKind.PLATFORM_BANK: "Assets:Platform:Bank",
    AccountKind.FEE_INCOME: "Income:Fees:Platform",
    AccountKind.TRANSFER_FEE_INCOME: "Income:Fees:Transfer",
    AccountKind.CONSUMPTION_TAX_PAYABLE: "Liabilities:Tax:Consumption",
    AccountKind.WITHHOLDING_PAYABLE: "Liabilities:Tax:Withholding",
    AccountKind.BANK_FEES_EXPENSE: "Expenses:BankFees",
}
_OWNER_CODES: dict[str, str] = {
    AccountKind.WORKER_PAYABLE: "Liabilities:Payable:Worker:U{pk}",
    AccountKind.WORKER_IN_TRANSIT: "Liabilities:InTransit:Worker:U{pk}",
    AccountKind.CLIENT_REFUNDABLE: "Liabilities:Refundable:Client:U{pk}",
    AccountKind.CLIENT_RESERVED: "Liabilities:Reserved:Client:U{pk}",
}


def _get_or_create_account(*, code: str, kind: str, name: str, **extra: Any) -> Account:
    # Two first releases to one worker may race to open the payable account; the loser re-reads it.
    account = Account.objects.filter(code=code).first()
    if account is not None:
        return account
    try:
        with transaction.atomic():
            return Account.objects.create(
                code=code, kind=kind, type=KIND_TYPE[kind], name=name, opened_at=clock.now(), **extra
            )
    except IntegrityError:
        return Account.objects.get(code=code)


def system_account(kind: str, *, provider: str = "") -> Account:
    """The platform's own account of `kind` (one per provider for provider clearing)."""
    if kind == AccountKind.PROVIDER_CLEARING:
        _check_provider(provider)
        component = "".join(part.capitalize() for part in re.split(r"[_-]", provider))
        return _get_or_create_account(
            code=f"Assets:Clearing:{component}",
            kind=kind,
            name=f"決済代行の未収金({provider})",
            provider=provider,
        )
    return _get_or_create_account(code=_SYSTEM_CODES[kind], kind=kind, name=str(AccountKind(kind).label))


def owner_account(kind: str, owner: User) -> Account:
    """The account of `kind` belonging to one worker or client, opened on first use."""
    return _get_or_create_account(
        code=_OWNER_CODES[kind].format(pk=owner.pk),
        kind=kind,
        name=f"{AccountKind(kind).label}({owner.pk})",
        owner=owner,
    )


def _source_account(source: str, provider: str, client: User) -> Account:
    """Where a client's money comes from (a funding) or goes back to (`client_money_out`)."""
    if source == FundingSource.BANK_TRANSFER:
        return system_account(AccountKind.PLATFORM_BANK)
    if source == FundingSource.PROVIDER:
        return system_account(AccountKind.PROVIDER_CLEARING, provider=provider)
    if source == FundingSource.CLIENT_BALANCE:
        return owner_account(AccountKind.CLIENT_REFUNDABLE, client)
    raise DomainError(ErrorCode.INVALID_SOURCE, _("入金方法が正しくありません。"))
