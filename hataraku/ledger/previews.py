"""What a release would pay, shown before anyone commits to it (a client giving a bonus sees the worker's
take-home first). A read: nothing is locked or written, so the figure is an estimate that the release
itself computes again under its locks (another payment of the same contract in between moves the tier)."""

from __future__ import annotations

from django.db.models import Sum

from hataraku.core import clock, money

from .models import Settlement


def fee_group_released(fee_group: str = "", *, fee_group_id: int | None = None) -> int:
    """What has been paid to the worker so far in a fee group (the tiered fee counts on it), by key or id,
    reversed releases left out. `services.escrow_release` starts from this same sum, under the fee group's
    lock; a preview reads it without one."""
    where = (
        {"escrow__fee_group_id": fee_group_id}
        if fee_group_id is not None
        else {"escrow__fee_group__key": fee_group}
    )
    total = Settlement.objects.filter(**where, entry__reversed_by__isnull=True).aggregate(
        t=Sum("worker_gross")
    )["t"]
    return int(total or 0)


def release_preview(
    *, fee_group: str, amount: int, withholding: bool, flat: bool = False
) -> money.FeeBreakdown:
    """The split of paying `amount` today in `fee_group` (`money.fee_breakdown`, the ledger's own maths)."""
    before = 0 if flat else fee_group_released(fee_group)
    return money.fee_breakdown(
        amount, withholding=withholding, cumulative_before=before, flat=flat, on=clock.today()
    )
