"""Money rules that a one-line change once slipped past (issue 7, item 10). Each test pins one rule with
amounts whose expected values are worked out by hand (or in plain integer maths) in the test itself, so the
threshold, the rounding mode or the set of settlements counted cannot drift without a failure."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hataraku.contracts.services import week_amount
from hataraku.core.money import fee_schedule_on, project_fee, task_fee, tiered_fee, withholding_tax
from hataraku.ledger import services
from hataraku.ledger.constants import FeePlan
from hataraku.ledger.models import Settlement

from .factories import WorkerFactory, fund, key, open_escrow

SCHEDULE = fee_schedule_on(dt.date(2026, 12, 1))


# --- withholding: 10.21 % up to ¥1,000,000 of one payment, 20.42 % above, rounded down once --------------


@pytest.mark.parametrize(
    ("payment", "tax"),
    [
        # 1,000,000 × 10.21 % = 102,100 exactly
        (1_000_000, 102_100),
        # 102,100 + 1 × 20.42 % (0.2042) = 102,100.2042 → 102,100
        (1_000_001, 102_100),
        # 102,100 + 24 × 0.2042 (4.9008) = 102,104.9008 → 102,104 (a threshold of 999,999 gives 102,105)
        (1_000_024, 102_104),
        # 102,100 + 29 × 0.2042 (5.9218) = 102,105.9218 → 102,105 (a threshold of 999,999 gives 102,106)
        (1_000_029, 102_105),
        # 102,100 + 499 × 0.2042 (101.8958) = 102,201.8958 → 102,201
        (1_000_499, 102_201),
    ],
)
def test_withholding_just_over_the_million_yen_threshold(payment: int, tax: int) -> None:
    # given one payment just over ¥1,000,000 / when its withholding is computed / then (worked out above)
    assert withholding_tax(payment) == tax


@given(st.integers(min_value=990_000, max_value=1_010_000))
def test_withholding_near_the_threshold_matches_integer_maths(payment: int) -> None:
    # given any payment near the threshold
    # when its withholding is computed
    # then it is (low part × 1021 + high part × 2042) / 10000, rounded down, with the step at exactly
    # ¥1,000,000 (integer maths: no Decimal, no rate table)
    low, high = min(payment, 1_000_000), max(payment - 1_000_000, 0)
    assert withholding_tax(payment) == (low * 1021 + high * 2042) // 10_000


# --- fee tiers round each tier's part down, even at a fraction of .5 or more ------------------------------


@pytest.mark.parametrize(
    ("cumulative", "fee"),
    [
        (3, 0),  # 3 × 20 % = 0.6 → 0
        (7, 1),  # 1.4 → 1
        (9, 1),  # 1.8 → 1
        (100_005, 20_000),  # 20,000 + 5 × 10 % (0.5) → 20,000
        (100_009, 20_000),  # 20,000 + 0.9 → 20,000
        (200_010, 30_000),  # 30,000 + 10 × 5 % (0.5) → 30,000
        (200_019, 30_000),  # 30,000 + 0.95 → 30,000
    ],
)
def test_each_fee_tier_rounds_down_even_at_half_a_yen_or_more(cumulative: int, fee: int) -> None:
    # given the schedule in force / when the fee on a cumulative amount with a fraction ≥ .5 is computed
    # then each tier's part is rounded down
    assert tiered_fee(cumulative, SCHEDULE) == fee


def test_a_release_whose_fee_has_a_large_fraction_is_rounded_down() -> None:
    # given a first release of ¥100,009 (fee 20,000 + 0.9, tax 10 % of the fee)
    # when its fee is computed
    b = project_fee(amount=100_009, cumulative_before=0, schedule=SCHEDULE)
    # then fee ¥20,000 and tax ¥2,000
    assert (b.fee, b.tax) == (20_000, 2_000)
    # and a task fee of 20 % of ¥99 (19.8) is ¥19, its tax 1.9 → ¥1
    t = task_fee(amount=99, schedule=SCHEDULE)
    assert (t.fee, t.tax) == (19, 1)


# --- an hourly week's amount: minutes × rate / 60, rounded down to the yen --------------------------------


@pytest.mark.parametrize(
    ("minutes", "rate", "amount"),
    [
        (1, 50, 0),  # 50 / 60 = 0.83 → 0
        (7, 1_000, 116),  # 7,000 / 60 = 116.67 → 116
        (90, 1_001, 1_501),  # 90,090 / 60 = 1,501.5 → 1,501
        (125, 1_500, 3_125),  # exact: 187,500 / 60
        (59, 2_999, 2_949),  # 176,941 / 60 = 2,949.02 → 2,949
    ],
)
def test_an_hourly_weeks_amount_is_rounded_down(minutes: int, rate: int, amount: int) -> None:
    # given minutes logged at an hourly rate / when the week's amount is computed / then rounded down
    assert week_amount(minutes=minutes, hourly_rate=rate) == amount


# --- a reversed settlement no longer counts toward the fee tiers -----------------------------------------


@pytest.mark.django_db
def test_a_reversed_release_does_not_count_toward_the_fee_tiers() -> None:
    # given a contract whose first ¥100,000 release (fee 20 %: ¥20,000) was reversed as a mistake
    worker = WorkerFactory()
    escrow = open_escrow(worker=worker, fee_plan=FeePlan.PROJECT_TIERED)
    fund(escrow, 100_000)
    first = services.escrow_release(
        escrow=escrow, amount=100_000, worker=worker, actor=None, idempotency_key=key()
    )
    assert first.fee == 20_000
    services.entry_reverse(entry=first.entry, actor=None, idempotency_key=key())
    # when the same ¥100,000 is released again
    again = services.escrow_release(
        escrow=escrow, amount=100_000, worker=worker, actor=None, idempotency_key=key()
    )
    # then it pays the first tier's 20 % again (¥20,000), not the second tier's 10 % (¥10,000): the
    # reversed release never happened as far as the fee is concerned
    assert again.fee == 20_000 and again.fee_tax == 2_000
    assert Settlement.objects.filter(escrow=escrow).count() == 2
