"""A worker's payouts: the request (the ledger reserves the money at once), the staff's batches (one Zengin
file each) and the bank's answer (paid: the ledger settles the hold; failed: the money goes back).

`payments.Payout` is the one truth for a payout's state (`PAYOUT_MACHINE`); its ledger hold only holds
the money. Lock order: worker (a request) or payout → (ledger: hold → accounts)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from hataraku.accounts.models import User
from hataraku.core import clock, limits, state
from hataraku.core import notifications as notices
from hataraku.core.audit import audit_record
from hataraku.core.dates import check_date
from hataraku.core.errors import DomainError, ErrorCode, NotFound
from hataraku.core.money import format_yen
from hataraku.ledger import services as ledger
from hataraku.ledger.idempotency import idempotent, scoped_key
from hataraku.ledger.selectors import worker_balances

from ..constants import (
    PAYOUT_MINIMUM,
    PAYOUT_TRANSFER_FEE,
    ClientWithdrawalStatus,
    PayoutStatus,
    WithdrawalDestination,
)
from ..models import BankAccount, ClientWithdrawal, Payout, PayoutBatch, PayoutStatusChange
from ..notices import PAYOUT_FAILED, PAYOUT_PAID
from .client_refunds import client_withdrawals_batch


def payout_request(*, worker: User, amount: int, idempotency_key: str) -> Payout:
    """A worker asks to withdraw `amount` (the transfer fee included) to their active bank account.
    The ledger reserves the amount at once, so it cannot be spent twice. The same key again (a double
    click, a retry, ten copies at once) returns the first payout and changes nothing.

    Locks the worker's row first (then the ledger's hold → accounts): requests of one worker run one
    after another, so a replay always finds the first payout committed instead of racing it and being
    refused for the balance the first has just reserved. The same key with another amount is a
    `Conflict` (`ErrorCode.IDEMPOTENCY_MISMATCH`)."""
    key = scoped_key(worker, idempotency_key)
    if not isinstance(amount, int) or isinstance(amount, bool):
        raise DomainError(
            ErrorCode.INVALID_AMOUNT, _("出金額は円単位の数字で入力してください。"), field="amount"
        )
    with transaction.atomic():
        get_user_model().objects.select_for_update().filter(pk=worker.pk).first()
        return idempotent(
            scope="payments.payout_request",
            key=key,
            params={"worker": worker.pk, "amount": amount},
            body=lambda _idem: _payout_create(worker=worker, amount=amount, key=key),
        )


def payout_check(*, worker: User, amount: int) -> BankAccount:
    """Raise the DomainError a payout of `amount` would meet now (too small, no bank account, more than
    the balance), else answer the account it would go to. A read: the request page checks it before its
    summary, and `payout_request` checks it again under the worker's lock."""
    if amount < PAYOUT_MINIMUM:
        raise DomainError(
            ErrorCode.PAYOUT_TOO_SMALL,
            _("出金は%(minimum)sからお申し込みいただけます。") % {"minimum": format_yen(PAYOUT_MINIMUM)},
            field="amount",
        )
    account = BankAccount.objects.filter(worker=worker, is_active=True).first()
    if account is None:
        raise DomainError(ErrorCode.NO_BANK_ACCOUNT, _("出金の前に、振込先の口座を登録してください。"))
    available = int(worker_balances(worker).available)
    if amount > available:
        raise DomainError(
            ErrorCode.INSUFFICIENT_BALANCE,
            _("出金できる残高(%(available)s)を超えています。%(available)s以下で入力してください。")
            % {"available": format_yen(available)},
            field="amount",
        )
    return account


