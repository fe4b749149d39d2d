"""Proposing a change to agreed terms (a milestone's due date or amount) and answering one."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hataraku.accounts.types import AuthedRequest
from hataraku.core.permissions import role_required

from .. import selectors, services
from ..constants import MilestoneStatus
from ..forms import ChangeRequestForm
from ._common import PARTIES, attempt, attempt_form


@role_required(*PARTIES)
def change_new(request: AuthedRequest, contract_id: int) -> HttpResponse:
    contract = selectors.access_contract(request.user, contract_id)
    milestones = list(
        contract.milestones.exclude(
            status__in=[MilestoneStatus.RELEASED, MilestoneStatus.CANCELLED, MilestoneStatus.ACCEPTED]
        )
    )
    form = ChangeRequestForm(request.POST or None, milestones=milestones)
    if request.method == "POST" and form.is_valid():
        values: dict[str, Any] = {}
        if form.cleaned_data.get("due_date"):
            values["due_date"] = form.cleaned_data["due_date"].isoformat()
        if form.cleaned_data.get("amount"):
            values["amount"] = form.cleaned_data["amount"]
        if attempt_form(
            form,
            lambda: services.change_request_propose(
                contract=contract,
                actor=request.user,
                changes={"milestones": {str(form.cleaned_data["milestone"]): values}},
                reason=form.cleaned_data["reason"],
            ),
        ):
            messages.success(request, _("変更を申し出ました。相手が承諾すると新しい取引条件になります。"))
            return redirect("contracts:detail", contract.pk)
    return render(request, "contracts/change_form.html", {"contract": contract, "form": form})


@role_required(*PARTIES)
@require_POST
def change_answer(request: AuthedRequest, contract_id: int, change_id: int) -> HttpResponse:
    cr = selectors.access_change_request(request.user, contract_id, change_id)
    accept = request.POST.get("answer") == "accept"
    attempt(
        request,
        lambda: services.change_request_answer(change_request=cr, actor=request.user, accept=accept),
        _("変更を承諾しました。") if accept else _("変更を見送りました。"),
    )
    return redirect("contracts:detail", contract_id)
