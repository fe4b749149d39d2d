"""Yen arithmetic. Yen are Python ints; rates are Decimals; every rounding is explicit.

Rule: amounts a person receives or pays are rounded *down* to the whole yen (切り捨て) unless a law or
our terms say otherwise; the rounding mode is named at each call so that a reader never has to guess.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, Decimal

from django.utils.translation import gettext as _

Yen = int

# The largest amount one form field accepts (¥100,000,000): far above any job here, and far below what the
# database's integer columns hold, so a mistyped string of digits gets a kind error instead of an overflow.
YEN_INPUT_MAX: Yen = 100_000_000

CONSUMPTION_TAX_RATE = Decimal("0.10")


def apply_rate(amount: Yen, rate: Decimal, *, rounding: str = ROUND_DOWN) -> Yen:
    """`amount` × `rate`, rounded to a whole yen with `rounding` (down by default)."""
    if not isinstance(amount, int) or isinstance(amount, bool):
        raise TypeError("yen amounts are integers")
    return int((Decimal(amount) * rate).quantize(Decimal(1), rounding=rounding))


def consumption_tax(amount: Yen) -> Yen:
    """Consumption tax on a tax-exclusive amount, rounded down (the common invoice practice)."""
    return apply_rate(amount, CONSUMPTION_TAX_RATE, rounding=ROUND_DOWN)


def included_consumption_tax(total: Yen) -> Yen:
    """The consumption tax contained in a tax-inclusive total (内税) at 10 %, rounded down.

    Every amount a client agrees to pay on Hataraku (proposal, milestone, hourly rate) is tax-inclusive;
    the terms, the escrow, the release and the receipt all start from the same figure. Integer maths:
    Decimal 10/110 is inexact."""
    if not isinstance(total, int) or isinstance(total, bool):
        raise TypeError("yen amounts are integers")
    return total * 10 // 110


def format_yen(amount: Yen) -> str:
    """¥1,234 — the sign before the symbol for negative amounts."""
    sign = "-" if amount < 0 else ""
    return f"{sign}¥{abs(amount):,}"


def format_yen_range(low: Yen | None, high: Yen | None) -> str:
    """¥12,000〜¥18,000 (English: ¥12,000–¥18,000); one amount when both ends are the same."""
    ends = ["—" if end is None else format_yen(int(end)) for end in (low, high)]
    if ends[0] == ends[1]:
        return ends[0]
    return _("%(low)s〜%(high)s") % {"low": ends[0], "high": ends[1]}


# --- platform fees ----------------------------------------------------------------------------------------
#
# Every rate and every date it applies from lives here. A release's fee is *marginal*: the fee on the
# contract's cumulative released amount after the release, minus the fee on the amount before it, so a
# contract paid in three parts pays exactly the fee it would pay at once. Each tier's fee is rounded down to
# the yen (切り捨て) before the tiers are added. The consumption tax is 10 % of each release's fee, rounded
# down once per release (its own qualified invoice), so the total tax may differ from one payment's by up
# to ¥1 per release, depending on the order and the split; the written terms say so.
# A release's fee is computed with the schedule in force on its day (Japan time).


@dataclass(frozen=True)
class FeeTier:
    """`rate` applies to the part of the cumulative amount above `above` (and up to the next tier)."""

    above: Yen
    rate: Decimal


@dataclass(frozen=True)
class FeeSchedule:
    effective_from: date
    project_tiers: tuple[FeeTier, ...]
    task_rate: Decimal


FEE_SCHEDULES: tuple[FeeSchedule, ...] = (
    FeeSchedule(
        effective_from=date(2024, 11, 1),
        project_tiers=(
            FeeTier(above=0, rate=Decimal("0.20")),
            FeeTier(above=100_000, rate=Decimal("0.10")),
            FeeTier(above=200_000, rate=Decimal("0.05")),
        ),
        task_rate=Decimal("0.20"),
    ),
)


def fee_schedule_on(day: date) -> FeeSchedule:
    """The schedule in force on `day` (the latest one that started on or before it)."""
    current = [s for s in FEE_SCHEDULES if s.effective_from <= day]
    if not current:
        raise ValueError(f"no fee schedule in force on {day}")
    return max(current, key=lambda s: s.effective_from)


def tiered_fee(cumulative: Yen, schedule: FeeSchedule) -> Yen:
    """The project fee on a contract's whole `cumulative` amount; each tier's part rounded down."""
    if cumulative < 0:
        raise ValueError("cumulative amount cannot be negative")
    total = 0
    tiers = schedule.project_tiers
    for index, tier in enumerate(tiers):
        upper = tiers[index + 1].above if index + 1 < len(tiers) else None
        if cumulative <= tier.above:
            break
        part = (min(cumulative, upper) if upper is not None else cumulative) - tier.above
        total += apply_rate(part, tier.rate, rounding=ROUND_DOWN)
    return total


@dataclass(frozen=True)
class PlatformFee:
    """Hataraku's fee on one release and the consumption tax on that fee (one qualified invoice)."""

    fee: Yen
    tax: Yen

    @property
    def total(self) -> Yen:
        return self.fee + self.tax


