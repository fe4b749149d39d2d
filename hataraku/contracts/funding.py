"""What a contract's escrows ask their client to pay, for the payments app's funding page.

The contract owns its escrows' references ("milestone:12", "week:34"), so it alone says how much each one
asks for, and while: a milestone waiting for its funding asks its exact amount; an hourly week that was
billed (approved, or decided by staff) but not yet paid asks its billed amount. Anything else — funded,
released, refunded, cancelled, not billed yet — asks nothing, so no money can be stranded in an escrow
nobody asked for. Registered in `ContractsConfig.ready`."""

from __future__ import annotations

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from hataraku.core.words import compose, theirs
from hataraku.ledger.models import Escrow
from hataraku.ledger.selectors import escrow_held
from hataraku.payments.services import FundingAsk, funding_asker_register, funding_subject_register
from hataraku.payments.subjects import escrow_subjects_register

from .constants import BonusStatus, ContractStatus, MilestoneStatus, WeekStatus
from .models import Bonus, HourlyWeek, Milestone


def _reference_pk(escrow: Escrow) -> int | None:
    number = escrow.reference.partition(":")[2]
    return int(number) if number.isascii() and number.isdigit() else None


def _milestone(escrow: Escrow) -> Milestone | None:
    pk = _reference_pk(escrow)
    if pk is None:
        return None
    return Milestone.objects.select_related("contract").filter(pk=pk, escrow_id=escrow.pk).first()


def _week(escrow: Escrow) -> HourlyWeek | None:
    pk = _reference_pk(escrow)
    if pk is None:
        return None
    return HourlyWeek.objects.select_related("contract").filter(pk=pk, escrow_id=escrow.pk).first()


def _milestone_label(milestone: Milestone) -> str:
    return compose(
        _("「%(contract)s」のマイルストーン%(order)s「%(title)s」"),
        {
            "contract": theirs(milestone.contract.title),
            "order": milestone.order,
            "title": theirs(milestone.title),
        },
    )


def _week_label(week: HourlyWeek) -> str:
    return compose(
        _("「%(contract)s」の%(start)sからの週の作業時間"),
        {"contract": theirs(week.contract.title), "start": date_format(week.week_start, "DATE_FORMAT")},
    )


def milestone_subject(escrow: Escrow) -> str | None:
    milestone = _milestone(escrow)
    return _milestone_label(milestone) if milestone is not None else None


def week_subject(escrow: Escrow) -> str | None:
    week = _week(escrow)
    return _week_label(week) if week is not None else None


def milestone_funding_ask(escrow: Escrow) -> FundingAsk | None:
    """An unfunded milestone of an active contract asks for its amount, less anything already held (while
    a funding is on its way the payments app refuses a second one itself)."""
    milestone = _milestone(escrow)
    if (
        milestone is None
        or milestone.status not in (MilestoneStatus.PENDING, MilestoneStatus.FUNDING_REQUESTED)
        or milestone.contract.status != ContractStatus.ACTIVE
    ):
        return None
    remaining = milestone.amount - escrow_held(escrow)
    if remaining <= 0:
        return None
    return FundingAsk(amount=remaining, label=_milestone_label(milestone))


def week_funding_ask(escrow: Escrow) -> FundingAsk | None:
    """A billed hourly week not yet paid asks for its billed amount, less anything already held."""
    week = _week(escrow)
    if week is None or week.status not in (WeekStatus.BILLED, WeekStatus.RESOLVED) or week.released_at:
        return None
    remaining = week.billed_amount - escrow_held(escrow)
    if remaining <= 0:
        return None
    return FundingAsk(amount=remaining, label=_week_label(week))


def _bonus(escrow: Escrow) -> Bonus | None:
    pk = _reference_pk(escrow)
    if pk is None:
        return None
    return Bonus.objects.select_related("contract").filter(pk=pk, escrow_id=escrow.pk).first()


def _bonus_label(bonus: Bonus) -> str:
    return compose(_("「%(contract)s」のボーナス"), {"contract": theirs(bonus.contract.title)})


def bonus_subject(escrow: Escrow) -> str | None:
    bonus = _bonus(escrow)
    return _bonus_label(bonus) if bonus is not None else None


def bonus_funding_ask(escrow: Escrow) -> FundingAsk | None:
    """A bonus the client gave and has not paid yet asks for its amount, less anything already held (also
    after the contract ended: she promised it)."""
    bonus = _bonus(escrow)
    if bonus is None or bonus.status != BonusStatus.AWAITING_PAYMENT:
        return None
    remaining = bonus.amount - escrow_held(escrow)
    if remaining <= 0:
        return None
    return FundingAsk(amount=remaining, label=_bonus_label(bonus))


def milestone_subjects(escrows: list[Escrow]) -> dict[int, str]:
    """Names for many milestone escrows in one query (the money tables)."""
    rows = Milestone.objects.filter(escrow_id__in=[e.pk for e in escrows]).select_related("contract")
    return {m.escrow_id: _milestone_label(m) for m in rows if m.escrow_id is not None}


def week_subjects(escrows: list[Escrow]) -> dict[int, str]:
    rows = HourlyWeek.objects.filter(escrow_id__in=[e.pk for e in escrows]).select_related("contract")
    return {w.escrow_id: _week_label(w) for w in rows if w.escrow_id is not None}


def bonus_subjects(escrows: list[Escrow]) -> dict[int, str]:
    rows = Bonus.objects.filter(escrow_id__in=[e.pk for e in escrows]).select_related("contract")
    return {b.escrow_id: _bonus_label(b) for b in rows if b.escrow_id is not None}


def register() -> None:
    escrow_subjects_register("milestone", milestone_subjects)
    escrow_subjects_register("week", week_subjects)
    escrow_subjects_register("bonus", bonus_subjects)
    funding_asker_register("milestone", milestone_funding_ask)
    funding_asker_register("week", week_funding_ask)
    funding_subject_register("milestone", milestone_subject)
    funding_subject_register("week", week_subject)
    funding_asker_register("bonus", bonus_funding_ask)
    funding_subject_register("bonus", bonus_subject)
