"""The state machines of the contracts app: each table written out move by move, and one refused move
through a service for each."""

from __future__ import annotations

import pytest

from hataraku.contracts import services
from hataraku.contracts.constants import (
    ACCOMMODATION_MACHINE,
    BONUS_MACHINE,
    CANCELLATION_MACHINE,
    CHANGE_REQUEST_MACHINE,
    CONTRACT_MACHINE,
    DISPUTE_MACHINE,
    MILESTONE_MACHINE,
    TIME_CORRECTION_MACHINE,
    WEEK_MACHINE,
    AccommodationKind,
    AccommodationStatus,
    BonusStatus,
    CancellationStatus,
    ChangeRequestStatus,
    ContractStatus,
    DisputeStatus,
    MilestoneStatus,
    TimeCorrectionStatus,
    WeekStatus,
)
from hataraku.contracts.models import HourlyWeek
from hataraku.contracts.tests.factories import StaffFactory, active_contract, funded_milestone, key
from hataraku.core import clock, state
from hataraku.core.errors import InvalidTransition

C, M, W = ContractStatus, MilestoneStatus, WeekStatus


def _moves(machine: state.StateMachine) -> set[tuple[str, str]]:
    return {(source, target) for source, targets in machine.table.items() for target in targets}


def test_contract_table() -> None:
    # only an offer nobody is bound by can be cancelled; an agreed contract ends completed
    assert _moves(CONTRACT_MACHINE) == {
        (C.OFFERED, C.AGREED),
        (C.OFFERED, C.CANCELLED),
        (C.AGREED, C.ACTIVE),
        (C.ACTIVE, C.COMPLETED),
    }
    assert CONTRACT_MACHINE.initial == {C.OFFERED}


def test_milestone_table() -> None:
    # no work before the money is held; a funding on its way waits in funding_requested, and goes back
    # to pending if it is voided; a dispute ends released or cancelled
    assert _moves(MILESTONE_MACHINE) == {
        (M.PENDING, M.FUNDING_REQUESTED),
        (M.PENDING, M.FUNDED),
        (M.PENDING, M.CANCELLED),
        (M.FUNDING_REQUESTED, M.FUNDED),
        (M.FUNDING_REQUESTED, M.PENDING),
        (M.FUNDED, M.DELIVERED),
        (M.FUNDED, M.DISPUTED),
        (M.DELIVERED, M.ACCEPTED),
        (M.DELIVERED, M.RETURNED),
        (M.DELIVERED, M.DISPUTED),
        (M.RETURNED, M.DELIVERED),
        (M.RETURNED, M.DISPUTED),
        # ended early by both parties' agreement (services.cancellation_answer)
        (M.FUNDED, M.RELEASED),
        (M.FUNDED, M.CANCELLED),
        (M.DELIVERED, M.RELEASED),
        (M.DELIVERED, M.CANCELLED),
        (M.RETURNED, M.RELEASED),
        (M.RETURNED, M.CANCELLED),
        (M.ACCEPTED, M.RELEASED),
        (M.DISPUTED, M.RELEASED),
        (M.DISPUTED, M.CANCELLED),
    }
    assert MILESTONE_MACHINE.initial == {M.PENDING}


def test_week_table() -> None:
    # billed is approved but not yet paid; paid once the money reached the worker
    assert _moves(WEEK_MACHINE) == {
        (W.OPEN, W.SUBMITTED),
        (W.OPEN, W.BILLED),
        (W.OPEN, W.DISPUTED),
        (W.SUBMITTED, W.BILLED),
        (W.SUBMITTED, W.CORRECTION),
        (W.SUBMITTED, W.DISPUTED),
        (W.CORRECTION, W.SUBMITTED),
        (W.CORRECTION, W.BILLED),
        (W.CORRECTION, W.DISPUTED),
        (W.BILLED, W.PAID),
        (W.DISPUTED, W.RESOLVED),
        (W.RESOLVED, W.PAID),
    }
    assert WEEK_MACHINE.initial == {W.OPEN}


