"""The demo loader: contracts in each state and the cases met along the way, and idempotent."""

from __future__ import annotations

from typing import Any

import pytest

from hataraku.contracts import demo, services
from hataraku.contracts.constants import (
    MAX_RETURNS,
    AccommodationKind,
    AccommodationReason,
    AccommodationStatus,
    ChangeRequestStatus,
    ContractKind,
    ContractStatus,
    DisputeStatus,
    MilestoneStatus,
    WeekStatus,
)
from hataraku.contracts.models import (
    AccommodationRequest,
    ChangeRequest,
    Contract,
    Delivery,
    Dispute,
    HourlyWeek,
    Milestone,
    TimeEntry,
)
from hataraku.core.demo import ensure_people
from hataraku.ledger.models import Funding, Settlement
from hataraku.ledger.selectors import worker_balances
from hataraku.payments.models import ProviderFunding
from hataraku.payments.selectors import bank_transfers_waiting

pytestmark = pytest.mark.django_db


def _snapshot() -> dict[str, Any]:
    return {
        "contracts": sorted(Contract.objects.values_list("pk", "status", "total_amount")),
        "milestones": sorted(Milestone.objects.values_list("pk", "status", "due_date", "return_count")),
        "deliveries": Delivery.objects.count(),
        "weeks": sorted(HourlyWeek.objects.values_list("pk", "status")),
        "time": sorted(TimeEntry.objects.values_list("pk", "minutes")),
        "accommodations": sorted(AccommodationRequest.objects.values_list("pk", "status")),
        "changes": sorted(ChangeRequest.objects.values_list("pk", "status")),
        "fundings": sorted(Funding.objects.values_list("pk", "status")),
        "transfers": sorted(ProviderFunding.objects.values_list("pk", "funding__status")),
        "settlements": Settlement.objects.count(),
    }


def test_demo_loads_each_state_once():
    # given the personas
    people = ensure_people()
    # when the demo loads twice
    demo.load(people)
    first = _snapshot()
    demo.load(people)
    # then the second run changed nothing
    assert _snapshot() == first
    statuses = sorted(c.status for c in Contract.objects.all())
    assert statuses == sorted(
        [
            ContractStatus.OFFERED,
            ContractStatus.ACTIVE,  # delivered
            ContractStatus.ACTIVE,  # funded
            ContractStatus.ACTIVE,  # bank transfer waiting
            ContractStatus.ACTIVE,  # returned once
            ContractStatus.ACTIVE,  # returned twice, then a dispute
            ContractStatus.ACTIVE,  # hourly
            ContractStatus.ACTIVE,  # one milestone ended by agreement, the next still to come
            ContractStatus.COMPLETED,
            ContractStatus.CANCELLED,
        ]
    )
    assert Milestone.objects.filter(status=MilestoneStatus.DELIVERED).count() == 1
    assert Milestone.objects.filter(status=MilestoneStatus.FUNDED).count() == 1
    # and exactly one bank transfer waits in the staff's queue, its milestone waiting for it to be confirmed
    waiting = list(bank_transfers_waiting())
    assert len(waiting) == 1
    assert Milestone.objects.get(escrow=waiting[0].escrow).status == MilestoneStatus.FUNDING_REQUESTED
    # every other transfer was confirmed through the payments app, so no ledger funding is left pending
    assert Funding.objects.filter(status="pending").count() == 1
    # and 中村 さくら has earnings
    assert worker_balances(people["sakura"]).available > 0


