"""The contract list, the contract page both parties work from, and ending an hourly contract."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Prefetch, Sum
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hataraku.accounts.types import AuthedRequest
from hataraku.core.permissions import role_required

from .. import selectors, services
from ..constants import (
    AccommodationStatus,
    BonusStatus,
    CancellationStatus,
    ChangeRequestStatus,
    ContractKind,
    ContractStatus,
    MilestoneStatus,
    WeekStatus,
)
from ..models import TimeEntry
from ._common import PARTIES, attempt, loggable_weeks


@role_required(*PARTIES)
def contract_list(request: AuthedRequest) -> HttpResponse:
    contracts = list(selectors.contracts_for(request.user)[:200])
    return render(request, "contracts/contract_list.html", {"contracts": contracts})


@role_required(*PARTIES)
def contract_detail(request: AuthedRequest, contract_id: int) -> HttpResponse:
    contract = selectors.access_contract(request.user, contract_id)
    is_client = request.user.pk == contract.client_id
    # Reads only: a posted funding has already funded its milestone (or released its week) through the
    # ledger's `FundingPosted` event (contracts/handlers.py), with the tick's reconciliation behind it.
    milestones = list(contract.milestones.order_by("order"))
    terms = contract.current_terms()
    change_requests = list(contract.change_requests.select_related("proposed_by").order_by("-created_at"))
    weeks = list(
        contract.weeks.annotate(total_minutes=Sum("entries__minutes"))
        .prefetch_related(Prefetch("entries", queryset=TimeEntry.objects.order_by("work_date", "id")))
        .order_by("-week_start")
    )
    cancellations = list(
        contract.cancellations.select_related("milestone", "proposed_by").order_by("-created_at", "-id")
    )
    bonuses = list(contract.bonuses.order_by("-created_at", "-id"))
    ctx = {
        "contract": contract,
        "is_client": is_client,
        "is_worker": not is_client,
        "milestones": milestones,
        "terms": terms,
        "my_agreed": contract.agreed_by_client_at if is_client else contract.agreed_by_worker_at,
        "other_agreed": contract.agreed_by_worker_at if is_client else contract.agreed_by_client_at,
        "change_requests": change_requests,
        # At most one change request is pending at a time (services.change_request_propose).
        "pending_change": next((c for c in change_requests if c.status == ChangeRequestStatus.PENDING), None),
        "accommodations": list(contract.accommodations.select_related("milestone").order_by("-created_at")),
        "weeks": weeks,
        # The worker sees which weeks she can still log to and when each closes; both see when each
        # submitted week counts as approved.
        "loggable": loggable_weeks(contract, weeks) if not is_client else [],
        "auto_approve": {w.pk: services.week_auto_approve_at(w, contract) for w in weeks},
        "Status": ContractStatus,
        "MStatus": MilestoneStatus,
        "WStatus": WeekStatus,
        "AStatus": AccommodationStatus,
        "can_request_accommodation": not is_client
        and contract.status in (ContractStatus.AGREED, ContractStatus.ACTIVE),
        "transfers": selectors.fundings_waiting(milestones=milestones, weeks=weeks, bonuses=bonuses)
        if is_client
        else {},
        "cancellations": cancellations,
        "CxStatus": CancellationStatus,
        "cancellable": services.CANCELLABLE if contract.status == ContractStatus.ACTIVE else (),
        # A milestone with a proposal waiting is not offered a second one (services refuse it too).
        "cancel_pending": {c.milestone_id for c in cancellations if c.status == CancellationStatus.PENDING},
        # A milestone ended by agreement is `released` (or `cancelled`) like after a staff decision; the
        # table says what was agreed, so nobody reads the full amount as paid.
        "cancel_agreed": {
            c.milestone_id: c for c in cancellations if c.status == CancellationStatus.ACCEPTED
        },
        # The worker decides on a proposal knowing what would reach her after fee, tax and withholding.
        "cancel_take_home": {
            c.pk: services.cancellation_preview(c).net
            for c in cancellations
            if c.status == CancellationStatus.PENDING and c.worker_amount
        },
        "bonuses": bonuses,
        "BStatus": BonusStatus,
        "can_give_bonus": is_client and contract.status == ContractStatus.ACTIVE,
        "can_add_milestone": is_client
        and contract.status == ContractStatus.ACTIVE
        and contract.kind == ContractKind.FIXED,
        "disputable": services.DISPUTABLE,
        "can_complete": contract.is_hourly and contract.status == ContractStatus.ACTIVE,
        "funded_any": contract.status == ContractStatus.ACTIVE
        and any(m.status == MilestoneStatus.FUNDED for m in milestones),
    }
    return render(request, "contracts/contract_detail.html", ctx)


@role_required(*PARTIES)
@require_POST
def contract_complete(request: AuthedRequest, contract_id: int) -> HttpResponse:
    contract = selectors.access_contract(request.user, contract_id)
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("終了してよいことを確かめるため、確認の欄にチェックを入れてください。"))
        return redirect("contracts:detail", contract.pk)
    attempt(
        request,
        lambda: services.contract_complete(contract=contract, actor=request.user),
        _("契約を終了しました。おつかれさまでした。相手の評価をお願いします。"),
    )
    return redirect("contracts:detail", contract.pk)
