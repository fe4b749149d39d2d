"""What the contracts app does when other apps announce something (`hataraku.core.events`).

Imported at start-up by `core.events.handler_modules`. Each handler is idempotent (it locks and
re-checks): the minute tick's reconciliation (`contracts.tasks.run_periodic`) runs the same services, so a
handler that failed is caught up within a minute, and one that runs twice changes nothing more."""

from __future__ import annotations

from hataraku.core.events import handles
from hataraku.ledger.events import FundingPosted

from . import services
from .models import HourlyWeek, Milestone


@handles(FundingPosted)
def funding_posted(event: FundingPosted) -> None:
    """The money for a milestone or a billed hourly week arrived: the milestone becomes funded (the worker
    may start) or the week is released to the worker, without anyone opening a page."""
    pk = event.reference_id
    if pk is None:
        return
    if event.reference_kind == "milestone":
        milestone = Milestone.objects.filter(pk=pk, escrow_id=event.escrow_id).first()
        if milestone is not None:
            services.milestone_sync_funding(milestone=milestone)
    elif event.reference_kind == "week":
        week = HourlyWeek.objects.filter(pk=pk, escrow_id=event.escrow_id).first()
        if week is not None:
            services.week_sync_release(week=week)