def test_time_correction_table() -> None:
    T = TimeCorrectionStatus
    assert _moves(TIME_CORRECTION_MACHINE) == {
        (T.PENDING, T.ACCEPTED),
        (T.PENDING, T.DECLINED),
        (T.PENDING, T.LAPSED),
    }
    assert TIME_CORRECTION_MACHINE.initial == {T.PENDING}


def test_change_request_table() -> None:
    R = ChangeRequestStatus
    assert _moves(CHANGE_REQUEST_MACHINE) == {(R.PENDING, R.ACCEPTED), (R.PENDING, R.REJECTED)}
    # an extension the client grants is written as a change request already accepted
    assert CHANGE_REQUEST_MACHINE.initial == {R.PENDING, R.ACCEPTED}


def test_accommodation_table() -> None:
    A = AccommodationStatus
    assert _moves(ACCOMMODATION_MACHINE) == {(A.PENDING, A.ACCEPTED), (A.PENDING, A.DECLINED)}
    assert ACCOMMODATION_MACHINE.initial == {A.PENDING}


def test_dispute_table() -> None:
    assert _moves(DISPUTE_MACHINE) == {(DisputeStatus.OPEN, DisputeStatus.DECIDED)}
    assert DISPUTE_MACHINE.initial == {DisputeStatus.OPEN}


def test_cancellation_table() -> None:
    X = CancellationStatus
    # agreed by both or not at all; the proposer may withdraw; a proposal overtaken by events lapses
    assert _moves(CANCELLATION_MACHINE) == {
        (X.PENDING, X.ACCEPTED),
        (X.PENDING, X.DECLINED),
        (X.PENDING, X.WITHDRAWN),
        (X.PENDING, X.LAPSED),
    }
    assert CANCELLATION_MACHINE.initial == {X.PENDING}


def test_bonus_table() -> None:
    B = BonusStatus
    assert _moves(BONUS_MACHINE) == {(B.AWAITING_PAYMENT, B.PAID), (B.AWAITING_PAYMENT, B.WITHDRAWN)}
    assert BONUS_MACHINE.initial == {B.AWAITING_PAYMENT}


def test_the_honest_labels() -> None:
    # a billed week is not called paid while the client's money has not come
    assert str(WeekStatus.BILLED.label) == "承認済み・お支払い待ち"
    assert str(WeekStatus.PAID.label) == "支払い済み"
    assert str(MilestoneStatus.FUNDING_REQUESTED.label) == "入金の確認待ち"


# --- one refused move through a service, per machine ---------------------------------------------------


@pytest.mark.django_db
def test_a_contract_cannot_be_agreed_twice_through_the_helper() -> None:
    contract = active_contract()
    with pytest.raises(InvalidTransition) as exc:
        services.contract_transition(contract=contract, target=C.AGREED, actor=contract.client)
    assert exc.value.data["current"] == C.ACTIVE and "進行中" in exc.value.message


@pytest.mark.django_db
def test_a_pending_milestone_cannot_be_delivered() -> None:
    contract = active_contract()
    milestone = contract.milestones.get()
    with pytest.raises(InvalidTransition):
        services.milestone_transition(milestone=milestone, target=M.DELIVERED, actor=contract.worker)
    milestone.refresh_from_db()
    assert milestone.status == M.PENDING


@pytest.mark.django_db
def test_a_billed_week_cannot_be_disputed() -> None:
    contract = active_contract(hourly=True)
    services.time_entry_add(
        contract=contract, actor=contract.worker, work_date=clock.today(), minutes=60, memo="入力"
    )
    week = HourlyWeek.objects.get()
    services.week_submit(week=week, actor=contract.worker)
    services.week_approve(week=week, actor=contract.client, idempotency_key=key())
    week.refresh_from_db()
    assert week.status == W.BILLED
    with pytest.raises(InvalidTransition):
        services.dispute_open(contract=contract, actor=contract.worker, reason="不満", week=week)