def project_fee(*, amount: Yen, cumulative_before: Yen, schedule: FeeSchedule) -> PlatformFee:
    """Marginal tiered fee for releasing `amount` when `cumulative_before` was already released."""
    if amount < 0:
        raise ValueError("amount cannot be negative")
    fee_before = tiered_fee(cumulative_before, schedule)
    fee_after = tiered_fee(cumulative_before + amount, schedule)
    # The tax is 10 % of this release's fee, rounded down once: each release gets its own qualified invoice,
    # and an invoice's tax must follow from the amounts printed on it (one rounding per rate per document).
    # A contract paid in parts may so pay up to ¥1 less tax per release than one paid at once, never more.
    fee = fee_after - fee_before
    return PlatformFee(fee=fee, tax=consumption_tax(fee))


def task_fee(*, amount: Yen, schedule: FeeSchedule) -> PlatformFee:
    """Flat task-format fee, rounded down, plus its consumption tax, rounded down."""
    fee = apply_rate(amount, schedule.task_rate, rounding=ROUND_DOWN)
    return PlatformFee(fee=fee, tax=consumption_tax(fee))


# --- withholding income tax (源泉徴収) --------------------------------------------------------------------
#
# Income Tax Act art. 204 with the special reconstruction income tax: 10.21 % of one payment up to
# ¥1,000,000 and 20.42 % of the part above, i.e. (payment − 1,000,000) × 20.42 % + 102,100 yen; the total
# is rounded down to the yen once (国税庁 No.2795: 1円未満の端数は切り捨て).

WITHHOLDING_THRESHOLD: Yen = 1_000_000
WITHHOLDING_RATE_LOW = Decimal("0.1021")
WITHHOLDING_RATE_HIGH = Decimal("0.2042")


def withholding_tax(payment: Yen) -> Yen:
    """Withholding on one payment of `payment` yen."""
    if payment < 0:
        raise ValueError("payment cannot be negative")
    low = min(payment, WITHHOLDING_THRESHOLD)
    high = payment - low
    return int(
        (Decimal(low) * WITHHOLDING_RATE_LOW + Decimal(high) * WITHHOLDING_RATE_HIGH).quantize(
            Decimal(1), rounding=ROUND_DOWN
        )
    )


# --- one payment to a worker, split ------------------------------------------------------------------------
#
# The written terms promise these numbers and the ledger posts them, so both call `fee_breakdown`: a second
# copy of this arithmetic would let the contract say one net amount and the worker receive another.


@dataclass(frozen=True)
class FeeBreakdown:
    """How one tax-inclusive payment of `amount` to a worker splits: Hataraku's `fee` and the consumption tax
    on it (`fee_tax`), the withholding income tax the client keeps, and `net`, what reaches the worker's
    balance."""

    amount: Yen
    fee: Yen
    fee_tax: Yen
    withholding: Yen
    net: Yen

    @property
    def platform_fee(self) -> Yen:
        """The fee the worker bears, its consumption tax included."""
        return self.fee + self.fee_tax

    @property
    def consumption_tax(self) -> Yen:
        """The consumption tax contained in `amount` itself (every agreed amount is tax-inclusive)."""
        return included_consumption_tax(self.amount)

    @property
    def amount_excluding_tax(self) -> Yen:
        return self.amount - self.consumption_tax


def fee_breakdown(
    amount: Yen, *, withholding: bool, on: date, cumulative_before: Yen = 0, flat: bool = False
) -> FeeBreakdown:
    """Split a payment of `amount` to a worker released on `on` (its fee schedule).

    The fee is tiered and marginal on what the fee group (a contract) already released, `cumulative_before`
    (`project_fee`), or with `flat=True` the task rate (`task_fee`). `withholding` is the caller's decision
    that withholding income tax applies; it is computed on the whole payment (`withholding_tax`). `net`
    may come out negative only under a schedule whose fee exceeds the payment; the caller refuses that."""
    schedule = fee_schedule_on(on)
    if flat:
        fee = task_fee(amount=amount, schedule=schedule)
    else:
        fee = project_fee(amount=amount, cumulative_before=cumulative_before, schedule=schedule)
    withheld = withholding_tax(amount) if withholding else 0
    return FeeBreakdown(
        amount=amount,
        fee=fee.fee,
        fee_tax=fee.tax,
        withholding=withheld,
        net=amount - fee.fee - fee.tax - withheld,
    )
