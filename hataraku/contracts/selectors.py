"""Reads with rules. Only the two parties see a contract; staff see disputes and overdue accommodation
requests through their own pages."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Q, QuerySet

from hataraku.accounts.models import User
from hataraku.core import clock
from hataraku.core.errors import NotFound
from hataraku.core.money import FeeBreakdown
from hataraku.ledger.constants import FundingStatus
from hataraku.ledger.previews import release_preview
from hataraku.payments.models import ProviderFunding

from .constants import AccommodationStatus, ContractStatus, DisputeStatus, MilestoneStatus, WeekStatus
from .models import (
    AccommodationRequest,
    Bonus,
    ChangeRequest,
    Contract,
    DeliveryFile,
    Dispute,
    HourlyWeek,
    Milestone,
    MilestoneCancellation,
    TimeCorrection,
)


def contracts_for(user: User) -> QuerySet[Contract]:
    if user is None or not user.is_authenticated:
        return Contract.objects.none()
    return (
        Contract.objects.filter(Q(client=user) | Q(worker=user))
        .select_related("client", "worker", "job")
        .order_by("-created_at", "-id")
    )


def access_contract(user: User, contract_id: Any) -> Contract:
    """The contract if `user` is one of its two parties; 404 alike for missing and forbidden."""
    try:
        pk = int(contract_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    contract = contracts_for(user).filter(pk=pk).first()
    if contract is None:
        raise NotFound()
    return contract


def access_milestone(user: User, contract_id: Any, milestone_id: Any) -> Milestone:
    contract = access_contract(user, contract_id)
    milestone = contract.milestones.filter(pk=milestone_id).select_related("escrow").first()
    if milestone is None:
        raise NotFound()
    milestone.contract = contract
    return milestone


def access_week(user: User, contract_id: Any, week_id: Any) -> HourlyWeek:
    """An hourly week of a contract `user` is a party to; 404 alike for missing and forbidden."""
    contract = access_contract(user, contract_id)
    try:
        pk = int(week_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    week = contract.weeks.filter(pk=pk).first()
    if week is None:
        raise NotFound()
    week.contract = contract
    return week


def access_change_request(user: User, contract_id: Any, change_id: Any) -> ChangeRequest:
    """A change request on a contract `user` is a party to; 404 alike for missing and forbidden."""
    contract = access_contract(user, contract_id)
    found = contract.change_requests.filter(pk=change_id).first()
    if found is None:
        raise NotFound()
    return found


def access_cancellation(user: User, contract_id: Any, cancellation_id: Any) -> MilestoneCancellation:
    """A proposal to end a milestone early, on a contract `user` is a party to; 404 alike for missing and
    forbidden."""
    contract = access_contract(user, contract_id)
    try:
        pk = int(cancellation_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    found = contract.cancellations.select_related("milestone", "proposed_by").filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def access_bonus(user: User, contract_id: Any, bonus_id: Any) -> Bonus:
    """A bonus on a contract `user` is a party to; 404 alike for missing and forbidden."""
    contract = access_contract(user, contract_id)
    try:
        pk = int(bonus_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    found = contract.bonuses.filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def access_accommodation_request(user: User, contract_id: Any, request_id: Any) -> AccommodationRequest:
    """An accommodation request on a contract `user` is a party to; 404 alike for missing and forbidden."""
    contract = access_contract(user, contract_id)
    found = contract.accommodations.filter(pk=request_id).first()
    if found is None:
        raise NotFound()
    return found


def access_time_correction(user: User, contract_id: Any, week_id: Any, correction_id: Any) -> TimeCorrection:
    """A proposed time correction on a week of a contract `user` is a party to; 404 alike for missing and
    forbidden."""
    week = access_week(user, contract_id, week_id)
    found = week.corrections.filter(pk=correction_id).first()
    if found is None:
        raise NotFound()
    found.week = week
    return found


def access_delivery_file(user: User, contract_id: Any, file_id: Any) -> DeliveryFile:
    """A delivered file of a contract `user` is a party to; 404 alike for missing and forbidden."""
    contract = access_contract(user, contract_id)
    found = DeliveryFile.objects.filter(pk=file_id, delivery__milestone__contract=contract).first()
    if found is None:
        raise NotFound()
    return found


def fundings_waiting(
    *, milestones: Sequence[Milestone], weeks: Sequence[HourlyWeek], bonuses: Sequence[Bonus] = ()
) -> dict[int, ProviderFunding]:
    """Escrow id → the client's funding still waiting for the money (a bank transfer with its 受付番号, or a
    card payment on Stripe Checkout), so the contract page can send the client on to it."""
    # PENDING with an escrow too: a voided funding leaves it there until the client pays another way.
    asking = (MilestoneStatus.PENDING, MilestoneStatus.FUNDING_REQUESTED)
    escrow_ids = [m.escrow_id for m in milestones if m.status in asking and m.escrow_id]
    escrow_ids += [w.escrow_id for w in weeks if w.escrow_id and not w.released_at]
    escrow_ids += [b.escrow_id for b in bonuses if b.escrow_id and not b.released_at]
    if not escrow_ids:
        return {}
    waiting = ProviderFunding.objects.filter(
        escrow_id__in=escrow_ids, funding__status=FundingStatus.PENDING
    ).order_by("id")
    return {pf.escrow_id: pf for pf in waiting}


def is_completed(contract: Contract) -> bool:
    return contract.status == ContractStatus.COMPLETED


def access_dispute_for_staff(user: User, dispute_id: Any) -> Dispute:
    if not getattr(user, "is_staff", False):
        raise NotFound()
    dispute = (
        Dispute.objects.select_related(
            "contract__client", "contract__worker", "milestone", "week", "opened_by"
        )
        .filter(pk=dispute_id)
        .first()
    )
    if dispute is None:
        raise NotFound()
    return dispute


def disputes_open() -> QuerySet[Dispute]:
    return (
        Dispute.objects.filter(status=DisputeStatus.OPEN)
        .select_related("contract__client", "contract__worker", "milestone", "week", "opened_by")
        .order_by("created_at", "id")
    )


def weeks_payment_late() -> QuerySet[HourlyWeek]:
    """Hourly weeks the client approved (or the platform approved for them) whose money has not arrived:
    the terms promised payment on approval, so each is late. Oldest Freelance Act limit first."""
    return (
        HourlyWeek.objects.filter(
            status__in=[WeekStatus.BILLED, WeekStatus.RESOLVED],
            released_at__isnull=True,
            escrow__isnull=False,
            billed_amount__gt=0,
        )
        .select_related("contract__client", "contract__worker")
        .order_by("week_start", "id")
    )


def accommodations_overdue() -> QuerySet[AccommodationRequest]:
    """Requests the client has not answered within ACCOMMODATION_ANSWER_DAYS: staff follow these up."""
    return (
        AccommodationRequest.objects.filter(status=AccommodationStatus.PENDING, answer_due_at__lt=clock.now())
        .select_related("contract__client", "contract__worker", "milestone")
        .order_by("answer_due_at", "id")
    )


def milestone_payment_preview(milestone: Milestone) -> FeeBreakdown:
    """What paying `milestone` today splits into — the worker's fee, its tax, withholding and take-home —
    by the ledger's own preview (`ledger.previews.release_preview`, on what this contract already paid),
    for the summary shown before funding or accepting. The release computes it again under its locks."""
    contract = milestone.contract
    return release_preview(
        fee_group=f"contract:{contract.pk}", amount=milestone.amount, withholding=contract.withholding
    )
