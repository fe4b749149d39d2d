"""The ledger side of a worker's payout: set the money aside (`payout_reserve`), then book the bank's answer
once (`payout_settle` or `payout_fail`).

The payout's life (requested → batched → paid/failed) is `payments.Payout.status`; a hold keeps only its
journal entries, and whether it is settled or failed is the kind of its `final_entry`.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from hataraku.accounts.models import User
from hataraku.core.audit import audit_record
from hataraku.core.errors import DomainError, ErrorCode, InvalidTransition
from hataraku.core.money import format_yen

from ..constants import PAYOUT_MINIMUM, PAYOUT_TRANSFER_FEE, AccountKind, EntryKind
from ..idempotency import idempotent
from ..models import IdempotencyKey, PayoutHold
from ._common import _check_amount
from ._journal import _post_entry
from .accounts import owner_account, system_account


def payout_reserve(
    *,
    worker: User,
    amount: int,
    actor: User | None,
    idempotency_key: str,
    transfer_fee: int = PAYOUT_TRANSFER_FEE,
) -> PayoutHold:
    """Set aside `amount` of the worker's available balance for a bank payout (debit worker payable,
    credit their in-transit account). `amount` includes `transfer_fee`; the bank receives
    `amount - transfer_fee`. At least `PAYOUT_MINIMUM` (¥1,000), at most the available balance.
    Locks the worker's accounts."""
    _check_amount(amount)
    _check_amount(transfer_fee, label=_("振込手数料"), allow_zero=True)
    if amount < PAYOUT_MINIMUM:
        raise DomainError(
            ErrorCode.PAYOUT_TOO_SMALL,
            _("出金は%(minimum)sからできます。") % {"minimum": format_yen(PAYOUT_MINIMUM)},
            field="amount",
        )
    if transfer_fee >= amount:
        raise DomainError(ErrorCode.PAYOUT_TOO_SMALL, _("出金額が振込手数料より少ないため出金できません。"))
    params = {"worker": worker.pk, "amount": amount, "transfer_fee": transfer_fee}

    def body(idem: IdempotencyKey) -> PayoutHold:
        payable = owner_account(AccountKind.WORKER_PAYABLE, worker)
        transit = owner_account(AccountKind.WORKER_IN_TRANSIT, worker)
        entry = _post_entry(
            kind=EntryKind.PAYOUT_RESERVE,
            lines=[(payable, amount), (transit, -amount)],
            memo="出金申請",
            idem=idem,
        )
        hold = PayoutHold.objects.create(
            worker=worker,
            amount=amount,
            transfer_fee=transfer_fee,
            created_at=entry.occurred_at,
            reserve_entry=entry,
        )
        audit_record(actor=actor, action="ledger.payout_reserve", target=hold, data=params)
        return hold

    return idempotent(scope="payout_reserve", key=idempotency_key, params=params, body=body)


def _lock_hold(hold: PayoutHold) -> PayoutHold:
    """First lock of settle/fail: the hold row. A hold is booked once; one that already has its final entry
    is refused, so two answers from the bank (or a retry with a new key) never move the money twice."""
    locked = (
        PayoutHold.objects.select_for_update(of=("self",))
        .select_related("worker", "final_entry")
        .get(pk=hold.pk)
    )
    if locked.final_entry_id is not None:
        raise InvalidTransition(
            _("この出金は「%(status)s」のため、もう変更できません。") % {"status": locked.outcome.label},
        )
    return locked


def payout_settle(*, hold: PayoutHold, actor: User | None, idempotency_key: str) -> PayoutHold:
    """The bank transfer went through: in-transit → platform bank (`amount`), and the transfer fee the
    worker paid becomes transfer-fee income while the bank's charge is booked as bank fees expense.
    Locks payout hold → accounts."""
    params = {"hold": hold.pk}

    def body(idem: IdempotencyKey) -> PayoutHold:
        locked = _lock_hold(hold)
        transit = owner_account(AccountKind.WORKER_IN_TRANSIT, locked.worker)
        entry = _post_entry(
            kind=EntryKind.PAYOUT_SETTLE,
            lines=[
                (transit, locked.amount),
                (system_account(AccountKind.PLATFORM_BANK), -locked.amount),
                (system_account(AccountKind.BANK_FEES_EXPENSE), locked.transfer_fee),
                (system_account(AccountKind.TRANSFER_FEE_INCOME), -locked.transfer_fee),
            ],
            memo="出金完了",
            idem=idem,
        )
        locked.final_entry = entry
        locked.decided_at = entry.occurred_at
        locked.save(update_fields=["final_entry", "decided_at"])
        audit_record(actor=actor, action="ledger.payout_settle", target=locked, data={"entry": entry.pk})
        return locked

    return idempotent(scope="payout_settle", key=idempotency_key, params=params, body=body, result=hold)


def payout_fail(*, hold: PayoutHold, actor: User | None, idempotency_key: str) -> PayoutHold:
    """The transfer failed (wrong account, bank refusal): the whole `amount`, fee included, goes back to
    the worker's available balance. Locks payout hold → accounts."""
    params = {"hold": hold.pk}

    def body(idem: IdempotencyKey) -> PayoutHold:
        locked = _lock_hold(hold)
        entry = _post_entry(
            kind=EntryKind.PAYOUT_FAIL,
            lines=[
                (owner_account(AccountKind.WORKER_IN_TRANSIT, locked.worker), locked.amount),
                (owner_account(AccountKind.WORKER_PAYABLE, locked.worker), -locked.amount),
            ],
            memo="出金失敗のため残高に戻しました",
            idem=idem,
        )
        locked.final_entry = entry
        locked.decided_at = entry.occurred_at
        locked.save(update_fields=["final_entry", "decided_at"])
        audit_record(actor=actor, action="ledger.payout_fail", target=locked, data={"entry": entry.pk})
        return locked

    return idempotent(scope="payout_fail", key=idempotency_key, params=params, body=body, result=hold)
