"""Money out of an escrow: to the worker (`escrow_release`), back to the client (`escrow_refund`), or both by a
dispute decision (`escrow_split`); and a client's refundable balance back to their card or bank
(`client_money_out`)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from hataraku.accounts.models import User
from hataraku.core import clock, events, money
from hataraku.core.audit import audit_record
from hataraku.core.errors import DomainError, ErrorCode

from ..constants import AccountKind, EntryKind, FeePlan, FundingSource, SettlementKind
from ..events import EscrowRefunded, EscrowReleased
from ..idempotency import idempotent
from ..models import Account, Escrow, IdempotencyKey, JournalEntry, Settlement
from ._common import Line, _check_amount, _pk
from ._journal import _post_entry
from ._locking import _lock_escrow, _lock_fee_group
from .accounts import _source_account, _system, cached_owner_account, owner_account


def _worker_lines(
    escrow: Escrow, worker: User | None, payable: Account | None, amount: int
) -> tuple[list[Line], dict[str, int]]:
    """Postings and numbers for paying `amount` of `escrow` to `worker` (whose payable account the caller
    looked up before taking any lock), split by `money.fee_breakdown` (the same function the written terms
    use). Caller holds the escrow lock; this locks the fee group (escrow → fee group → accounts)."""
    if worker is None or payable is None or (escrow.worker_id is not None and escrow.worker_id != worker.pk):
        raise DomainError(ErrorCode.WRONG_WORKER, _("この仮払いは別のワーカーへの支払いです。"))
    released = _lock_fee_group(escrow)
    flat = escrow.fee_plan == FeePlan.TASK_FLAT
    before = 0 if flat else released
    split = money.fee_breakdown(
        amount, withholding=escrow.withholding, cumulative_before=before, flat=flat, on=clock.today()
    )
    if split.net < 0:  # cannot happen with today's rates; kept so a future schedule cannot pay out negatives
        raise DomainError(ErrorCode.FEE_EXCEEDS_AMOUNT, _("手数料と税額が支払額を超えています。"))
    lines: list[Line] = [
        (payable, -split.net),
        (_system(AccountKind.FEE_INCOME), -split.fee),
        (_system(AccountKind.CONSUMPTION_TAX_PAYABLE), -split.fee_tax),
        (_system(AccountKind.WITHHOLDING_PAYABLE), -split.withholding),
    ]
    numbers = {
        "worker_gross": split.amount,
        "fee": split.fee,
        "fee_tax": split.fee_tax,
        "withholding": split.withholding,
        "worker_net": split.net,
    }
    return lines, numbers


_ENTRY_KINDS: dict[str, str] = {
    SettlementKind.RELEASE: EntryKind.RELEASE,
    SettlementKind.REFUND: EntryKind.REFUND,
    SettlementKind.SPLIT: EntryKind.SPLIT,
}


def _settle(
    *,
    escrow: Escrow,
    kind: str,
    worker: User | None,
    worker_amount: int,
    client_amount: int,
    idem: IdempotencyKey,
    actor: User | None,
) -> Settlement:
    # Reads that need no lock come first, so the locks below are held for as short a time as possible.
    payable = cached_owner_account(AccountKind.WORKER_PAYABLE, worker) if worker_amount and worker else None
    locked = _lock_escrow(escrow)
    total = worker_amount + client_amount
    lines: list[Line] = [(locked.held_account, total)]
    numbers: dict[str, int] = {}
    if worker_amount:
        worker_lines, numbers = _worker_lines(locked, worker, payable, worker_amount)
        lines += worker_lines
    if client_amount:
        lines.append((owner_account(AccountKind.CLIENT_REFUNDABLE, locked.client), -client_amount))
    entry = _post_entry(
        kind=_ENTRY_KINDS[kind],
        lines=lines,
        memo=f"{SettlementKind(kind).label} {locked.reference}",
        idem=idem,
        escrow=locked,
        # Held under the escrow lock (every debit of it takes that lock): its balance is checked in the
        # entry's one balance read, which refuses more than the escrow holds.
        prelocked=frozenset({locked.held_account.pk}),
    )
    settlement = Settlement.objects.create(
        escrow=locked,
        kind=kind,
        worker=worker if worker_amount else None,
        client_amount=client_amount,
        occurred_at=entry.occurred_at,
        entry=entry,
        **numbers,
    )
    audit_record(
        actor=actor,
        action=f"ledger.escrow_{kind}",
        target=settlement,
        data={"escrow": locked.pk, "entry": entry.pk, "client_amount": client_amount, **numbers},
    )
    if worker_amount:
        events.announce(
            EscrowReleased(
                escrow_id=locked.pk,
                reference=locked.reference,
                settlement_id=settlement.pk,
                amount=worker_amount,
            )
        )
    if client_amount:
        events.announce(
            EscrowRefunded(
                escrow_id=locked.pk,
                reference=locked.reference,
                settlement_id=settlement.pk,
                amount=client_amount,
            )
        )
    return settlement


def escrow_release(
    *, escrow: Escrow, amount: int, worker: User, actor: User | None, idempotency_key: str
) -> Settlement:
    """Pay `amount` (all or part of what the escrow holds) to `worker`.

    Postings: escrow held −amount; worker payable +net; fee income +fee; consumption tax payable +tax on
    the fee; withholding payable +withholding when the escrow was opened with `withholding=True`. The
    split is `hataraku.core.money.fee_breakdown`: the fee is marginal on the fee group's cumulative
    released amount (`money.project_fee`) or flat for task plans. Returns the `Settlement` with the
    breakdown (worker_gross, fee, fee_tax, withholding, worker_net). Locks escrow → fee group → accounts.
    Refuses more than the escrow holds."""
    _check_amount(amount)
    params = {"escrow": escrow.pk, "amount": amount, "worker": _pk(worker)}

    def body(idem: IdempotencyKey) -> Settlement:
        return _settle(
            escrow=escrow,
            kind=SettlementKind.RELEASE,
            worker=worker,
            worker_amount=amount,
            client_amount=0,
            idem=idem,
            actor=actor,
        )

    return idempotent(scope="escrow_release", key=idempotency_key, params=params, body=body)


def escrow_refund(*, escrow: Escrow, amount: int, actor: User | None, idempotency_key: str) -> Settlement:
    """Return `amount` of the escrow to the client's refundable balance (their liability account with us).
    Sending it back to their card or bank is a separate `client_money_out`. Locks escrow → accounts."""
    _check_amount(amount)
    params = {"escrow": escrow.pk, "amount": amount}

    def body(idem: IdempotencyKey) -> Settlement:
        return _settle(
            escrow=escrow,
            kind=SettlementKind.REFUND,
            worker=None,
            worker_amount=0,
            client_amount=amount,
            idem=idem,
            actor=actor,
        )

    return idempotent(scope="escrow_refund", key=idempotency_key, params=params, body=body)


def escrow_split(
    *,
    escrow: Escrow,
    worker: User,
    worker_amount: int,
    client_amount: int,
    actor: User | None,
    idempotency_key: str,
) -> Settlement:
    """A dispute decision: `worker_amount` is released to the worker (fees, tax and withholding as in
    `escrow_release`) and `client_amount` refunded to the client, in one journal entry. Either part may
    be zero, not both. Locks escrow → fee group → accounts."""
    _check_amount(worker_amount, label=_("ワーカーへの金額"), allow_zero=True)
    _check_amount(client_amount, label=_("クライアントへの金額"), allow_zero=True)
    if worker_amount + client_amount == 0:
        raise DomainError(ErrorCode.INVALID_AMOUNT, _("分ける金額がありません。"))
    params = {
        "escrow": escrow.pk,
        "worker": _pk(worker),
        "worker_amount": worker_amount,
        "client_amount": client_amount,
    }

    def body(idem: IdempotencyKey) -> Settlement:
        return _settle(
            escrow=escrow,
            kind=SettlementKind.SPLIT,
            worker=worker,
            worker_amount=worker_amount,
            client_amount=client_amount,
            idem=idem,
            actor=actor,
        )

    return idempotent(scope="escrow_split", key=idempotency_key, params=params, body=body)


def client_money_out(
    *,
    client: User,
    amount: int,
    destination: str,
    actor: User | None,
    idempotency_key: str,
    provider: str = "",
) -> JournalEntry:
    """Money leaves the platform back to the client (a card refund through `provider`, or a bank transfer):
    debit the client's refundable balance, credit bank or provider clearing. Refuses more than the
    refundable balance. `destination` is `FundingSource.BANK_TRANSFER` or `FundingSource.PROVIDER`.
    Locks the client's refundable account."""
    _check_amount(amount)
    if destination not in (FundingSource.BANK_TRANSFER, FundingSource.PROVIDER):
        raise DomainError(ErrorCode.INVALID_SOURCE, _("返金先が正しくありません。"))
    params = {"client": client.pk, "amount": amount, "destination": str(destination), "provider": provider}

    def body(idem: IdempotencyKey) -> JournalEntry:
        target = _source_account(destination, provider, client)
        refundable = owner_account(AccountKind.CLIENT_REFUNDABLE, client)
        entry = _post_entry(
            kind=EntryKind.CLIENT_MONEY_OUT,
            lines=[(refundable, amount), (target, -amount)],
            memo="クライアントへの払い戻し",
            idem=idem,
        )
        audit_record(actor=actor, action="ledger.client_money_out", target=entry, data=params)
        return entry

    return idempotent(scope="client_money_out", key=idempotency_key, params=params, body=body)
