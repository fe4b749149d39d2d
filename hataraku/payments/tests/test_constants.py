"""The payout state machine: the exact allowed moves, and a refused move through the service."""

from __future__ import annotations

import pytest

from hataraku.core import state
from hataraku.core.errors import InvalidTransition
from hataraku.payments import services
from hataraku.payments.constants import PAYOUT_MACHINE, PAYOUT_TRANSITIONS, PayoutStatus
from hataraku.payments.models import Payout

from .factories import BankAccountFactory, give_balance, key

ALLOWED = {
    # a suspended worker's payout waits for staff review, then joins the queue
    (PayoutStatus.HELD, PayoutStatus.REQUESTED),
    (PayoutStatus.REQUESTED, PayoutStatus.BATCHED),
    (PayoutStatus.BATCHED, PayoutStatus.PAID),
    (PayoutStatus.BATCHED, PayoutStatus.FAILED),
}


def test_the_machine_is_the_payouts():
    assert state.machine_for(Payout) is PAYOUT_MACHINE
    assert PAYOUT_MACHINE.initial == {PayoutStatus.REQUESTED, PayoutStatus.HELD}
    assert set(PAYOUT_TRANSITIONS) == set(PayoutStatus.values)


@pytest.mark.parametrize("current", PayoutStatus.values)
@pytest.mark.parametrize("target", PayoutStatus.values)
def test_only_the_listed_moves_are_allowed(current, target):
    assert PAYOUT_MACHINE.allows(current, target) == ((current, target) in ALLOWED)


def test_paid_and_failed_are_final():
    assert PAYOUT_TRANSITIONS[PayoutStatus.PAID] == frozenset()
    assert PAYOUT_TRANSITIONS[PayoutStatus.FAILED] == frozenset()


@pytest.mark.django_db
def test_a_refused_move_through_the_service_changes_nothing(worker, staff):
    # given a payout only requested, not batched yet
    BankAccountFactory(worker=worker)
    give_balance(worker, 50_000)
    payout = services.payout_request(worker=worker, amount=3_000, idempotency_key=key())
    # when staff mark it paid
    with pytest.raises(InvalidTransition) as refused:
        services.payout_mark_paid(payout=payout, actor=staff, idempotency_key=key())
    # then the machine refuses it, naming both states, and the payout stays requested
    assert "申請済み" in refused.value.message and "振込完了" in refused.value.message
    payout.refresh_from_db()
    assert payout.status == PayoutStatus.REQUESTED and payout.hold.final_entry is None
