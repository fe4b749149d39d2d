"""Disputes: either side asks staff to mediate a funded milestone or an hourly week, and staff decide
how the money is split (a milestone's escrow) or what is billed (a week)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from hataraku.accounts.models import User
from hataraku.core import clock, limits, state
from hataraku.core.audit import audit_record
from hataraku.core.errors import DomainError, InvalidTransition, NotFound
from hataraku.ledger import services as ledger

from .. import notices
from ..constants import DisputeStatus, MilestoneStatus, WeekStatus
from ..models import Contract, Dispute, HourlyWeek, Milestone
from ._common import (
    contract_url,
    escrow_is_funded,
    milestone_transition,
    notify,
    other_party,
    require_party,
    require_staff,
    week_transition,
)
from .hourly import logged_minutes, week_amount
from .lifecycle import maybe_complete
from .milestones import DISPUTABLE
from .weeks import week_bill_and_close


def dispute_open(
    *,
    contract: Contract,
    actor: User,
    reason: str,
    milestone: Milestone | None = None,
    week: HourlyWeek | None = None,
) -> Dispute:
    """Either side asks staff to mediate a milestone (with money in escrow) or an open hourly week."""
    if not (reason or "").strip():
        raise DomainError(_("仲介をお願いする理由を入力してください。"), field="reason")
    limits.check_length(reason, limit=limits.DISPUTE_REASON, field="reason")
    if (milestone is None) == (week is None):
        raise DomainError(_("マイルストーンか週のどちらかを選んでください。"))
    with transaction.atomic():
        locked = Contract.objects.select_for_update().get(pk=contract.pk)
        require_party(locked, actor)
        if milestone is not None:
            m = Milestone.objects.select_for_update().get(pk=milestone.pk)
            if m.contract_id != locked.pk:
                raise NotFound(_("マイルストーンが見つかりません。"))
            if m.status not in DISPUTABLE:
                raise InvalidTransition(
                    _("仮払い済みで、まだ支払われていないマイルストーンだけ仲介を依頼できます。")
                )
            previous = m.status
            dispute = Dispute.objects.create(
                contract=locked, milestone=m, opened_by=actor, reason=reason.strip(), previous_status=previous
            )
            milestone_transition(
                milestone=m, target=MilestoneStatus.DISPUTED, actor=actor, data={"dispute": dispute.pk}
            )
        else:
            assert week is not None
            w = HourlyWeek.objects.select_for_update().get(pk=week.pk)
            if w.contract_id != locked.pk:
                raise NotFound(_("週が見つかりません。"))
            dispute = Dispute.objects.create(
                contract=locked, week=w, opened_by=actor, reason=reason.strip(), previous_status=w.status
            )
            week_transition(week=w, target=WeekStatus.DISPUTED, actor=actor)
        audit_record(
            actor=actor, action="dispute.open", target=dispute, data={"reason": reason.strip()[:500]}
        )
        notify(
            user=other_party(locked, actor),
            code=notices.DISPUTE_OPENED,
            params={"title": locked.title},
            url=contract_url(locked),
        )
    return dispute


def dispute_decide(
    *, dispute: Dispute, actor: User, worker_amount: int, note: str, idempotency_key: str
) -> Dispute:
    """Staff decide how the money is split. For a milestone the escrow is split by the ledger; for an hourly
    week (nothing was escrowed yet) the decided amount is billed like an approved week."""
    require_staff(actor)
    if not (note or "").strip():
        raise DomainError(_("決定の理由を入力してください。"), field="note")
    limits.check_length(note, limit=limits.DISPUTE_DECISION_NOTE, field="note")
    with transaction.atomic():
        contract = Contract.objects.select_for_update().get(pk=dispute.contract_id)
        locked = Dispute.objects.select_for_update().get(pk=dispute.pk)
        if locked.status != DisputeStatus.OPEN:
            if locked.worker_amount == worker_amount and locked.decision_note == note.strip():
                # The same decision sent again (a double click, a resent POST): answer the first result,
                # split nothing twice. Another decision on a decided dispute is refused.
                dispute.refresh_from_db(fields=["status"])
                return locked
            raise InvalidTransition(_("この紛争はすでに決定済みです。"), code="already_decided")
        if worker_amount < 0:
            raise DomainError(_("金額は0円以上にしてください。"), field="worker_amount")
        if locked.milestone_id:
            m = Milestone.objects.select_for_update().get(pk=locked.milestone_id)
            if worker_amount > m.amount:
                raise DomainError(
                    _("ワーカーへの支払額は仮払い額(%(amount)s円)以下にしてください。")
                    % {"amount": m.amount},
                    field="worker_amount",
                )
            client_amount = m.amount - worker_amount
            if m.escrow is None or not escrow_is_funded(m.escrow, m.amount):
                raise DomainError(_("仮払いが確認できないため、分配できません。"))
            ledger.escrow_split(
                escrow=m.escrow,
                worker=contract.worker,
                worker_amount=worker_amount,
                client_amount=client_amount,
                actor=actor,
                idempotency_key=idempotency_key,
            )
            target = MilestoneStatus.RELEASED if worker_amount > 0 else MilestoneStatus.CANCELLED
            # Only a payment has a release time: a full refund is not a payment to the worker.
            paid = {"released_at": clock.now()} if target == MilestoneStatus.RELEASED else {}
            milestone_transition(milestone=m, target=target, actor=actor, data={"dispute": locked.pk}, **paid)
        else:
            assert locked.week_id is not None  # the table constraint: a milestone or a week
            w = HourlyWeek.objects.select_for_update().get(pk=locked.week_id)
            full = week_amount(minutes=logged_minutes(w), hourly_rate=contract.hourly_rate or 0)
            if worker_amount > full:
                raise DomainError(
                    _("ワーカーへの支払額は記録された時間の金額(%(amount)s円)以下にしてください。")
                    % {"amount": full},
                    field="worker_amount",
                )
            client_amount = 0
            minutes = (worker_amount * 60) // (contract.hourly_rate or 1)
            week_bill_and_close(
                week=w,
                contract=contract,
                minutes=minutes,
                amount=worker_amount,
                target=WeekStatus.RESOLVED,
                actor=actor,
                idempotency_key=idempotency_key,
            )
        state.transition(
            locked,
            target=DisputeStatus.DECIDED,
            actor=actor,
            action="dispute.decide",
            fields={
                "decided_by": actor,
                "decided_at": clock.now(),
                "worker_amount": worker_amount,
                "client_amount": client_amount,
                "decision_note": note.strip(),
            },
            data={"worker_amount": worker_amount, "client_amount": client_amount},
            locked=True,
        )
        maybe_complete(contract, actor)
        for party in (contract.client, contract.worker):
            notify(
                user=party,
                code=notices.DISPUTE_DECIDED,
                params={"note": note.strip()[:200]},
                url=contract_url(contract),
            )
    dispute.refresh_from_db(fields=["status", "decided_at", "worker_amount", "client_amount"])
    return locked
