"""Approval and payment of hourly weeks, and the end of an hourly contract.

submitted → billed (the client approves, or the clock once the acceptance period passed): an escrow is
opened and the client asked for the money → paid, once that money is held and released to the worker
(at once, or when the `FundingPosted` event says it arrived: `week_sync_release`). Until then the client
is reminded and staff see the week among late payments. A week decided by staff (resolved) is paid the
same way."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from hataraku.accounts.models import User
from hataraku.core import clock, state
from hataraku.core.audit import audit_record
from hataraku.core.errors import Conflict, DomainError, InvalidTransition
from hataraku.core.notifications import date_param
from hataraku.ledger import services as ledger
from hataraku.ledger.constants import FeePlan

from .. import hourly as week_calendar
from .. import notices
from ..constants import (
    PAYMENT_REMINDER_AFTER_DAYS,
    PAYMENT_REMINDER_EVERY_DAYS,
    ContractKind,
    ContractStatus,
    TimeCorrectionStatus,
    WeekStatus,
)
from ..hourly import week_start_for
from ..models import Contract, HourlyWeek, TimeCorrection, TimeEntry
from ..selectors import weeks_payment_late
from ._common import (
    contract_transition,
    contract_url,
    date_words,
    escrow_is_funded,
    notify,
    request_funding,
    require_client,
    require_party,
    week_transition,
)
from .hourly import logged_minutes, week_amount, week_auto_approve_at
from .lifecycle import notify_completed


def week_bill_and_close(
    *,
    week: HourlyWeek,
    contract: Contract,
    minutes: int,
    amount: int,
    target: str,
    actor: User | None,
    idempotency_key: str,
) -> None:
    """Bill the week (`_week_bill`) and move it to `target` (billed, or resolved by a dispute) with what was
    billed, and on to paid when the money was already held (or there is nothing to pay for an approved
    week). Inside the caller's atomic, the week locked. A correction the client never answered lapses:
    what is billed is what was submitted, never time added by silence."""
    for correction in TimeCorrection.objects.select_for_update().filter(
        week=week, status=TimeCorrectionStatus.PENDING
    ):
        state.transition(
            correction,
            target=TimeCorrectionStatus.LAPSED,
            actor=actor,
            action="time_correction.lapse",
            data={"week": week.pk},
            locked=True,
        )
    _week_bill(
        week=week,
        contract=contract,
        minutes=minutes,
        amount=amount,
        actor=actor,
        idempotency_key=idempotency_key,
    )
    released_at = week.released_at
    week_transition(
        week=week,
        target=target,
        actor=actor,
        reviewed_at=clock.now(),
        billed_minutes=week.billed_minutes,
        billed_amount=week.billed_amount,
        escrow=week.escrow,
    )
    if released_at is not None or (target == WeekStatus.BILLED and amount <= 0):
        week_transition(
            week=week,
            target=WeekStatus.PAID,
            actor=actor,
            data={"amount": amount},
            released_at=released_at,
        )


def _week_bill(
    *,
    week: HourlyWeek,
    contract: Contract,
    minutes: int,
    amount: int,
    actor: User | None,
    idempotency_key: str,
) -> None:
    """Open, fund and (if the money is held) release an escrow for one week. Inside the caller's atomic."""
    week.billed_minutes = minutes
    week.billed_amount = amount
    if amount <= 0:
        return
    escrow = ledger.escrow_open(
        client=contract.client,
        reference=f"week:{week.pk}",
        fee_group=f"contract:{contract.pk}",
        fee_plan=FeePlan.PROJECT_TIERED,
        withholding=contract.withholding,
        actor=actor,
        idempotency_key=f"{idempotency_key}:open",
        worker=contract.worker,
    )
    request_funding(
        contract=contract, escrow=escrow, amount=amount, idempotency_key=f"{idempotency_key}:fund"
    )
    week.escrow = escrow
    if escrow_is_funded(escrow, amount):
        ledger.escrow_release(
            escrow=escrow,
            amount=amount,
            worker=contract.worker,
            actor=actor,
            idempotency_key=f"week:{week.pk}:release",
        )
        week.released_at = clock.now()


