"""Reasonable accommodation (合理的配慮): the worker asks (form → preview → send), the client answers, and
staff follow up requests left unanswered."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hataraku.accounts.types import AuthedRequest
from hataraku.core.errors import DomainError, NotFound
from hataraku.core.forms import add_domain_error
from hataraku.core.permissions import role_required

from .. import selectors, services
from ..constants import ACCOMMODATION_ANSWER_DAYS, AccommodationKind, AccommodationReason, MilestoneStatus
from ..forms import AccommodationForm, AnswerForm
from ._common import PARTIES, attempt


@role_required(*PARTIES)
def accommodation_new(request: AuthedRequest, contract_id: int) -> HttpResponse:
    contract = selectors.access_contract(request.user, contract_id)
    if request.user.pk != contract.worker_id:
        raise NotFound()
    milestones = list(
        contract.milestones.filter(
            status__in=[
                MilestoneStatus.PENDING,
                MilestoneStatus.FUNDING_REQUESTED,
                MilestoneStatus.FUNDED,
                MilestoneStatus.RETURNED,
            ]
        ).order_by("order")
    )
    first = milestones[0] if milestones else None
    # Sensible defaults (the next milestone, one more week) so that asking takes three presses: open this
    # page, "確認する", "送る".
    initial = {
        "kind": AccommodationKind.EXTENSION,
        "milestone": first.pk if first else "",
        "requested_due_date": (first.due_date + dt.timedelta(days=7)) if first else None,
    }
    form = AccommodationForm(request.POST or None, initial=initial, milestones=milestones)
    # POST "preview" (the default) → the page showing exactly what the client will see; POST "send" from
    # that page stores and notifies; POST "edit" goes back to the form with what was typed. No JavaScript.
    action = request.POST.get("action", "preview")
    pending_url = ""
    if request.method == "POST" and action != "edit" and form.is_valid():
        data = form.cleaned_data
        mid = data.get("milestone")
        fields = {
            "contract": contract,
            "actor": request.user,
            "kind": data["kind"],
            "milestone": next((m for m in milestones if m.pk == mid), None),
            "requested_due_date": data.get("requested_due_date"),
            "reason": data.get("reason") or "",
            "note": data.get("note") or "",
            "consent_given": bool(data.get("consent")),
        }
        try:
            if action == "send":
                services.accommodation_request(**fields)
            else:
                preview = services.accommodation_preview(**fields)
        except DomainError as exc:
            add_domain_error(form, exc)
            pending_url = exc.data.get("pending_url", "")
        else:
            if action == "send":
                messages.success(
                    request,
                    _("お願いを送りました。クライアントは%(days)s日以内に回答します。")
                    % {"days": ACCOMMODATION_ANSWER_DAYS},
                )
                return redirect("contracts:detail", contract.pk)
            return render(
                request,
                "contracts/accommodation_preview.html",
                {
                    "contract": contract,
                    "form": form,
                    "preview": preview,
                    "reason_label": AccommodationReason(data["reason"]).label if data.get("reason") else "",
                    "note": fields["note"],
                },
            )
    return render(
        request,
        "contracts/accommodation_form.html",
        {"contract": contract, "form": form, "pending_url": pending_url},
    )


@role_required(*PARTIES)
@require_POST
def accommodation_answer(request: AuthedRequest, contract_id: int, request_id: int) -> HttpResponse:
    item = selectors.access_accommodation_request(request.user, contract_id, request_id)
    form = AnswerForm(request.POST)
    form.is_valid()
    accept = request.POST.get("answer") == "accept"
    attempt(
        request,
        lambda: services.accommodation_answer(
            request=item, actor=request.user, accept=accept, message=form.cleaned_data.get("message", "")
        ),
        _("回答を送りました。"),
    )
    return redirect("contracts:detail", contract_id)


@role_required("staff")
def staff_accommodations(request: AuthedRequest) -> HttpResponse:
    items = list(selectors.accommodations_overdue()[:200])
    return render(request, "contracts/staff_accommodations.html", {"items": items})
