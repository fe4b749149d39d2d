"""Fee, consumption-tax and withholding maths (hataraku.core.money) at every boundary."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hataraku.core.money import (
    FEE_SCHEDULES,
    FeeSchedule,
    FeeTier,
    fee_breakdown,
    fee_schedule_on,
    project_fee,
    task_fee,
    tiered_fee,
    withholding_tax,
)

SCHEDULE = fee_schedule_on(dt.date(2026, 12, 1))


@pytest.mark.parametrize(
    ("cumulative", "fee"),
    [
        (0, 0),
        (1, 0),  # 0.2 yen rounds down
        (5, 1),
        (100_000, 20_000),
        (100_001, 20_000),  # 20,000 + 0.1 → rounded down
        (100_010, 20_001),
        (200_000, 30_000),
        (200_001, 30_000),  # 30,000 + 0.05 → rounded down
        (200_020, 30_001),
        (300_000, 35_000),
        (1_000_000, 70_000),
    ],
)
def test_tiered_fee_at_boundaries(cumulative: int, fee: int) -> None:
    # given the schedule in force / when the fee on a cumulative amount is computed / then:
    assert tiered_fee(cumulative, SCHEDULE) == fee


@pytest.mark.parametrize(
    ("amount", "fee", "tax"),
    [(100_000, 20_000, 2_000), (100_001, 20_000, 2_000), (200_000, 30_000, 3_000), (200_001, 30_000, 3_000)],
)
def test_single_release_fee_and_tax_shown_separately(amount: int, fee: int, tax: int) -> None:
    # given a first release of `amount` on a new contract
    # when its fee is computed
    breakdown = project_fee(amount=amount, cumulative_before=0, schedule=SCHEDULE)
    # then the fee and the 10 % consumption tax on it are separate numbers
    assert (breakdown.fee, breakdown.tax, breakdown.total) == (fee, tax, fee + tax)


@pytest.mark.parametrize(
    "parts",
    [
        [50_000, 50_000, 100_000, 1],
        [99_999, 2, 100_000],
        [150_000, 100_000],
        [33_333, 33_333, 33_334, 100_001, 7],
        [1] * 50 + [200_000],
    ],
)
def test_split_releases_cost_the_same_fee_and_each_invoice_has_its_own_tax(parts: list[int]) -> None:
    # given a contract released in several parts that cross the tiers
    cumulative = 0
    fees = taxes = 0
    for part in parts:
        # when each part's marginal fee is computed
        b = project_fee(amount=part, cumulative_before=cumulative, schedule=SCHEDULE)
        # then the tax on it is 10 % of that part's fee, rounded down (what its qualified invoice prints)
        assert b.tax == b.fee * 10 // 100
        fees += b.fee
        taxes += b.tax
        cumulative += part
    # and the fees add up to the fee of one release of the whole amount; the tax is never more than that
    # release's tax and at most ¥1 less per extra release (each invoice rounds down once)
    whole = project_fee(amount=sum(parts), cumulative_before=0, schedule=SCHEDULE)
    assert fees == whole.fee
    assert whole.tax - (len(parts) - 1) <= taxes <= whole.tax


def test_a_tiny_release_after_a_rounded_one_carries_no_rounding_over() -> None:
    # given a first release whose fee is ¥10,005 (tax ¥1,000.5 → ¥1,000)
    first = project_fee(amount=50_025, cumulative_before=0, schedule=SCHEDULE)
    assert (first.fee, first.tax) == (10_005, 1_000)
    # when ¥25 more is released (fee ¥5)
    second = project_fee(amount=25, cumulative_before=50_025, schedule=SCHEDULE)
    # then its invoice shows fee ¥5 and tax ¥0 (10 % of ¥5 rounded down), not the ¥1 left over from before
    assert (second.fee, second.tax) == (5, 0)


@given(st.lists(st.integers(min_value=1, max_value=400_000), min_size=1, max_size=12))
def test_split_releases_property(parts: list[int]) -> None:
    # given any split / when released part by part / then the fees total one release's fee, and each tax is
    # its own fee's 10 % rounded down, so the total tax is within ¥1 per release below one release's tax
    cumulative = fees = taxes = 0
    for part in parts:
        b = project_fee(amount=part, cumulative_before=cumulative, schedule=SCHEDULE)
        assert b.fee >= 0 and b.tax == b.fee * 10 // 100
        fees, taxes, cumulative = fees + b.fee, taxes + b.tax, cumulative + part
    whole = project_fee(amount=sum(parts), cumulative_before=0, schedule=SCHEDULE)
    assert fees == whole.fee
    assert whole.tax - (len(parts) - 1) <= taxes <= whole.tax


def test_task_fee_is_flat_twenty_percent_rounded_down() -> None:
    # given / when / then: 20 % of 1,234 = 246.8 → 246; tax 24.6 → 24
    b = task_fee(amount=1_234, schedule=SCHEDULE)
    assert (b.fee, b.tax) == (246, 24)


@pytest.mark.parametrize(
    ("payment", "tax"),
    [
        (0, 0),
        (10_000, 1_021),
        (10_009, 1_021),  # 1,021.91 → rounded down
        (999_999, 102_099),  # 102,099.89 → 102,099
        (1_000_000, 102_100),
        (1_000_001, 102_100),  # + 0.2042 → rounded down
        (1_000_005, 102_101),
        (2_000_000, 306_300),
    ],
)
def test_withholding_at_the_million_yen_boundary(payment: int, tax: int) -> None:
    # given a single payment / when withholding is computed / then 10.21 % up to ¥1M, 20.42 % above
    assert withholding_tax(payment) == tax


def test_schedule_is_chosen_by_effective_date() -> None:
    # given a later schedule with other rates
    later = FeeSchedule(
        effective_from=dt.date(2030, 4, 1),
        project_tiers=(FeeTier(above=0, rate=Decimal("0.15")),),
        task_rate=Decimal("0.15"),
    )
    schedules = (*FEE_SCHEDULES, later)
    # when / then: days before it use the first one; the day itself uses the new one
    import hataraku.core.money as money

    original = money.FEE_SCHEDULES
    money.FEE_SCHEDULES = schedules
    try:
        assert fee_schedule_on(dt.date(2030, 3, 31)) is original[0]
        assert fee_schedule_on(dt.date(2030, 4, 1)) is later
        with pytest.raises(ValueError):
            fee_schedule_on(dt.date(2020, 1, 1))
    finally:
        money.FEE_SCHEDULES = original


@pytest.mark.parametrize(
    ("amount", "before", "withholding", "flat", "expected"),
    [
        # 20 % of 33,000 = 6,600, tax 660; no withholding
        (33_000, 0, False, False, (6_600, 660, 0, 33_000 - 7_260)),
        # 20 % of 30,001 = 6,000.2 → 6,000, tax 600; withholding 10.21 % = 3,063.1 → 3,063
        (30_001, 0, True, False, (6_000, 600, 3_063, 30_001 - 6_600 - 3_063)),
        # ¥100,000 already released: 10 % of 50,000 = 5,000, tax 500
        (50_000, 100_000, False, False, (5_000, 500, 0, 44_500)),
        # task plan: flat 20 % of 1,234 = 246.8 → 246, tax 24, whatever was released before
        (1_234, 500_000, True, True, (246, 24, 125, 1_234 - 270 - 125)),
    ],
)
def test_fee_breakdown_splits_one_payment(
    amount: int, before: int, withholding: bool, flat: bool, expected: tuple[int, int, int, int]
) -> None:
    # given a payment / when it is split as the ledger releases it and the terms print it
    split = fee_breakdown(
        amount, withholding=withholding, cumulative_before=before, flat=flat, on=dt.date(2026, 12, 1)
    )
    # then fee, fee tax, withholding and net are these, and the parts add back up to the payment
    assert (split.fee, split.fee_tax, split.withholding, split.net) == expected
    assert split.amount == amount == split.net + split.platform_fee + split.withholding
    assert split.consumption_tax == amount * 10 // 110
    assert split.amount_excluding_tax == amount - split.consumption_tax