def week_approve(
    *, week: HourlyWeek, actor: User | None, idempotency_key: str, auto: bool = False
) -> HourlyWeek:
    """The client approves a submitted week (also one she asked to correct, if she is content after all):
    it is billed through escrow (open, fund, release). A correction still waiting for her answer must be
    answered first, so she never approves minutes she has not seen.

    With `auto=True` (actor None) the platform approves a submitted week the client left unanswered for the
    acceptance period after submission, as the written terms promise (`terms.hourly_payment_rule`); a
    pending correction then lapses (silence adds no time). A week without any logged time is closed at ¥0
    with no escrow, the same as when the client approves it."""
    with transaction.atomic():
        contract = Contract.objects.select_for_update().get(pk=week.contract_id)
        if not auto:
            require_client(contract, actor)
        locked = HourlyWeek.objects.select_for_update().get(pk=week.pk)
        if locked.status == WeekStatus.OPEN:
            raise InvalidTransition(
                _(
                    "この週はまだ提出されていません。ワーカーが提出するか、"
                    "%(closes)sの記録の締め切りのあとに自動で提出されてから承認できます。"
                )
                % {"closes": date_words(week_calendar.logging_closes_on(locked.week_start))},
                code="week_not_submitted",
            )
        allowed = (WeekStatus.SUBMITTED,) if auto else (WeekStatus.SUBMITTED, WeekStatus.CORRECTION)
        if locked.status not in allowed:
            raise InvalidTransition(_("この週はすでに確認済みです。"), code="already_reviewed")
        due = week_auto_approve_at(locked, contract)
        if auto and (due is None or due > clock.now()):
            raise DomainError(_("この週はまだ確認の期間中です。"))
        pending = locked.corrections.filter(status=TimeCorrectionStatus.PENDING).exists()
        if pending and not auto:
            raise Conflict(
                _("この週には作業時間の修正の申し出があります。先に承諾するか見送るかを選んでください。"),
                code="correction_pending",
            )
        minutes = logged_minutes(locked)
        week_bill_and_close(
            week=locked,
            contract=contract,
            minutes=minutes,
            amount=week_amount(minutes=minutes, hourly_rate=contract.hourly_rate or 0),
            target=WeekStatus.BILLED,
            actor=actor,
            idempotency_key=idempotency_key,
        )
        words: dict[str, str | int] = {
            "start": date_param(locked.week_start),
            "minutes": locked.billed_minutes,
        }
        if not auto:
            code = notices.WEEK_APPROVED
        else:
            code = notices.WEEK_APPROVED_AUTO_LAPSED if pending else notices.WEEK_APPROVED_AUTO
        notify(user=contract.worker, code=code, params=words, url=contract_url(contract))
        if auto:
            notify(
                user=contract.client,
                code=notices.WEEK_AUTO_APPROVED,
                params=words,
                url=contract_url(contract),
            )
    week.refresh_from_db(
        fields=["status", "reviewed_at", "billed_minutes", "billed_amount", "escrow", "released_at"]
    )
    return locked


def weeks_auto_approve_due() -> int:
    """Periodic: approve every submitted week of an active hourly contract whose acceptance period has
    passed since submission, and bill it. A silent client never leaves an hourly worker unpaid, and no
    week is approved before the client had the whole period to look at it. Idempotent: the key is fixed
    per week, and a second run finds the week no longer submitted."""
    now = clock.now()
    approved = 0
    candidates = HourlyWeek.objects.filter(
        status=WeekStatus.SUBMITTED,
        submitted_at__isnull=False,
        contract__status=ContractStatus.ACTIVE,
        contract__kind=ContractKind.HOURLY,
    ).select_related("contract")
    for w in candidates:
        due = week_auto_approve_at(w, w.contract)
        if due is None or due > now:
            continue
        try:
            week_approve(week=w, actor=None, idempotency_key=f"week:{w.pk}:auto-approve", auto=True)
        except DomainError:
            # Approved, sent back for a correction or disputed in the meantime: nothing to do for this one.
            continue
        approved += 1
    return approved


# Billed (approved, or decided by staff) and waiting for the client's money.
AWAITING_PAYMENT = (WeekStatus.BILLED, WeekStatus.RESOLVED)


def week_sync_release(*, week: HourlyWeek) -> bool:
    """Release a billed week whose funding has since been confirmed, and mark it paid."""
    with transaction.atomic():
        contract = Contract.objects.select_for_update().get(pk=week.contract_id)
        locked = HourlyWeek.objects.select_for_update().get(pk=week.pk)
        if locked.status not in AWAITING_PAYMENT or locked.released_at or not locked.escrow_id:
            return False
        if not escrow_is_funded(locked.escrow, locked.billed_amount):
            return False
        assert locked.escrow is not None
        ledger.escrow_release(
            escrow=locked.escrow,
            amount=locked.billed_amount,
            worker=contract.worker,
            actor=None,
            idempotency_key=f"week:{locked.pk}:release",
        )
        week_transition(
            week=locked,
            target=WeekStatus.PAID,
            actor=None,
            data={"amount": locked.billed_amount},
            released_at=clock.now(),
        )
    week.refresh_from_db(fields=["status", "released_at"])
    return True


def weeks_sync_release() -> int:
    moved = 0
    for w in HourlyWeek.objects.filter(
        status__in=AWAITING_PAYMENT, released_at__isnull=True, escrow__isnull=False
    ):
        if week_sync_release(week=w):
            moved += 1
    return moved


def _reminder_due_at(week: HourlyWeek) -> dt.datetime | None:
    """When the next reminder about an unpaid billed week may go out."""
    if week.payment_reminded_at is not None:
        return week.payment_reminded_at + dt.timedelta(days=PAYMENT_REMINDER_EVERY_DAYS)
    if week.reviewed_at is not None:
        return week.reviewed_at + dt.timedelta(days=PAYMENT_REMINDER_AFTER_DAYS)
    return None


