"""A fixed-price milestone: funding it, the worker delivering, the client accepting or returning it, and
the delivered files."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from hataraku.accounts.types import AuthedRequest
from hataraku.core.errors import DomainError, NotFound
from hataraku.core.forms import ConfirmForm
from hataraku.core.permissions import role_required
from hataraku.payments.providers import enabled_providers

from .. import selectors, services
from ..constants import MAX_RETURNS, ContractStatus, MilestoneStatus
from ..forms import DeliveryForm, ReturnForm
from ..models import Delivery
from ._common import PARTIES, attempt, attempt_form


@role_required(*PARTIES)
@require_http_methods(["GET", "POST"])
def milestone_fund(request: AuthedRequest, contract_id: int, milestone_id: int) -> HttpResponse:
    """仮払い in two presses: the summary (amount, the worker's fee, tax and withholding, what happens next,
    what can no longer be undone), then the POST that carries `confirmed=yes` and the summary's key."""
    milestone = selectors.access_milestone(request.user, contract_id, milestone_id)
    contract = milestone.contract
    if request.user.pk != contract.client_id:
        raise NotFound()
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_confirmed() and form.is_valid():
        provider = request.POST.get("provider") or None
        try:
            services.milestone_fund(
                milestone=milestone,
                actor=request.user,
                idempotency_key=form.cleaned_data["idempotency_key"],
                provider=provider,
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            waiting = selectors.fundings_waiting(milestones=[milestone], weeks=[]).get(
                milestone.escrow_id or 0
            )
            if waiting is not None and waiting.provider == "stripe":
                # Paying by card: straight to the page that leads to Stripe Checkout.
                return redirect("payments:funding_detail", pk=waiting.pk)
            if milestone.status == MilestoneStatus.FUNDED:
                messages.success(request, _("仮払いが済みました。ワーカーが作業を始められます。"))
            else:
                messages.success(
                    request,
                    _("仮払いの手続きを受け付けました。入金が確認できしだい、ワーカーにお知らせします。"),
                )
        return redirect("contracts:detail", contract_id)
    return render(
        request,
        "contracts/milestone_fund_confirm.html",
        {
            "contract": contract,
            "milestone": milestone,
            "form": form,
            "key": form.summary_key(),
            "preview": selectors.milestone_payment_preview(milestone),
            "can_fund": contract.status == ContractStatus.ACTIVE
            and milestone.status == MilestoneStatus.PENDING
            and not milestone.escrow_id,
            "card_enabled": "stripe" in enabled_providers(),
        },
    )


@role_required(*PARTIES)
def milestone_deliver(request: AuthedRequest, contract_id: int, milestone_id: int) -> HttpResponse:
    milestone = selectors.access_milestone(request.user, contract_id, milestone_id)
    contract = milestone.contract
    if request.user.pk != contract.worker_id:
        raise NotFound()
    form = DeliveryForm(request.POST or None, request.FILES or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt_form(
            form,
            lambda: services.milestone_deliver(
                milestone=milestone,
                actor=request.user,
                message=form.cleaned_data["message"],
                files=form.cleaned_data["files"],
            ),
        )
    ):
        messages.success(request, _("納品しました。クライアントの検収をお待ちください。"))
        return redirect("contracts:milestone", contract.pk, milestone.pk)
    return render(
        request, "contracts/deliver.html", {"contract": contract, "milestone": milestone, "form": form}
    )


@role_required(*PARTIES)
def milestone_page(request: AuthedRequest, contract_id: int, milestone_id: int) -> HttpResponse:
    milestone = selectors.access_milestone(request.user, contract_id, milestone_id)
    contract = milestone.contract
    is_client = request.user.pk == contract.client_id
    deliveries = list(
        Delivery.objects.filter(milestone=milestone).prefetch_related("files").order_by("-created_at", "-id")
    )
    auto_at = (
        milestone.delivered_at + dt.timedelta(days=contract.acceptance_days)
        if milestone.delivered_at
        else None
    )
    return render(
        request,
        "contracts/milestone.html",
        {
            "contract": contract,
            "milestone": milestone,
            "deliveries": deliveries,
            "is_client": is_client,
            "can_review": is_client and milestone.status == MilestoneStatus.DELIVERED,
            "can_return": milestone.return_count < MAX_RETURNS,
            # Only what `milestone_deliver` accepts: an active contract and money held for this milestone.
            "can_deliver": not is_client
            and contract.status == ContractStatus.ACTIVE
            and milestone.status in (MilestoneStatus.FUNDED, MilestoneStatus.RETURNED),
            "can_dispute": milestone.status in services.DISPUTABLE,
            "can_cancel": contract.status == ContractStatus.ACTIVE
            and milestone.status in services.CANCELLABLE,
            "auto_accept_at": auto_at,
            "return_form": ReturnForm(),
            "MStatus": MilestoneStatus,
        },
    )


@role_required(*PARTIES)
@require_http_methods(["GET", "POST"])
def milestone_accept(request: AuthedRequest, contract_id: int, milestone_id: int) -> HttpResponse:
    """検収 pays the worker, so it takes two presses: the summary first (what is paid, the worker's fee,
    tax and withholding, what can no longer be undone), then the POST with `confirmed=yes`. A POST without
    it moves no money and shows the summary."""
    milestone = selectors.access_milestone(request.user, contract_id, milestone_id)
    contract = milestone.contract
    if request.user.pk != contract.client_id:
        raise NotFound()
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_confirmed() and form.is_valid():
        attempt(
            request,
            lambda: services.milestone_accept(milestone=milestone, actor=request.user),
            _("検収しました。ワーカーに報酬が支払われます。"),
        )
        return redirect("contracts:milestone", contract_id, milestone.pk)
    return render(
        request,
        "contracts/milestone_accept_confirm.html",
        {
            "contract": contract,
            "milestone": milestone,
            "form": form,
            "key": form.summary_key(),
            "preview": selectors.milestone_payment_preview(milestone),
            "can_accept": milestone.status == MilestoneStatus.DELIVERED,
        },
    )


@role_required(*PARTIES)
@require_POST
def milestone_return(request: AuthedRequest, contract_id: int, milestone_id: int) -> HttpResponse:
    milestone = selectors.access_milestone(request.user, contract_id, milestone_id)
    form = ReturnForm(request.POST)
    if form.is_valid():
        attempt(
            request,
            lambda: services.milestone_return(
                milestone=milestone, actor=request.user, reason=form.cleaned_data["reason"]
            ),
            _("差し戻しました。ワーカーに理由が伝わります。"),
        )
    else:
        messages.error(request, _("差し戻しの理由を入力してください。"))
    return redirect("contracts:milestone", contract_id, milestone.pk)


@role_required(*PARTIES)
def delivery_file(request: AuthedRequest, contract_id: int, file_id: int) -> FileResponse:
    item = selectors.access_delivery_file(request.user, contract_id, file_id)
    return FileResponse(item.file.open("rb"), as_attachment=True, filename=item.original_name)