def test_demo_has_the_cases_met_along_the_way():
    # given the demo loaded
    people = ensure_people()
    demo.load(people)

    # then an hourly contract has last week's time submitted, waiting for the client's review, and this
    # week still open with today's half hour; every entry lies after the contract became active
    hourly = Contract.objects.get(kind=ContractKind.HOURLY)
    assert hourly.status == ContractStatus.ACTIVE and hourly.worker == people["shota"]
    last_week, this_week = HourlyWeek.objects.filter(contract=hourly).order_by("week_start")
    assert last_week.status == WeekStatus.SUBMITTED and last_week.submitted_at is not None
    assert this_week.status == WeekStatus.OPEN
    entries = list(TimeEntry.objects.filter(week=last_week))
    assert len(entries) == len(demo.HOURLY_ENTRIES) and all(e.memo for e in entries)
    assert sum(e.minutes for e in entries) <= (hourly.weekly_hour_cap or 0) * 60
    assert hourly.activated_at is not None
    assert all(
        e.work_date >= services.contract_activated_on(hourly)  # type: ignore[operator]
        for e in TimeEntry.objects.filter(week__contract=hourly)
    )

    # and a milestone was returned once, with the reason on its delivery
    returned = Milestone.objects.get(status=MilestoneStatus.RETURNED)
    assert returned.return_count == 1
    assert Delivery.objects.get(milestone=returned).return_reason.startswith("3ページ目の見出し")

    # and 山本 健一 asked for an extension the client has not answered yet; his caregiving reason is kept
    # encrypted in his special-care notes, not on the request
    request = AccommodationRequest.objects.get(requested_by=people["kenichi"])
    assert (request.kind, request.status) == (AccommodationKind.EXTENSION, AccommodationStatus.PENDING)
    assert request.sensitive_reason is not None
    assert request.sensitive_reason.category == AccommodationReason.CAREGIVING
    assert request.requested_due_date > request.milestone.due_date  # type: ignore[union-attr,operator]

    # and the client proposed a change of terms that 中村 さくら has not answered; nothing changed yet
    change = ChangeRequest.objects.get()
    assert change.status == ChangeRequestStatus.PENDING
    assert change.proposed_by == people["hidamari"] and change.contract.worker == people["sakura"]
    ((mid, values),) = change.changes["milestones"].items()
    assert Milestone.objects.get(pk=int(mid)).due_date.isoformat() != values["due_date"]

    # and 佐藤 美咲, returned twice, asked staff to mediate: one open dispute, its escrow still held
    dispute = Dispute.objects.get()
    assert (dispute.status, dispute.opened_by) == (DisputeStatus.OPEN, people["misaki"])
    assert dispute.milestone is not None and dispute.milestone.status == MilestoneStatus.DISPUTED
    assert dispute.milestone.return_count == MAX_RETURNS
    assert dispute.previous_status == MilestoneStatus.RETURNED


def test_demo_has_a_cancellation_by_agreement_and_a_bonus():
    from hataraku.contracts.constants import BonusStatus, CancellationStatus
    from hataraku.contracts.models import Bonus, MilestoneCancellation
    from hataraku.ledger.constants import SettlementKind

    # given the demo loaded
    people = ensure_people()
    demo.load(people)

    # then 山本 健一 proposed to end a funded milestone with part of its fee, the client agreed, and the
    # escrow was split exactly as agreed: his part to him, the rest back to the client
    cancellation = MilestoneCancellation.objects.get()
    assert cancellation.status == CancellationStatus.ACCEPTED
    assert cancellation.proposed_by == people["kenichi"] and cancellation.responded_by == people["hidamari"]
    # (ended with part of its fee paid: released for that part, the rest refunded)
    assert cancellation.milestone.status == MilestoneStatus.RELEASED
    split = Settlement.objects.get(escrow=cancellation.milestone.escrow)
    assert split.kind == SettlementKind.SPLIT
    assert (split.worker_gross, split.client_amount) == (
        demo.CANCELLATION_WORKER_AMOUNT,
        cancellation.milestone.amount - demo.CANCELLATION_WORKER_AMOUNT,
    )
    assert cancellation.contract.status == ContractStatus.ACTIVE

    # and the client gave 中村 さくら a bonus, paid to her with the fee taken as on any release
    bonus = Bonus.objects.get()
    assert bonus.status == BonusStatus.PAID and bonus.contract.worker == people["sakura"]
    paid = Settlement.objects.get(escrow=bonus.escrow)
    assert paid.worker_gross == demo.BONUS_AMOUNT and paid.fee > 0