def weeks_payment_reminders_due() -> int:
    """Remind clients of billed hourly weeks whose bank transfer has not arrived: first
    PAYMENT_REMINDER_AFTER_DAYS after approval, then every PAYMENT_REMINDER_EVERY_DAYS, naming the Freelance
    Act limit (and saying so plainly once it has passed). The worker is told once, at the first reminder,
    that we are following it up. Only weeks that are due are locked, contract first as everywhere else."""
    now = clock.now()
    sent = 0
    for candidate in weeks_payment_late():
        due = _reminder_due_at(candidate)
        if due is None or now < due:
            continue
        with transaction.atomic():
            contract = Contract.objects.select_for_update().get(pk=candidate.contract_id)
            w = HourlyWeek.objects.select_for_update().get(pk=candidate.pk)
            due = _reminder_due_at(w)
            if w.released_at is not None or due is None or now < due:
                continue
            first = w.payment_reminded_at is None
            w.payment_reminded_at = now
            w.save(update_fields=["payment_reminded_at"])
            audit_record(
                actor=None,
                action="week.payment_reminder",
                target=w,
                data={"amount": w.billed_amount, "limit": w.payment_limit.isoformat()},
            )
            words = {
                "title": contract.title,
                "week": date_param(w.week_start),
                "amount": f"{w.billed_amount:,}",
                "limit": date_param(w.payment_limit),
            }
            overdue = clock.today() > w.payment_limit
            notify(
                user=contract.client,
                code=notices.WEEK_PAYMENT_OVERDUE if overdue else notices.WEEK_PAYMENT_REMINDER,
                params=words,
                url=contract_url(contract),
            )
            if first:
                notify(
                    user=contract.worker,
                    code=notices.WEEK_PAYMENT_LATE,
                    params=words,
                    url=contract_url(contract),
                )
            sent += 1
    return sent


def contract_complete(*, contract: Contract, actor: User) -> Contract:
    """Either party ends an active hourly contract. Every hour logged must be settled first, so that
    ending never leaves a worker unpaid: refused while a week has logged time not yet approved (the
    current week included — it can be approved once submitted), a week is disputed, or a billed week is
    still waiting for the client's money. Unapproved weeks without any time are closed at ¥0 along the way.
    Fixed contracts complete by themselves when their last milestone is finished."""
    with transaction.atomic():
        locked = Contract.objects.select_for_update().get(pk=contract.pk)
        require_party(locked, actor)
        if locked.kind != ContractKind.HOURLY:
            raise InvalidTransition(
                _("固定報酬の契約は、すべてのマイルストーンの支払いが済むと自動で完了します。")
            )
        if locked.status != ContractStatus.ACTIVE:
            raise InvalidTransition(
                _("この契約は「%(status)s」のため、終了できません。")
                % {"status": locked.get_status_display()}
            )
        weeks = list(HourlyWeek.objects.select_for_update().filter(contract=locked).order_by("week_start"))
        minutes = dict(
            TimeEntry.objects.filter(week__contract=locked)
            .values("week_id")
            .annotate(total=Sum("minutes"))
            .values_list("week_id", "total")
        )
        this_week = week_start_for(clock.today())
        empty_open = []
        for w in weeks:
            if w.status == WeekStatus.DISPUTED:
                raise Conflict(
                    _("%(start)sからの週は運営が仲介中です。仲介の結果が出てから、契約を終了できます。")
                    % {"start": date_words(w.week_start)}
                )
            unsettled = (WeekStatus.OPEN, WeekStatus.SUBMITTED, WeekStatus.CORRECTION)
            if w.status in unsettled and minutes.get(w.pk):
                if w.status == WeekStatus.OPEN and w.week_start >= this_week:
                    raise Conflict(
                        _(
                            "今週(%(start)sから)の作業時間がまだ支払われていません。"
                            "週が終わって承認と支払いが済んでから、契約を終了できます。"
                        )
                        % {"start": date_words(w.week_start)}
                    )
                raise Conflict(
                    _(
                        "%(start)sからの週の作業時間がまだ承認されていません。"
                        "提出・承認と支払いが済んでから、契約を終了できます。"
                    )
                    % {"start": date_words(w.week_start)}
                )
            if w.status in unsettled:
                empty_open.append(w)
            elif w.escrow_id and not w.released_at:
                raise Conflict(
                    _(
                        "%(start)sからの週の入金がまだ確認できていません。"
                        "入金が確認され、ワーカーに支払われてから、契約を終了できます。"
                    )
                    % {"start": date_words(w.week_start)}
                )
        for w in empty_open:
            # Nothing was logged: closed at ¥0, so nothing is owed either.
            week_transition(week=w, target=WeekStatus.BILLED, actor=actor, reviewed_at=clock.now())
            week_transition(week=w, target=WeekStatus.PAID, actor=actor, data={"amount": 0})
        contract_transition(contract=locked, target=ContractStatus.COMPLETED, actor=actor)
        notify_completed(locked)
    contract.refresh_from_db(fields=["status", "completed_at"])
    return locked