def _payout_create(*, worker: User, amount: int, key: str) -> Payout:
    account = payout_check(worker=worker, amount=amount)
    hold = ledger.payout_reserve(
        worker=worker,
        amount=amount,
        transfer_fee=PAYOUT_TRANSFER_FEE,
        actor=worker,
        idempotency_key=f"payments.payout:{key}",
    )
    # A suspended worker's payout is held for staff review (issue 10, item 8); see `payout_release`.
    first_status = PayoutStatus.HELD if getattr(worker, "is_suspended", False) else PayoutStatus.REQUESTED
    payout = Payout.objects.create(
        worker=worker,
        status=first_status,
        hold=hold,
        amount=amount,
        transfer_fee=hold.transfer_fee,
        idempotency_key=key,
        bank_code=account.bank_code,
        bank_name=account.bank_name,
        branch_code=account.branch_code,
        branch_name=account.branch_name,
        account_type=account.account_type,
        account_number=account.account_number,
        holder_name=account.holder_name,
    )
    PayoutStatusChange.objects.create(
        payout=payout,
        from_status="",
        to_status=first_status,
        actor=worker,
        occurred_at=clock.now(),
    )
    audit_record(
        actor=worker,
        action="payments.payout_request",
        target=payout,
        data={"amount": amount, "transfer_fee": payout.transfer_fee, "hold": hold.pk, "status": first_status},
    )
    return payout


def payout_release(*, payout: Payout, actor: User) -> Payout:
    """Staff reviewed a held payout (its worker is or was suspended) and let it go into the next batch.
    Releasing one already released changes nothing."""
    if not getattr(actor, "is_staff", False):
        raise NotFound()
    with transaction.atomic():
        locked = Payout.objects.select_for_update().get(pk=payout.pk)
        if locked.status == PayoutStatus.REQUESTED:
            return locked
        _move(locked, PayoutStatus.REQUESTED, actor=actor, action="payments.payout_released")
    return locked


def _move(
    payout: Payout,
    target: str,
    *,
    actor: User | None,
    action: str,
    idempotency_key: str | None = None,
    fields: Mapping[str, Any] | None = None,
    data: Mapping[str, Any] | None = None,
) -> Payout:
    """Move a payout the caller holds locked along `PAYOUT_MACHINE` (the check, the save and the audit
    row), and keep the payout's own history row of the move."""
    previous = payout.status
    state.transition(
        payout,
        target=target,
        actor=actor,
        action=action,
        fields=fields,
        data=data,
        refusal=_("この出金は「%(current)s」のため、「%(target)s」にはできません。"),
        locked=True,
    )
    PayoutStatusChange.objects.create(
        payout=payout,
        from_status=previous,
        to_status=target,
        actor=actor,
        occurred_at=clock.now(),
        idempotency_key=idempotency_key,
    )
    return payout


def payout_batch_create(*, actor: User | None, transfer_date: Any, idempotency_key: str) -> PayoutBatch:
    """Staff gather every requested payout, and every client's requested withdrawal of her refundable
    balance, into one batch (one Zengin file)."""
    if not getattr(actor, "is_staff", False):
        raise NotFound()
    key = scoped_key(actor, idempotency_key)

    def body(_idem: Any) -> PayoutBatch:
        check_date(transfer_date, label=_("振込日"), field="transfer_date")
        payouts = list(
            Payout.objects.select_for_update()
            .filter(status=PayoutStatus.REQUESTED, batch__isnull=True)
            .order_by("pk")
        )
        # Clients' withdrawals of their refundable balance go in the same file (`client_refunds`).
        waiting_clients = ClientWithdrawal.objects.filter(
            status=ClientWithdrawalStatus.REQUESTED,
            batch__isnull=True,
            destination=WithdrawalDestination.BANK,
        ).exists()
        if not payouts and not waiting_clients:
            raise DomainError(ErrorCode.NOTHING_TO_BATCH, _("まとめる出金申請がありません。"))
        batch = PayoutBatch.objects.create(transfer_date=transfer_date, created_by=actor, idempotency_key=key)
        withdrawals = client_withdrawals_batch(batch=batch, actor=actor)
        for payout in payouts:
            _move(
                payout,
                PayoutStatus.BATCHED,
                actor=actor,
                action="payments.payout_batched",
                fields={"batch": batch},
                data={"batch": batch.pk},
            )
        audit_record(
            actor=actor,
            action="payments.payout_batch_create",
            target=batch,
            data={
                "payouts": [p.pk for p in payouts],
                "client_withdrawals": [w.pk for w in withdrawals],
                "total": sum(p.net_amount for p in payouts) + sum(w.net_amount for w in withdrawals),
            },
        )
        return batch

    return idempotent(
        scope="payments.payout_batch", key=key, params={"transfer_date": transfer_date}, body=body
    )


