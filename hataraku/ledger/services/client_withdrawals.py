"""A client's refundable balance back to her bank account, in the same three steps as a worker's payout: set
the money aside when she asks (`client_withdrawal_reserve`), then book the bank's answer once
(`client_withdrawal_settle` or `client_withdrawal_fail`).

Why not `client_money_out` at once: until the bank confirms the transfer we still owe her the money and
still have it in our account. Booking it as gone when she asks would make the ledger's bank balance
disagree with the bank statement for days, and a failed transfer would need a correcting reversal. So the
request moves it from refundable to reserved (still a liability, but no funding or second request can
count on it), the bank's confirmation takes it out of the bank, and a failure puts it back to refundable.

The withdrawal's life (requested → batched → paid/failed) is `payments.ClientWithdrawal.status`, which
calls each of these once, under its own row lock and a key fixed per withdrawal.
"""

from __future__ import annotations

from hataraku.accounts.models import User
from hataraku.core.audit import audit_record

from ..constants import AccountKind, EntryKind
from ..idempotency import idempotent
from ..models import IdempotencyKey, JournalEntry
from ._common import _check_amount
from ._journal import _post_entry
from .accounts import owner_account, system_account


def client_withdrawal_reserve(
    *, client: User, amount: int, actor: User | None, idempotency_key: str
) -> JournalEntry:
    """Set aside `amount` of the client's refundable balance for a bank transfer back to her (debit
    refundable, credit reserved). Refused (`INSUFFICIENT_BALANCE`) beyond the refundable balance.
    Locks the client's accounts."""
    _check_amount(amount)
    params = {"client": client.pk, "amount": amount}

    def body(idem: IdempotencyKey) -> JournalEntry:
        entry = _post_entry(
            kind=EntryKind.CLIENT_WITHDRAWAL_RESERVE,
            lines=[
                (owner_account(AccountKind.CLIENT_REFUNDABLE, client), amount),
                (owner_account(AccountKind.CLIENT_RESERVED, client), -amount),
            ],
            memo="返金可能残高の出金申請",
            idem=idem,
        )
        audit_record(actor=actor, action="ledger.client_withdrawal_reserve", target=entry, data=params)
        return entry

    return idempotent(scope="client_withdrawal_reserve", key=idempotency_key, params=params, body=body)


def client_withdrawal_settle(
    *,
    client: User,
    amount: int,
    bank_charge: int,
    actor: User | None,
    idempotency_key: str,
    provider: str = "",
) -> JournalEntry:
    """The transfer reached her bank: the reserved amount leaves the platform's bank
    (`EntryKind.CLIENT_MONEY_OUT`, like every other return of a client's money), and the bank's charge
    for the transfer, which the platform bears, is booked as bank fees. With `provider` ("stripe"), the
    card company confirmed a refund to her card: the money leaves that provider's clearing account (the
    provider takes it from what it owes us) instead of the bank. Locks the client's accounts."""
    _check_amount(amount)
    _check_amount(bank_charge, allow_zero=True)
    params: dict[str, object] = {"client": client.pk, "amount": amount, "bank_charge": bank_charge}
    if provider:  # keys of bank withdrawals keep the fingerprint they always had
        params["provider"] = provider

    def body(idem: IdempotencyKey) -> JournalEntry:
        bank = system_account(AccountKind.PLATFORM_BANK)
        out = system_account(AccountKind.PROVIDER_CLEARING, provider=provider) if provider else bank
        entry = _post_entry(
            kind=EntryKind.CLIENT_MONEY_OUT,
            lines=[
                (owner_account(AccountKind.CLIENT_RESERVED, client), amount),
                (out, -amount),
                (system_account(AccountKind.BANK_FEES_EXPENSE), bank_charge),
                (bank, -bank_charge),
            ],
            memo="返金可能残高のカードへの返金(返金完了)" if provider else "返金可能残高の出金(振込完了)",
            idem=idem,
        )
        audit_record(actor=actor, action="ledger.client_withdrawal_settle", target=entry, data=params)
        return entry

    return idempotent(scope="client_withdrawal_settle", key=idempotency_key, params=params, body=body)


def client_withdrawal_fail(
    *, client: User, amount: int, actor: User | None, idempotency_key: str
) -> JournalEntry:
    """The transfer failed (closed account, wrong name): the reserved amount goes back to her refundable
    balance, whole. Locks the client's accounts."""
    _check_amount(amount)
    params = {"client": client.pk, "amount": amount}

    def body(idem: IdempotencyKey) -> JournalEntry:
        entry = _post_entry(
            kind=EntryKind.CLIENT_WITHDRAWAL_FAIL,
            lines=[
                (owner_account(AccountKind.CLIENT_RESERVED, client), amount),
                (owner_account(AccountKind.CLIENT_REFUNDABLE, client), -amount),
            ],
            memo="出金できなかったため返金可能残高に戻しました",
            idem=idem,
        )
        audit_record(actor=actor, action="ledger.client_withdrawal_fail", target=entry, data=params)
        return entry

    return idempotent(scope="client_withdrawal_fail", key=idempotency_key, params=params, body=body)
