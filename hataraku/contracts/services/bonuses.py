"""Bonuses: the client adds a payment to an active contract, on top of what was agreed.

A bonus only adds to the worker's pay and asks nothing of her, so it needs no answer from her; it is still
written down (the worker is told the amount and the client's message at once) and paid like any fee:
into its own escrow (`bonus:<id>`, in the contract's fee group, so the tiered fee counts it with the rest
of the contract), then released to the worker through `escrow_release` with the platform fee, its
consumption tax and withholding (`money.fee_breakdown`). The client sees the worker's take-home before she
confirms (`bonus_preview`).

awaiting_payment → paid once the money is held (`bonus_sync_release`, from the ledger's `FundingPosted`
event, with the tick behind it); the client may withdraw a bonus whose money never came.

Lock order: contract → bonus → (payments/ledger: escrow → funding → accounts)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from hataraku.accounts.models import User
from hataraku.core import clock, limits, money, state
from hataraku.core.audit import audit_record
from hataraku.core.errors import DomainError, ErrorCode, InvalidTransition
from hataraku.core.money import YEN_INPUT_MAX
from hataraku.ledger import services as ledger
from hataraku.ledger.constants import FeePlan
from hataraku.ledger.idempotency import idempotent, require_key, scoped_key
from hataraku.ledger.previews import release_preview

from .. import notices
from ..constants import BonusStatus, ContractStatus
from ..models import Bonus, Contract
from ._common import (
    contract_url,
    escrow_awaits_funding,
    escrow_is_funded,
    notify,
    request_funding,
    require_client,
)


def _check_amount(amount: Any) -> int:
    if not isinstance(amount, int) or isinstance(amount, bool) or not 1 <= amount <= YEN_INPUT_MAX:
        raise DomainError(
            ErrorCode.INVALID_AMOUNT, _("ボーナスの金額は1円から1億円までにしてください。"), field="amount"
        )
    return amount


def bonus_preview(*, contract: Contract, amount: int) -> money.FeeBreakdown:
    """What the worker would receive of a bonus of `amount` paid today: the fee (marginal on what the
    contract already paid), its tax and withholding, as the release will compute them."""
    return release_preview(
        fee_group=f"contract:{contract.pk}", amount=_check_amount(amount), withholding=contract.withholding
    )


def bonus_give(
    *,
    contract: Contract,
    actor: User,
    amount: int,
    message: str,
    idempotency_key: str,
    provider: str | None = None,
) -> Bonus:
    """The client gives a bonus on an active contract: the bonus is written, its escrow opened and the money
    asked for (bank transfer by default, or card); the worker is told. Paid to her once the money is held.
    The same key again (a double click) answers the first bonus and asks for nothing more."""
    key = require_key(idempotency_key)
    amount = _check_amount(amount)
    message = (message or "").strip()
    limits.check_length(message, limit=limits.CHANGE_REASON, field="message")
    params = {"contract": contract.pk, "amount": amount, "message": message, "provider": provider or ""}

    def body(_idem: Any) -> Bonus:
        locked = Contract.objects.select_for_update().get(pk=contract.pk)
        require_client(locked, actor)
        if locked.status != ContractStatus.ACTIVE:
            raise InvalidTransition(_("ボーナスは進行中の契約にだけ贈れます。"))
        bonus = Bonus.objects.create(contract=locked, given_by=actor, amount=amount, message=message)
        escrow = ledger.escrow_open(
            client=locked.client,
            reference=f"bonus:{bonus.pk}",
            fee_group=f"contract:{locked.pk}",
            fee_plan=FeePlan.PROJECT_TIERED,
            withholding=locked.withholding,
            actor=actor,
            idempotency_key=f"bonus:{bonus.pk}:open",
            worker=locked.worker,
        )
        request_funding(
            contract=locked,
            escrow=escrow,
            amount=amount,
            idempotency_key=f"{key}:bonus-fund",
            provider=provider,
        )
        bonus.escrow = escrow
        bonus.save(update_fields=["escrow", "updated_at"])
        audit_record(
            actor=actor,
            action="bonus.give",
            target=bonus,
            data={"amount": amount, "escrow": escrow.pk, "contract": locked.pk},
        )
        notify(
            user=locked.worker,
            code=notices.BONUS_ANNOUNCED,
            params={"title": locked.title, "amount": f"{amount:,}", "message": message[:200]},
            url=contract_url(locked),
        )
        return bonus

    return idempotent(scope="contracts.bonus_give", key=scoped_key(actor, key), params=params, body=body)


def bonus_sync_release(*, bonus: Bonus) -> bool:
    """Release a bonus whose money is held to the worker (fee, tax and withholding taken as on any release)
    and mark it paid. Idempotent: a bonus already paid, or not funded yet, is left as it is; the release
    key is fixed per bonus. True if it was paid now."""
    with transaction.atomic():
        contract = Contract.objects.select_for_update().get(pk=bonus.contract_id)
        locked = Bonus.objects.select_for_update().get(pk=bonus.pk)
        if locked.status != BonusStatus.AWAITING_PAYMENT or locked.escrow is None:
            return False
        if not escrow_is_funded(locked.escrow, locked.amount):
            return False
        settlement = ledger.escrow_release(
            escrow=locked.escrow,
            amount=locked.amount,
            worker=contract.worker,
            actor=None,
            idempotency_key=f"bonus:{locked.pk}:release",
        )
        state.transition(
            locked,
            target=BonusStatus.PAID,
            actor=None,
            action="bonus.paid",
            fields={"released_at": clock.now()},
            data={"settlement": settlement.pk, "net": settlement.worker_net},
            locked=True,
        )
        notify(
            user=contract.worker,
            code=notices.BONUS_PAID,
            params={
                "title": contract.title,
                "amount": f"{locked.amount:,}",
                "net": f"{settlement.worker_net:,}",
            },
            url=contract_url(contract),
        )
    bonus.refresh_from_db(fields=["status", "released_at"])
    return True


def bonuses_sync_release() -> int:
    """Periodic reconciliation behind the `FundingPosted` handler: every bonus whose money arrived is paid."""
    paid = 0
    for b in Bonus.objects.filter(status=BonusStatus.AWAITING_PAYMENT, escrow__isnull=False):
        if bonus_sync_release(bonus=b):
            paid += 1
    return paid


def bonus_withdraw(*, bonus: Bonus, actor: User) -> Bonus:
    """The client takes back a bonus whose money never came (a voided transfer, a declined card). Refused
    while a payment is on its way or once the money is held: that money is the worker's."""
    with transaction.atomic():
        contract = Contract.objects.select_for_update().get(pk=bonus.contract_id)
        require_client(contract, actor)
        locked = Bonus.objects.select_for_update().get(pk=bonus.pk)
        if locked.status == BonusStatus.WITHDRAWN:
            return locked
        if locked.escrow is not None and (
            escrow_awaits_funding(locked.escrow) or escrow_is_funded(locked.escrow, 1)
        ):
            raise InvalidTransition(
                _(
                    "このボーナスは入金の手続き中か、入金が済んでいるため取り下げられません。"
                    "振込をやめる場合は、運営にお知らせください。"
                ),
                code=ErrorCode.FUNDING_PENDING,
            )
        state.transition(
            locked,
            target=BonusStatus.WITHDRAWN,
            actor=actor,
            action="bonus.withdraw",
            refusal=_("このボーナスは「%(status)s」のため、取り下げられません。"),
            locked=True,
        )
    bonus.refresh_from_db(fields=["status"])
    return locked
