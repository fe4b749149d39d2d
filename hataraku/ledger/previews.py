"""What a release would pay, shown before anyone commits to it (a client giving a bonus sees the worker's
take-home first). A read: nothing is locked or written, so the figure is an estimate that the release
itself computes again under its locks (another payment of the same contract in between moves the tier)."""

from __future__ import annotations

from django.db.models import OuterRef, QuerySet, Subquery, Sum

from hataraku.core import clock, money

from .models import Settlement


def _released(**where: object) -> QuerySet[Settlement]:
    """The releases a fee group's tiered fee counts on: reversed ones left out."""
    return Settlement.objects.filter(**where, entry__reversed_by__isnull=True)


def released_subquery() -> Subquery:
    """`fee_group_released` as a subquery of a fee group row (`OuterRef("pk")`), for the release's lock of the
    fee group, which then reads the sum in the statement that takes the lock."""
    return Subquery(
        _released(escrow__fee_group_id=OuterRef("pk"))
        .order_by()
        .values("escrow__fee_group_id")
        .annotate(t=Sum("worker_gross"))
        .values("t")
    )


def fee_group_released(fee_group: str = "", *, fee_group_id: int | None = None) -> int:
    """What has been paid to the worker so far in a fee group (the tiered fee counts on it), by key or id,
    reversed releases left out. `services.escrow_release` starts from this same sum, under the fee group's
    lock; a preview reads it without one."""
    where = (
        {"escrow__fee_group_id": fee_group_id}
        if fee_group_id is not None
        else {"escrow__fee_group__key": fee_group}
    )
    total = _released(**where).aggregate(t=Sum("worker_gross"))["t"]
    return int(total or 0)


def release_preview(
    *, fee_group: str, amount: int, withholding: bool, flat: bool = False
) -> money.FeeBreakdown:
    """The split of paying `amount` today in `fee_group` (`money.fee_breakdown`, the ledger's own maths)."""
    before = 0 if flat else fee_group_released(fee_group)
    return money.fee_breakdown(
        amount, withholding=withholding, cumulative_before=before, flat=flat, on=clock.today()
    )