def _payout_decide(*, payout: Payout, key: str, target: str, body: Callable[[Any], Payout]) -> Payout:
    """Paid and failed share one scope: the same key for the other decision, or another payout, is a
    `Conflict` (`ErrorCode.IDEMPOTENCY_MISMATCH`); the same decision again returns the payout unchanged."""
    return idempotent(
        scope="payments.payout_decide",
        key=key,
        params={"payout": payout.pk, "status": str(target)},
        body=body,
    )


def payout_mark_paid(*, payout: Payout, actor: User | None, idempotency_key: str) -> Payout:
    """The bank confirmed the transfer. Settles the ledger hold."""
    key = scoped_key(actor, idempotency_key)

    def body(_idem: Any) -> Payout:
        locked = Payout.objects.select_for_update().select_related("hold").get(pk=payout.pk)
        _move(
            locked,
            PayoutStatus.PAID,
            actor=actor,
            action="payments.payout_paid",
            idempotency_key=key,
            fields={"decided_at": clock.now()},
            data={"net": locked.net_amount},
        )
        ledger.payout_settle(
            hold=locked.hold, actor=actor, idempotency_key=f"payments.payout_paid:{locked.pk}"
        )
        # Inside the decision's transaction: a replay of the same decision runs no body, so no second notice.
        notices.notify(
            user=locked.worker,
            code=PAYOUT_PAID,
            params={"amount": f"{locked.net_amount:,}", "bank": f"{locked.bank_name} {locked.masked_number}"},
            url=reverse("payments:payout_list"),
        )
        return locked

    return _payout_decide(payout=payout, key=key, target=PayoutStatus.PAID, body=body)


def payout_mark_failed(
    *, payout: Payout, actor: User | None, idempotency_key: str, reason: str = ""
) -> Payout:
    """The bank returned the transfer. The whole amount, fee included, goes back to the worker's
    available balance through the ledger."""
    key = scoped_key(actor, idempotency_key)
    reason = (reason or "").strip()
    # Shown to the worker and kept with the payout: refused when too long, never cut short silently.
    limits.check_length(reason, limit=limits.PAYOUT_FAILURE_REASON, field="reason")

    def body(_idem: Any) -> Payout:
        locked = Payout.objects.select_for_update().select_related("hold").get(pk=payout.pk)
        _move(
            locked,
            PayoutStatus.FAILED,
            actor=actor,
            action="payments.payout_failed",
            idempotency_key=key,
            fields={"decided_at": clock.now(), "failure_reason": reason},
            data={"reason": reason},
        )
        ledger.payout_fail(
            hold=locked.hold, actor=actor, idempotency_key=f"payments.payout_failed:{locked.pk}"
        )
        notices.notify(
            user=locked.worker,
            code=PAYOUT_FAILED,
            params={"amount": f"{locked.amount:,}"},
            url=reverse("payments:payout_list"),
        )
        return locked

    return _payout_decide(payout=payout, key=key, target=PayoutStatus.FAILED, body=body)


def payout_batch_mark_downloaded(*, batch: PayoutBatch, actor: User | None) -> PayoutBatch:
    with transaction.atomic():
        locked = PayoutBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.downloaded_at is None:
            locked.downloaded_at = clock.now()
            locked.save(update_fields=["downloaded_at"])
        # Every download is audited: the file holds bank account numbers.
        audit_record(actor=actor, action="payments.zengin_download", target=locked)
    return locked
