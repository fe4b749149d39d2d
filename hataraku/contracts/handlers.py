"""What the contracts app does when other apps announce something (`hataraku.core.events`).

Imported at start-up by `core.events.handler_modules`. Each handler is idempotent (it locks and
re-checks): the minute tick's reconciliation (`contracts.tasks.run_periodic`) runs the same services, so a
handler that failed is caught up within a minute, and one that runs twice changes nothing more."""

from __future__ import annotations

from hataraku.core.events import handles
from hataraku.ledger.events import EscrowEvent, FundingPosted, FundingRequested, FundingVoided

from . import services
from .models import Bonus, HourlyWeek, Milestone


def _milestone(event: EscrowEvent) -> Milestone | None:
    if event.reference_kind != "milestone" or event.reference_id is None:
        return None
    return Milestone.objects.filter(pk=event.reference_id, escrow_id=event.escrow_id).first()


@handles(FundingPosted)
def funding_posted(event: FundingPosted) -> None:
    """The money for a milestone, a billed hourly week or a bonus arrived: the milestone becomes funded (the
    worker may start), or the week or bonus is released to the worker and paid, without anyone opening a
    page."""
    milestone = _milestone(event)
    if milestone is not None:
        services.milestone_sync_funding(milestone=milestone)
    elif event.reference_kind == "week" and event.reference_id is not None:
        week = HourlyWeek.objects.filter(pk=event.reference_id, escrow_id=event.escrow_id).first()
        if week is not None:
            services.week_sync_release(week=week)
    elif event.reference_kind == "bonus" and event.reference_id is not None:
        bonus = Bonus.objects.filter(pk=event.reference_id, escrow_id=event.escrow_id).first()
        if bonus is not None:
            services.bonus_sync_release(bonus=bonus)


@handles(FundingRequested)
def funding_requested(event: FundingRequested) -> None:
    """The client started paying for a milestone (also from the funding page, after a void): it now waits
    for the money to be confirmed."""
    milestone = _milestone(event)
    if milestone is not None:
        services.milestone_sync_funding(milestone=milestone)


@handles(FundingVoided)
def funding_voided(event: FundingVoided) -> None:
    """A milestone's funding will not come (no transfer, a declined card): back to waiting for payment."""
    milestone = _milestone(event)
    if milestone is not None:
        services.milestone_sync_funding(milestone=milestone)
