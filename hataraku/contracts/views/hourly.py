"""An hourly contract: the worker logs time, submits each week and proposes corrections; the client
approves, asks for a correction or answers one; staff see the billed weeks whose money is late."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hataraku.accounts.types import AuthedRequest
from hataraku.core import clock
from hataraku.core.errors import NotFound
from hataraku.core.forms import new_idempotency_key
from hataraku.core.permissions import role_required

from .. import hourly, selectors, services
from ..constants import MAX_WEEK_CORRECTIONS, ContractStatus, TimeCorrectionStatus, WeekStatus
from ..forms import TimeCorrectionForm, TimeEntryForm, WeekCorrectionRequestForm
from ..models import HourlyWeek
from ._common import PARTIES, attempt, attempt_form, form_key, loggable_weeks


@role_required(*PARTIES)
def time_entries(request: AuthedRequest, contract_id: int) -> HttpResponse:
    contract = selectors.access_contract(request.user, contract_id)
    if request.user.pk != contract.worker_id or not contract.is_hourly:
        raise NotFound()
    form = TimeEntryForm(
        request.POST or None,
        initial={"work_date": clock.today()},
        activated_on=services.contract_activated_on(contract),
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt_form(
            form, lambda: services.time_entry_add(contract=contract, actor=request.user, **form.cleaned_data)
        )
    ):
        messages.success(request, _("作業時間を記録しました。"))
        return redirect("contracts:detail", contract.pk)
    weeks = list(contract.weeks.all())
    return render(
        request,
        "contracts/time_form.html",
        {"contract": contract, "form": form, "loggable": loggable_weeks(contract, weeks)},
    )


def _week_page(
    request: HttpRequest, week: HourlyWeek, *, correction_form: WeekCorrectionRequestForm | None = None
) -> HttpResponse:
    contract = week.contract
    is_client = request.user.pk == contract.client_id
    entries = list(week.entries.order_by("work_date", "id"))
    corrections = list(week.corrections.select_related("proposed_by").order_by("-created_at", "-id"))
    pending = next((c for c in corrections if c.status == TimeCorrectionStatus.PENDING), None)
    reviewable = week.status in (WeekStatus.SUBMITTED, WeekStatus.CORRECTION)
    can_request_correction = (
        is_client
        and week.status == WeekStatus.SUBMITTED
        and pending is None
        and week.correction_count < MAX_WEEK_CORRECTIONS
    )
    if correction_form is not None and correction_form.errors and not can_request_correction:
        # The form is not on this page for this person (the worker, or a week that moved on since the
        # page was drawn): an error attached to it would vanish, so say it where it will be read.
        for errors in correction_form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        correction_form = None
    return render(
        request,
        "contracts/week.html",
        {
            "contract": contract,
            "week": week,
            "week_end": week.week_start + dt.timedelta(days=6),
            "entries": entries,
            "total_minutes": sum(e.minutes for e in entries),
            "corrections": corrections,
            "pending_correction": pending,
            "is_client": is_client,
            "is_worker": not is_client,
            "closes_on": hourly.logging_closes_on(week.week_start),
            "auto_approve_at": services.week_auto_approve_at(week, contract),
            "can_submit": not is_client
            and contract.status == ContractStatus.ACTIVE
            and week.status == WeekStatus.OPEN
            and bool(entries),
            "can_approve": is_client and reviewable and pending is None,
            "can_request_correction": can_request_correction,
            "can_correct": not is_client and reviewable and pending is None,
            "can_resubmit": not is_client and week.status == WeekStatus.CORRECTION,
            "can_dispute": week.status in (WeekStatus.OPEN, WeekStatus.SUBMITTED, WeekStatus.CORRECTION),
            "correction_form": correction_form or WeekCorrectionRequestForm(),
            "approve_key": new_idempotency_key(),
            "WStatus": WeekStatus,
        },
    )


@role_required(*PARTIES)
def week_page(request: AuthedRequest, contract_id: int, week_id: int) -> HttpResponse:
    week = selectors.access_week(request.user, contract_id, week_id)
    return _week_page(request, week)


@role_required(*PARTIES)
@require_POST
def week_submit(request: AuthedRequest, contract_id: int, week_id: int) -> HttpResponse:
    week = selectors.access_week(request.user, contract_id, week_id)
    attempt(
        request,
        lambda: services.week_submit(week=week, actor=request.user),
        _("提出しました。クライアントの確認をお待ちください。"),
    )
    return redirect("contracts:week", contract_id, week.pk)


@role_required(*PARTIES)
@require_POST
def week_resubmit(request: AuthedRequest, contract_id: int, week_id: int) -> HttpResponse:
    week = selectors.access_week(request.user, contract_id, week_id)
    attempt(
        request,
        lambda: services.week_resubmit(week=week, actor=request.user),
        _("この内容のまま、もう一度提出しました。"),
    )
    return redirect("contracts:week", contract_id, week.pk)


@role_required(*PARTIES)
@require_POST
def week_approve(request: AuthedRequest, contract_id: int, week_id: int) -> HttpResponse:
    week = selectors.access_week(request.user, contract_id, week_id)
    attempt(
        request,
        lambda: services.week_approve(week=week, actor=request.user, idempotency_key=form_key(request)),
        _("作業時間を承認しました。"),
    )
    return redirect("contracts:detail", contract_id)


@role_required(*PARTIES)
@require_POST
def week_request_correction(request: AuthedRequest, contract_id: int, week_id: int) -> HttpResponse:
    week = selectors.access_week(request.user, contract_id, week_id)
    form = WeekCorrectionRequestForm(request.POST)
    if form.is_valid() and attempt_form(
        form,
        lambda: services.week_request_correction(
            week=week, actor=request.user, note=form.cleaned_data["note"]
        ),
    ):
        messages.success(request, _("修正を依頼しました。ワーカーが直して提出し直すまでお待ちください。"))
        return redirect("contracts:week", contract_id, week.pk)
    return _week_page(request, week, correction_form=form)


@role_required(*PARTIES)
def time_correction_new(request: AuthedRequest, contract_id: int, week_id: int) -> HttpResponse:
    week = selectors.access_week(request.user, contract_id, week_id)
    if request.user.pk != week.contract.worker_id:
        raise NotFound()
    entries = list(week.entries.order_by("work_date", "id"))
    form = TimeCorrectionForm(request.POST or None, entries=entries)
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt_form(
            form,
            lambda: services.time_correction_propose(
                week=week,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                entries=form.entry_minutes(),
                add=form.additions(),
            ),
        )
    ):
        messages.success(request, _("修正を申し出ました。クライアントが承諾すると、記録が変わります。"))
        return redirect("contracts:week", contract_id, week.pk)
    return render(
        request,
        "contracts/time_correction_form.html",
        {"contract": week.contract, "week": week, "form": form},
    )


@role_required(*PARTIES)
@require_POST
def time_correction_answer(
    request: AuthedRequest, contract_id: int, week_id: int, correction_id: int
) -> HttpResponse:
    correction = selectors.access_time_correction(request.user, contract_id, week_id, correction_id)
    accept = request.POST.get("answer") == "accept"
    attempt(
        request,
        lambda: services.time_correction_answer(correction=correction, actor=request.user, accept=accept),
        _("修正を承諾しました。") if accept else _("修正を見送りました。"),
    )
    return redirect("contracts:week", contract_id, correction.week_id)


@role_required("staff")
def staff_late_payments(request: AuthedRequest) -> HttpResponse:
    today = clock.today()
    items = [
        {"week": w, "days_left": (w.payment_limit - today).days, "days_over": (today - w.payment_limit).days}
        for w in selectors.weeks_payment_late()[:200]
    ]
    return render(request, "contracts/staff_late_payments.html", {"items": items})
