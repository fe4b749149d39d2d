"""Ending a funded milestone early, by agreement of both parties: one proposes how its escrow is split (part
to the worker, the rest back to the client), the other accepts or declines.

Why both must agree: the Freelance Act (特定受託事業者に係る取引の適正化等に関する法律) art. 5(1)(ii)
forbids a client to reduce the agreed fee (報酬の減額) without a reason on the worker's side, and a fee
held in escrow is agreed money. So the client can never impose a cut: her proposal moves nothing until the
worker accepts, the worker may decline and keep working (and deliver for the full fee), or ask staff to
mediate. The worker may propose giving the money back herself (all of it, or keeping part for work done);
that too waits for the client's answer, since the client decides what happens to her refund.

On acceptance the escrow is split in one ledger entry (`escrow_split`): the worker's part pays the
platform fee, its consumption tax and withholding exactly as a release does, and the client's part goes
to her refundable balance. The milestone then ends as after a staff decision: released when the worker
received something, cancelled when everything went back to the client.

Lock order as everywhere: contract → cancellation → milestone → (ledger: escrow → accounts)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from hataraku.accounts.models import User
from hataraku.core import clock, limits, money, state
from hataraku.core.audit import audit_record
from hataraku.core.errors import (
    Conflict,
    DomainError,
    ErrorCode,
    InvalidTransition,
    NotFound,
    PermissionDenied,
)
from hataraku.ledger import services as ledger
from hataraku.ledger.idempotency import idempotent, require_key, scoped_key
from hataraku.ledger.previews import release_preview

from .. import notices
from ..constants import CancellationStatus, ContractStatus, MilestoneStatus
from ..models import Contract, Milestone, MilestoneCancellation
from ._common import (
    contract_url,
    escrow_is_funded,
    milestone_transition,
    notify,
    other_party,
    require_party,
)
from .lifecycle import maybe_complete
from .milestones import DISPUTABLE

# The milestones whose escrow holds the money the work is done against: the same as those staff may split.
CANCELLABLE = DISPUTABLE


def _words(contract: Contract, milestone: Milestone, c: MilestoneCancellation) -> dict[str, str | int]:
    return {
        "title": contract.title,
        "m": milestone.title,
        "worker": f"{c.worker_amount:,}",
        "client": f"{c.client_amount:,}",
    }


def _check_worker_amount(worker_amount: Any, milestone_amount: int) -> int:
    if not isinstance(worker_amount, int) or isinstance(worker_amount, bool):
        raise DomainError(
            ErrorCode.INVALID_AMOUNT, _("金額は円単位の数字で入力してください。"), field="worker_amount"
        )
    if not 0 <= worker_amount <= milestone_amount:
        raise DomainError(
            ErrorCode.INVALID_AMOUNT,
            _("ワーカーへの支払額は0円から%(amount)s円までにしてください。")
            % {"amount": f"{milestone_amount:,}"},
            field="worker_amount",
        )
    return worker_amount


def cancellation_preview(cancellation: MilestoneCancellation) -> money.FeeBreakdown:
    """What the worker would receive of the proposed amount if it were accepted today (fee, its tax and
    withholding taken as the split will take them), for the page where she decides."""
    contract = cancellation.contract
    return release_preview(
        fee_group=f"contract:{contract.pk}",
        amount=cancellation.worker_amount,
        withholding=contract.withholding,
    )


def cancellation_propose(
    *, milestone: Milestone, actor: User, worker_amount: int, reason: str, idempotency_key: str
) -> MilestoneCancellation:
    """Either party proposes to end a funded (delivered, returned) milestone: `worker_amount` of it to the
    worker, the rest refunded to the client. Nothing moves until the other party accepts. One pending
    proposal per milestone; the same key sent again (a double click) answers the first proposal."""
    key = require_key(idempotency_key)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("取りやめたい理由を入力してください。"), field="reason")
    limits.check_length(reason, limit=limits.CHANGE_REASON, field="reason")
    params = {"milestone": milestone.pk, "worker_amount": worker_amount, "reason": reason}

    def body(_idem: Any) -> MilestoneCancellation:
        contract = Contract.objects.select_for_update().get(pk=milestone.contract_id)
        require_party(contract, actor)
        locked = Milestone.objects.select_for_update().get(pk=milestone.pk)
        if contract.status != ContractStatus.ACTIVE or locked.status not in CANCELLABLE:
            raise InvalidTransition(
                _(
                    "仮払い済みで、まだ支払われていないマイルストーンだけ取りやめを申し出られます"
                    "(いまは「%(status)s」です)。"
                )
                % {"status": locked.get_status_display()}
            )
        amount = _check_worker_amount(worker_amount, locked.amount)
        if MilestoneCancellation.objects.filter(milestone=locked, status=CancellationStatus.PENDING).exists():
            raise Conflict(
                _(
                    "このマイルストーンには回答待ちの取りやめの申し出があります。先にそちらへの回答をお待ちください。"
                ),
                code=ErrorCode.ALREADY_PROPOSED,
            )
        cancellation = MilestoneCancellation.objects.create(
            contract=contract,
            milestone=locked,
            proposed_by=actor,
            worker_amount=amount,
            client_amount=locked.amount - amount,
            reason=reason,
        )
        audit_record(
            actor=actor,
            action="milestone.cancellation_propose",
            target=cancellation,
            data={"milestone": locked.pk, "worker_amount": amount, "client_amount": locked.amount - amount},
        )
        to_worker = actor.pk == contract.client_id
        notify(
            user=other_party(contract, actor),
            code=(
                notices.CANCELLATION_PROPOSED_TO_WORKER
                if to_worker
                else notices.CANCELLATION_PROPOSED_TO_CLIENT
            ),
            params=_words(contract, locked, cancellation),
            url=contract_url(contract),
        )
        return cancellation

    return idempotent(
        scope="contracts.cancellation_propose", key=scoped_key(actor, key), params=params, body=body
    )


def _lock(cancellation: MilestoneCancellation, actor: User) -> tuple[Contract, MilestoneCancellation]:
    contract = Contract.objects.select_for_update().get(pk=cancellation.contract_id)
    require_party(contract, actor)
    locked = MilestoneCancellation.objects.select_for_update().get(pk=cancellation.pk)
    if locked.contract_id != contract.pk:
        raise NotFound()
    return contract, locked


def cancellation_answer(
    *, cancellation: MilestoneCancellation, actor: User, accept: bool
) -> MilestoneCancellation:
    """The other party accepts (the escrow is split, the milestone ends) or declines (nothing changes).
    Accepting twice (a double click, two tabs, two requests at once) splits once: the second answer finds
    the proposal accepted and returns it; the split's key is fixed per proposal as well. A proposal whose
    milestone has meanwhile been paid or sent to staff lapses instead (returned with that status)."""
    with transaction.atomic():
        contract, locked = _lock(cancellation, actor)
        if actor.pk == locked.proposed_by_id:
            raise PermissionDenied(
                _("取りやめを申し出た側は承諾できません。相手の同意が必要です。"), code=ErrorCode.WRONG_PARTY
            )
        if locked.status != CancellationStatus.PENDING:
            if accept and locked.status == CancellationStatus.ACCEPTED:
                return locked
            raise InvalidTransition(
                _("この申し出にはすでに回答済みです(%(status)s)。") % {"status": locked.get_status_display()},
                code=ErrorCode.ALREADY_ANSWERED,
            )
        milestone = Milestone.objects.select_for_update().get(pk=locked.milestone_id)
        now = clock.now()
        answered = {"responded_by": actor, "responded_at": now}
        if milestone.status not in CANCELLABLE:
            state.transition(
                locked,
                target=CancellationStatus.LAPSED,
                actor=actor,
                action="milestone.cancellation_lapse",
                fields=answered,
                data={"milestone_status": milestone.status},
                locked=True,
            )
            return locked
        if not accept:
            state.transition(
                locked,
                target=CancellationStatus.DECLINED,
                actor=actor,
                action="milestone.cancellation_answer",
                fields=answered,
                data={"accepted": False},
                locked=True,
            )
            notify(
                user=locked.proposed_by,
                code=notices.CANCELLATION_DECLINED,
                params={"m": milestone.title},
                url=contract_url(contract),
            )
            return locked
        # The amount of a funded milestone cannot change (`changes._clean_changes`), so the agreed split
        # still adds up to what the escrow holds for it; check rather than trust.
        if locked.worker_amount + locked.client_amount != milestone.amount:
            raise Conflict(_("申し出のあとで金額が変わったため、この申し出は使えません。"))
        if milestone.escrow is None or not escrow_is_funded(milestone.escrow, milestone.amount):
            raise DomainError(_("仮払いが確認できないため、精算できません。運営にお問い合わせください。"))
        settlement = ledger.escrow_split(
            escrow=milestone.escrow,
            worker=contract.worker,
            worker_amount=locked.worker_amount,
            client_amount=locked.client_amount,
            actor=actor,
            idempotency_key=f"cancellation:{locked.pk}:split",
        )
        paid = locked.worker_amount > 0
        milestone_transition(
            milestone=milestone,
            target=MilestoneStatus.RELEASED if paid else MilestoneStatus.CANCELLED,
            actor=actor,
            data={"cancellation": locked.pk},
            # Only a payment has a release time: a full refund is not a payment to the worker.
            **({"released_at": now} if paid else {}),
        )
        state.transition(
            locked,
            target=CancellationStatus.ACCEPTED,
            actor=actor,
            action="milestone.cancellation_answer",
            fields={**answered, "settlement": settlement},
            data={
                "accepted": True,
                "settlement": settlement.pk,
                "worker_amount": locked.worker_amount,
                "client_amount": locked.client_amount,
            },
            locked=True,
        )
        maybe_complete(contract, actor)
        for party in (contract.client, contract.worker):
            notify(
                user=party,
                code=notices.CANCELLATION_ACCEPTED,
                params=_words(contract, milestone, locked),
                url=contract_url(contract),
            )
    return locked


def cancellation_withdraw(*, cancellation: MilestoneCancellation, actor: User) -> MilestoneCancellation:
    """The proposer takes a pending proposal back before the other party answers."""
    with transaction.atomic():
        contract, locked = _lock(cancellation, actor)
        if actor.pk != locked.proposed_by_id:
            raise PermissionDenied(
                _("取り下げられるのは、申し出た本人だけです。"), code=ErrorCode.WRONG_PARTY
            )
        if locked.status == CancellationStatus.WITHDRAWN:
            return locked
        state.transition(
            locked,
            target=CancellationStatus.WITHDRAWN,
            actor=actor,
            action="milestone.cancellation_withdraw",
            fields={"responded_by": actor, "responded_at": clock.now()},
            refusal=_("この申し出は「%(status)s」のため、取り下げられません。"),
            locked=True,
        )
        notify(
            user=other_party(contract, actor),
            code=notices.CANCELLATION_WITHDRAWN,
            params={"m": locked.milestone.title},
            url=contract_url(contract),
        )
    return locked
