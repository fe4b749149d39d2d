"""Asking the platform to mediate over a milestone or a week, and the staff pages that decide."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from hataraku.accounts.types import AuthedRequest
from hataraku.core.errors import NotFound
from hataraku.core.params import small_int
from hataraku.core.permissions import role_required

from .. import selectors, services
from ..forms import DisputeDecisionForm, DisputeForm
from ..models import Delivery
from ._common import PARTIES, attempt_form


@role_required(*PARTIES)
def dispute_new(request: AuthedRequest, contract_id: int) -> HttpResponse:
    contract = selectors.access_contract(request.user, contract_id)
    source = request.POST if request.method == "POST" else request.GET
    milestone = week = None
    milestone_id, week_id = small_int(source.get("milestone")), small_int(source.get("week"))
    if milestone_id is not None:
        milestone = contract.milestones.filter(pk=milestone_id).first()
    elif week_id is not None:
        week = contract.weeks.filter(pk=week_id).first()
    if milestone is None and week is None:
        raise NotFound()
    form = DisputeForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt_form(
            form,
            lambda: services.dispute_open(
                contract=contract,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                milestone=milestone,
                week=week,
            ),
        )
    ):
        messages.success(request, _("運営に仲介を依頼しました。担当者からご連絡します。"))
        return redirect("contracts:detail", contract.pk)
    return render(
        request,
        "contracts/dispute_form.html",
        {"contract": contract, "form": form, "milestone": milestone, "week": week},
    )


@role_required("staff")
def staff_disputes(request: AuthedRequest) -> HttpResponse:
    return render(
        request, "contracts/staff_disputes.html", {"disputes": list(selectors.disputes_open()[:200])}
    )


@role_required("staff")
def staff_dispute(request: AuthedRequest, dispute_id: int) -> HttpResponse:
    dispute = selectors.access_dispute_for_staff(request.user, dispute_id)
    form = DisputeDecisionForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt_form(
            form,
            lambda: services.dispute_decide(
                dispute=dispute,
                actor=request.user,
                worker_amount=form.cleaned_data["worker_amount"],
                note=form.cleaned_data["note"],
                idempotency_key=form.cleaned_data["idempotency_key"],
            ),
        )
    ):
        messages.success(request, _("決定を記録し、仮払いを分配しました。"))
        return redirect("contracts:staff_disputes")
    deliveries = (
        list(Delivery.objects.filter(milestone=dispute.milestone).prefetch_related("files"))
        if dispute.milestone
        else []
    )
    entries = list(dispute.week.entries.all()) if dispute.week else []
    return render(
        request,
        "contracts/staff_dispute.html",
        {"dispute": dispute, "form": form, "deliveries": deliveries, "entries": entries},
    )