@pytest.mark.django_db
def test_a_time_correction_is_answered_once() -> None:
    contract = active_contract(hourly=True)
    entry = services.time_entry_add(
        contract=contract, actor=contract.worker, work_date=clock.today(), minutes=60, memo="入力"
    )
    services.week_submit(week=entry.week, actor=contract.worker)
    correction = services.time_correction_propose(
        week=entry.week, actor=contract.worker, reason="直し", entries={entry.pk: 30}
    )
    services.time_correction_answer(correction=correction, actor=contract.client, accept=False)
    with pytest.raises(InvalidTransition):
        services.time_correction_answer(correction=correction, actor=contract.client, accept=True)
    assert correction.status == TimeCorrectionStatus.DECLINED


@pytest.mark.django_db
def test_a_change_request_is_answered_once() -> None:
    contract = active_contract()
    milestone = contract.milestones.get()
    cr = services.change_request_propose(
        contract=contract, actor=contract.client, changes={"milestones": {str(milestone.pk): {"title": "新"}}}
    )
    services.change_request_answer(change_request=cr, actor=contract.worker, accept=False)
    with pytest.raises(InvalidTransition):
        services.change_request_answer(change_request=cr, actor=contract.worker, accept=True)
    assert cr.status == ChangeRequestStatus.REJECTED


@pytest.mark.django_db
def test_an_accommodation_request_is_answered_once() -> None:
    contract = active_contract()
    request = services.accommodation_request(
        contract=contract, actor=contract.worker, kind=AccommodationKind.PAUSE
    )
    services.accommodation_answer(request=request, actor=contract.client, accept=False, message="難しいです")
    with pytest.raises(InvalidTransition):
        services.accommodation_answer(request=request, actor=contract.client, accept=True)
    assert request.status == AccommodationStatus.DECLINED


@pytest.mark.django_db
def test_a_dispute_is_decided_once() -> None:
    milestone = funded_milestone()
    dispute = services.dispute_open(
        contract=milestone.contract, actor=milestone.contract.worker, reason="相談", milestone=milestone
    )
    staff = StaffFactory()
    services.dispute_decide(dispute=dispute, actor=staff, worker_amount=0, note="返金", idempotency_key=key())
    with pytest.raises(InvalidTransition):
        services.dispute_decide(
            dispute=dispute, actor=staff, worker_amount=1, note="別", idempotency_key=key()
        )
    assert dispute.status == DisputeStatus.DECIDED


@pytest.mark.django_db
def test_a_cancellation_is_withdrawn_only_while_pending() -> None:
    milestone = funded_milestone()
    contract = milestone.contract
    proposal = services.cancellation_propose(
        milestone=milestone, actor=contract.client, worker_amount=0, reason="中止", idempotency_key=key()
    )
    services.cancellation_answer(cancellation=proposal, actor=contract.worker, accept=False)
    with pytest.raises(InvalidTransition):
        services.cancellation_withdraw(cancellation=proposal, actor=contract.client)
    proposal.refresh_from_db()
    assert proposal.status == CancellationStatus.DECLINED


@pytest.mark.django_db
def test_a_paid_bonus_cannot_be_withdrawn() -> None:
    from hataraku.contracts.tests.factories import post_escrow_funding

    contract = active_contract()
    bonus = services.bonus_give(
        contract=contract, actor=contract.client, amount=1_000, message="", idempotency_key=key()
    )
    post_escrow_funding(bonus.escrow)
    assert services.bonus_sync_release(bonus=bonus) is True
    with pytest.raises(InvalidTransition):
        services.bonus_withdraw(bonus=bonus, actor=contract.client)
    bonus.refresh_from_db()
    assert bonus.status == BonusStatus.PAID
