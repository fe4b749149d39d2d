"""Changes to an active contract beyond its agreed terms: ending a funded milestone early by agreement,
giving a bonus (form → the worker's take-home → confirm), and adding a milestone (a change of terms the
worker accepts)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hataraku.accounts.types import AuthedRequest
from hataraku.core.errors import DomainError, NotFound
from hataraku.core.forms import add_domain_error
from hataraku.core.permissions import role_required
from hataraku.payments.providers import enabled_providers

from .. import selectors, services
from ..constants import CancellationStatus, ContractKind, ContractStatus
from ..forms import BonusForm, CancellationForm, MilestoneAddForm
from ..models import Bonus
from ._common import PARTIES, attempt, attempt_form


@role_required(*PARTIES)
def cancellation_new(request: AuthedRequest, contract_id: int, milestone_id: int) -> HttpResponse:
    milestone = selectors.access_milestone(request.user, contract_id, milestone_id)
    contract = milestone.contract
    is_client = request.user.pk == contract.client_id
    form = CancellationForm(request.POST or None, milestone_amount=milestone.amount)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if attempt_form(
            form,
            lambda: services.cancellation_propose(
                milestone=milestone,
                actor=request.user,
                worker_amount=data["worker_amount"],
                reason=data["reason"],
                idempotency_key=data["idempotency_key"],
            ),
        ):
            messages.success(
                request, _("取りやめを申し出ました。相手が承諾するまで、お金は動かず、今の条件のままです。")
            )
            return redirect("contracts:detail", contract.pk)
    return render(
        request,
        "contracts/cancellation_form.html",
        {
            "contract": contract,
            "milestone": milestone,
            "form": form,
            "is_client": is_client,
            "cancellable": milestone.status in services.CANCELLABLE
            and contract.status == ContractStatus.ACTIVE,
        },
    )


@role_required(*PARTIES)
@require_POST
def cancellation_answer(request: AuthedRequest, contract_id: int, cancellation_id: int) -> HttpResponse:
    cancellation = selectors.access_cancellation(request.user, contract_id, cancellation_id)
    accept = request.POST.get("answer") == "accept"
    try:
        answered = services.cancellation_answer(cancellation=cancellation, actor=request.user, accept=accept)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if answered.status == CancellationStatus.LAPSED:
            messages.error(
                request,
                _("このマイルストーンはその後、支払い済みか仲介中になったため、申し出は無効になりました。"),
            )
        elif accept:
            messages.success(request, _("取りやめを承諾しました。合意した金額で精算しました。"))
        else:
            messages.success(request, _("取りやめをお断りしました。今の条件のまま続きます。"))
    return redirect("contracts:detail", contract_id)


@role_required(*PARTIES)
@require_POST
def cancellation_withdraw(request: AuthedRequest, contract_id: int, cancellation_id: int) -> HttpResponse:
    cancellation = selectors.access_cancellation(request.user, contract_id, cancellation_id)
    attempt(
        request,
        lambda: services.cancellation_withdraw(cancellation=cancellation, actor=request.user),
        _("取りやめの申し出を取り下げました。"),
    )
    return redirect("contracts:detail", contract_id)


@role_required(*PARTIES)
def bonus_new(request: AuthedRequest, contract_id: int) -> HttpResponse:
    contract = selectors.access_contract(request.user, contract_id)
    if request.user.pk != contract.client_id:
        raise NotFound()
    form = BonusForm(request.POST or None)
    # POST "preview" (the default) → the worker's take-home; POST "send" from that page gives the bonus;
    # POST "edit" goes back to the form with what was typed. No JavaScript.
    action = request.POST.get("action", "preview")
    card = "stripe" in enabled_providers()
    if request.method == "POST" and action != "edit" and form.is_valid():
        data = form.cleaned_data
        try:
            preview = services.bonus_preview(contract=contract, amount=data["amount"])
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            if action == "send":
                provider = request.POST.get("provider") or None
                given: list[Bonus] = []
                if attempt_form(
                    form,
                    lambda: given.append(
                        services.bonus_give(
                            contract=contract,
                            actor=request.user,
                            amount=data["amount"],
                            message=data["message"],
                            idempotency_key=data["idempotency_key"],
                            provider=provider,
                        )
                    ),
                ):
                    waiting = selectors.fundings_waiting(milestones=[], weeks=[], bonuses=given)
                    by_card = next((pf for pf in waiting.values() if pf.provider == "stripe"), None)
                    if by_card is not None:
                        # Paying by card: straight to the page that leads to Stripe Checkout.
                        return redirect("payments:funding_detail", pk=by_card.pk)
                    messages.success(
                        request,
                        _("ボーナスを受け付けました。お支払いが確認できしだい、ワーカーに支払われます。"),
                    )
                    return redirect("contracts:detail", contract.pk)
            else:
                return render(
                    request,
                    "contracts/bonus_preview.html",
                    {"contract": contract, "form": form, "preview": preview, "card_enabled": card},
                )
    return render(
        request,
        "contracts/bonus_form.html",
        {"contract": contract, "form": form, "active": contract.status == ContractStatus.ACTIVE},
    )


@role_required(*PARTIES)
@require_POST
def bonus_withdraw(request: AuthedRequest, contract_id: int, bonus_id: int) -> HttpResponse:
    bonus = selectors.access_bonus(request.user, contract_id, bonus_id)
    attempt(
        request,
        lambda: services.bonus_withdraw(bonus=bonus, actor=request.user),
        _("ボーナスを取り下げました。"),
    )
    return redirect("contracts:detail", contract_id)


@role_required(*PARTIES)
def milestone_add(request: AuthedRequest, contract_id: int) -> HttpResponse:
    contract = selectors.access_contract(request.user, contract_id)
    if request.user.pk != contract.client_id or contract.kind != ContractKind.FIXED:
        raise NotFound()
    form = MilestoneAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if attempt_form(
            form,
            lambda: services.milestone_add_propose(
                contract=contract,
                actor=request.user,
                title=data["title"],
                amount=data["amount"],
                due_date=data["due_date"],
                reason=data["reason"],
            ),
        ):
            messages.success(
                request,
                _(
                    "マイルストーンの追加を申し出ました。ワーカーが承諾すると新しい取引条件になり、仮払いできます。"
                ),
            )
            return redirect("contracts:detail", contract.pk)
    return render(request, "contracts/milestone_add.html", {"contract": contract, "form": form})
