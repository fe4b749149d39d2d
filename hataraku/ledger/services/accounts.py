"""The ledger's accounts: the platform's own (one per kind, one clearing account per provider) and the ones
each worker, client and escrow holds, opened on first use."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, NamedTuple

from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from hataraku.accounts.models import User
from hataraku.core import clock
from hataraku.core.errors import DomainError, ErrorCode

from ..constants import KIND_TYPE, AccountKind, FundingSource
from ..models import Account
from ._common import Line, _check_provider

_SYSTEM_CODES: dict[str, str] = {
    AccountKind.PLATFORM_BANK: "Assets:Platform:Bank",
    AccountKind.FEE_INCOME: "Income:Fees:Platform",
    AccountKind.TRANSFER_FEE_INCOME: "Income:Fees:Transfer",
    AccountKind.CONSUMPTION_TAX_PAYABLE: "Liabilities:Tax:Consumption",
    AccountKind.WITHHOLDING_PAYABLE: "Liabilities:Tax:Withholding",
    AccountKind.BANK_FEES_EXPENSE: "Expenses:BankFees",
}
_SYSTEM_KINDS = frozenset({*_SYSTEM_CODES, AccountKind.PROVIDER_CLEARING})
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


class _Spec(NamedTuple):
    code: str
    # Stored bookkeeping data (the Beancount export's open directive), in Japanese whatever the language of
    # the request that first needed the account.
    name: str


def _system_code_and_name(kind: str, provider: str) -> _Spec:
    if kind == AccountKind.PROVIDER_CLEARING:
        _check_provider(provider)
        component = "".join(part.capitalize() for part in re.split(r"[_-]", provider))
        return _Spec(code=f"Assets:Clearing:{component}", name=f"決済代行の未収金({provider})")
    return _Spec(code=_SYSTEM_CODES[kind], name=str(AccountKind(kind).label))


def system_account(kind: str, *, provider: str = "") -> Account:
    """The platform's own account of `kind` (one per provider for provider clearing)."""
    code, name = _system_code_and_name(kind, provider)
    extra = {"provider": provider} if kind == AccountKind.PROVIDER_CLEARING else {}
    return _get_or_create_account(code=code, kind=kind, name=name, **extra)


# The platform's own accounts never change once opened, and every release names three of them: a process
# keeps them by code, per database (a test run switches databases under one process). Only the journal
# writer takes them from here (`_system`), and it checks them in the statement that reads the balances
# anyway (`_journal._balances_and_check`): a test that rolled back or flushed the rows is noticed, and
# `refresh_cached` looks them up afresh.
_CACHE: dict[tuple[str, str, str], Account] = {}


def _cache_key(code: str) -> tuple[str, str, str]:
    return (connection.alias, str(connection.settings_dict.get("NAME")), code)


def _system(kind: str, *, provider: str = "") -> Account:
    """`system_account` through the per-process cache; for lines handed to `_journal._post_entry`."""
    code, _name = _system_code_and_name(kind, provider)
    account = _CACHE.get(_cache_key(code))
    if account is None:
        account = system_account(kind, provider=provider)
        _CACHE[_cache_key(code)] = account
    return account


def is_cached(account: Account) -> bool:
    return _CACHE.get(_cache_key(account.code)) is account


def refresh_cached(lines: Sequence[Line]) -> list[Line]:
    """The same lines with every cached account looked up afresh (the cache had gone stale)."""
    # By position, not id: a stale cached row's id may now be another account's.
    was_cached = [is_cached(account) for account, _amount in lines]
    for key in [key for key in _CACHE if key[:2] == _cache_key("")[:2]]:
        del _CACHE[key]
    fresh: list[Line] = []
    for (account, amount), cached in zip(lines, was_cached, strict=True):
        if account.kind in _SYSTEM_KINDS:
            account = _system(account.kind, provider=account.provider)
        elif cached:
            account = owner_account(account.kind, User(pk=account.owner_id))
        fresh.append((account, amount))
    return fresh


def owner_account(kind: str, owner: User) -> Account:
    """The account of `kind` belonging to one worker or client, opened on first use."""
    return _get_or_create_account(
        code=_OWNER_CODES[kind].format(pk=owner.pk),
        kind=kind,
        name=f"{AccountKind(kind).label}({owner.pk})",
        owner=owner,
    )


# Owner accounts kept by the same cache hold at most this many per process (a long-running server pays
# many workers; the cache is a shortcut, not a copy of the table).
_CACHE_OWNER_LIMIT = 5_000


def cached_owner_account(kind: str, owner: User) -> Account:
    """`owner_account` through the per-process cache, for an account the entry only pays *into* (a worker's
    payable balance on a release). Only lines handed to `_journal._post_entry` may come from here: it checks
    every cached account in the statement that reads the balances, and writes the entry again with fresh
    accounts if one went stale."""
    code = _OWNER_CODES[kind].format(pk=owner.pk)
    account = _CACHE.get(_cache_key(code))
    if account is None:
        if len(_CACHE) > _CACHE_OWNER_LIMIT:
            _CACHE.clear()
        account = owner_account(kind, owner)
        _CACHE[_cache_key(code)] = account
    return account


def _source_account(source: str, provider: str, client: User | None) -> Account:
    """Where a client's money comes from (a funding) or goes back to (`client_money_out`). `client` is only
    read for `FundingSource.CLIENT_BALANCE`. For `_journal._post_entry` only (system accounts come from
    the cache it checks)."""
    if source == FundingSource.BANK_TRANSFER:
        return _system(AccountKind.PLATFORM_BANK)
    if source == FundingSource.PROVIDER:
        return _system(AccountKind.PROVIDER_CLEARING, provider=provider)
    if source == FundingSource.CLIENT_BALANCE and client is not None:
        return owner_account(AccountKind.CLIENT_REFUNDABLE, client)
    raise DomainError(ErrorCode.INVALID_SOURCE, _("入金方法が正しくありません。"))
