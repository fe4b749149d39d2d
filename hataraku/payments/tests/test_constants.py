from __future__ import annotations

import pytest

from hataraku.payments.constants import PAYOUT_TRANSITIONS, PayoutStatus, payout_can_move

ALLOWED = {
    (PayoutStatus.REQUESTED, PayoutStatus.BATCHED),
    (PayoutStatus.BATCHED, PayoutStatus.PAID),
    (PayoutStatus.BATCHED, PayoutStatus.FAILED),
}


def test_every_status_has_a_row():
    assert set(PAYOUT_TRANSITIONS) == set(PayoutStatus.values)


@pytest.mark.parametrize("current", PayoutStatus.values)
@pytest.mark.parametrize("target", PayoutStatus.values)
def test_only_the_listed_moves_are_allowed(current, target):
    assert payout_can_move(current, target) == ((current, target) in ALLOWED)


def test_paid_and_failed_are_final():
    assert PAYOUT_TRANSITIONS[PayoutStatus.PAID] == frozenset()
    assert PAYOUT_TRANSITIONS[PayoutStatus.FAILED] == frozenset()
