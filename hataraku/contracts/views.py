"""Thin views: authorise with `access_*`, call one service, render. Domain errors become a message or a
form error and change nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from django.contrib import messages
from django.db.models import Prefetch, Sum
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hataraku.accounts.types import AuthedRequest
from hataraku.core import clock
from hataraku.core.errors import DomainError
from hataraku.core.forms import add_domain_error, new_idempotency_key
from hataraku.core.params import small_int
from hataraku.core.permissions import role_required
from hataraku.ledger.idempotency import require_key
from hataraku.payments.providers import enabled_providers

from . import hourly, selectors, services
from .constants import (
    ACCOMMODATION_ANSWER_DAYS,
    MAX_RETURNS,
    MAX_WEEK_CORRECTIONS,
    AccommodationKind,
    AccommodationReason,
    AccommodationStatus,
    ChangeRequestStatus,
    ContractStatus,
    MilestoneStatus,
    TimeCorrectionStatus,
    WeekStatus,
)
from .forms import (
    AccommodationForm,
    AnswerForm,
    ChangeRequestForm,
    DeliveryForm,
    DisputeDecisionForm,
    DisputeForm,
    ReturnForm,
    TimeCorrectionForm,
    TimeEntryForm,
    WeekCorrectionRequestForm,
)
from .models import (
    AccommodationRequest,
    ChangeRequest,
    Delivery,
    DeliveryFile,
    HourlyWeek,
    Milestone,
    TimeCorrection,
    TimeEntry,
)
from .pdf import render_terms_pdf

PARTIES = ("worker", "client")


def _key(request: HttpRequest) -> str:
    # The key comes from the form so that a double click or a resent POST acts once. A form without one is
    # refused (a DomainError the view shows: "reload the page"); a made-up key would let a resend act twice.
    return require_key(request.POST.get("idempotency_key"))


def _attempt(request: HttpRequest, action: Callable[[], object], success: str) -> None:
    """Run a POST-and-redirect view's service call: its DomainError becomes an error message, success the
    given message."""
    try:
        action()
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)


def _attempt_form(form: Any, action: Callable[[], object]) -> bool:
    """Run a form view's service call; a DomainError goes onto the form (and False comes back)."""
    try:
        action()
    except DomainError as exc:
        add_domain_error(form, exc)
        return False
    return True


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
        "loggable": _loggable_weeks(contract, weeks) if not is_client else [],
        "auto_approve": {w.pk: services.week_auto_approve_at(w, contract) for w in weeks},
        "Status": ContractStatus,
        "MStatus": MilestoneStatus,
        "WStatus": WeekStatus,
        "AStatus": AccommodationStatus,
        "fund_key": new_idempotency_key(),
        "card_enabled": is_client and "stripe" in enabled_providers(),
        "can_request_accommodation": not is_client
        and contract.status in (ContractStatus.AGREED, ContractStatus.ACTIVE),
        "transfers": _waiting_transfers(milestones, weeks) if is_client else {},
        "disputable": services.DISPUTABLE,
        "can_complete": contract.is_hourly and contract.status == ContractStatus.ACTIVE,
        "funded_any": contract.status == ContractStatus.ACTIVE
        and any(m.status == MilestoneStatus.FUNDED for m in milestones),
    }
    return render(request, "contracts/contract_detail.html", ctx)


def _waiting_transfers(milestones: Sequence[Milestone], weeks: Sequence[HourlyWeek]) -> dict[int, Any]:
    """Escrow id → the client's funding still waiting for the money (a bank transfer with its 受付番号, or a
    card payment on Stripe Checkout), so the contract page can send the client on to it."""
    escrow_ids = [m.escrow_id for m in milestones if m.status == MilestoneStatus.PENDING and m.escrow_id]
    escrow_ids += [w.escrow_id for w in weeks if w.escrow_id and not w.released_at]
    if not escrow_ids:
        return {}
    from hataraku.payments.constants import ProviderFundingStatus
    from hataraku.payments.models import ProviderFunding

    waiting = ProviderFunding.objects.filter(
        escrow_id__in=escrow_ids, status=ProviderFundingStatus.PENDING
    ).order_by("id")
    return {pf.escrow_id: pf for pf in waiting}


@role_required(*PARTIES)
def terms_page(request: AuthedRequest, contract_id: int) -> HttpResponse:
    contract = selectors.access_contract(request.user, contract_id)
    versions = list(contract.terms.order_by("-version"))
    if not versions:
        raise Http404
    wanted = request.GET.get("v")
    terms = next((t for t in versions if str(t.version) == wanted), versions[0]) if wanted else versions[0]
    is_client = request.user.pk == contract.client_id
    my_agreed = contract.agreed_by_client_at if is_client else contract.agreed_by_worker_at
    return render(
        request,
        "contracts/terms.html",
        {
            "contract": contract,
            "terms": terms,
            "data": terms.data,
            "versions": versions,
            "is_latest": terms.version == versions[0].version,
            "can_agree": contract.status == ContractStatus.OFFERED and my_agreed is None,
        },
    )


@role_required(*PARTIES)
def terms_pdf(request: AuthedRequest, contract_id: int) -> HttpResponse:
    contract = selectors.access_contract(request.user, contract_id)
    wanted = small_int(request.GET.get("v"))
    qs = contract.terms.order_by("-version")
    terms = qs.filter(version=wanted).first() if wanted else qs.first()
    if terms is None:
        raise Http404
    response = HttpResponse(render_terms_pdf(terms), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="terms-{contract.pk}-v{terms.version}.pdf"'
    return response


@role_required(*PARTIES)
@require_POST
def contract_agree(request: AuthedRequest, contract_id: int) -> HttpResponse:
    contract = selectors.access_contract(request.user, contract_id)
    try:
        version = int(request.POST.get("terms_version", "0"))
        services.contract_agree(contract=contract, actor=request.user, terms_version=version)
    except (DomainError, ValueError) as exc:
        messages.error(request, getattr(exc, "message", _("もう一度お試しください。")))
        return redirect("contracts:terms", contract.pk)
    if contract.status == ContractStatus.ACTIVE:
        messages.success(request, _("双方が合意し、契約が成立しました。"))
    else:
        messages.success(request, _("取引条件に合意しました。相手の合意をお待ちください。"))
    return redirect("contracts:detail", contract.pk)


@role_required(*PARTIES)
@require_POST
def contract_cancel(request: AuthedRequest, contract_id: int) -> HttpResponse:
    contract = selectors.access_contract(request.user, contract_id)
    _attempt(
        request,
        lambda: services.contract_cancel_offer(contract=contract, actor=request.user),
        _("契約の申し込みを取り消しました。"),
    )
    return redirect("contracts:detail", contract.pk)


@role_required(*PARTIES)
@require_POST
def contract_complete(request: AuthedRequest, contract_id: int) -> HttpResponse:
    contract = selectors.access_contract(request.user, contract_id)
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("終了してよいことを確かめるため、確認の欄にチェックを入れてください。"))
        return redirect("contracts:detail", contract.pk)
    _attempt(
        request,
        lambda: services.contract_complete(contract=contract, actor=request.user),
        _("契約を終了しました。おつかれさまでした。相手の評価をお願いします。"),
    )
    return redirect("contracts:detail", contract.pk)


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
        if _attempt_form(
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
    contract = selectors.access_contract(request.user, contract_id)
    cr = get_object_or_404(ChangeRequest, contract=contract, pk=change_id)
    accept = request.POST.get("answer") == "accept"
    _attempt(
        request,
        lambda: services.change_request_answer(change_request=cr, actor=request.user, accept=accept),
        _("変更を承諾しました。") if accept else _("変更を見送りました。"),
    )
    return redirect("contracts:detail", contract.pk)


@role_required(*PARTIES)
@require_POST
def milestone_fund(request: AuthedRequest, contract_id: int, milestone_id: int) -> HttpResponse:
    milestone = selectors.access_milestone(request.user, contract_id, milestone_id)
    provider = request.POST.get("provider") or None
    try:
        services.milestone_fund(
            milestone=milestone, actor=request.user, idempotency_key=_key(request), provider=provider
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        waiting = _waiting_transfers([milestone], []).get(milestone.escrow_id or 0)
        if waiting is not None and waiting.provider == "stripe":
            # Paying by card: straight to the page that leads to Stripe Checkout.
            return redirect("payments:funding_detail", pk=waiting.pk)
        if milestone.status == MilestoneStatus.FUNDED:
            messages.success(request, _("仮払いが済みました。ワーカーが作業を始められます。"))
        else:
            messages.success(
                request, _("仮払いの手続きを受け付けました。入金が確認できしだい、ワーカーにお知らせします。")
            )
    return redirect("contracts:detail", contract_id)


@role_required(*PARTIES)
def milestone_deliver(request: AuthedRequest, contract_id: int, milestone_id: int) -> HttpResponse:
    milestone = selectors.access_milestone(request.user, contract_id, milestone_id)
    contract = milestone.contract
    if request.user.pk != contract.worker_id:
        raise Http404
    form = DeliveryForm(request.POST or None, request.FILES or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _attempt_form(
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
            "auto_accept_at": auto_at,
            "return_form": ReturnForm(),
            "MStatus": MilestoneStatus,
        },
    )


@role_required(*PARTIES)
@require_POST
def milestone_accept(request: AuthedRequest, contract_id: int, milestone_id: int) -> HttpResponse:
    milestone = selectors.access_milestone(request.user, contract_id, milestone_id)
    _attempt(
        request,
        lambda: services.milestone_accept(milestone=milestone, actor=request.user),
        _("検収しました。ワーカーに報酬が支払われます。"),
    )
    return redirect("contracts:milestone", contract_id, milestone.pk)


@role_required(*PARTIES)
@require_POST
def milestone_return(request: AuthedRequest, contract_id: int, milestone_id: int) -> HttpResponse:
    milestone = selectors.access_milestone(request.user, contract_id, milestone_id)
    form = ReturnForm(request.POST)
    if form.is_valid():
        _attempt(
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
    contract = selectors.access_contract(request.user, contract_id)
    item = DeliveryFile.objects.filter(pk=file_id, delivery__milestone__contract=contract).first()
    if item is None:
        raise Http404
    return FileResponse(item.file.open("rb"), as_attachment=True, filename=item.original_name)


@role_required(*PARTIES)
def accommodation_new(request: AuthedRequest, contract_id: int) -> HttpResponse:
    contract = selectors.access_contract(request.user, contract_id)
    if request.user.pk != contract.worker_id:
        raise Http404
    milestones = list(
        contract.milestones.filter(
            status__in=[
                MilestoneStatus.PENDING,
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
    contract = selectors.access_contract(request.user, contract_id)
    item = get_object_or_404(AccommodationRequest, contract=contract, pk=request_id)
    form = AnswerForm(request.POST)
    form.is_valid()
    accept = request.POST.get("answer") == "accept"
    _attempt(
        request,
        lambda: services.accommodation_answer(
            request=item, actor=request.user, accept=accept, message=form.cleaned_data.get("message", "")
        ),
        _("回答を送りました。"),
    )
    return redirect("contracts:detail", contract.pk)


def _loggable_weeks(contract: Any, weeks: Sequence[HourlyWeek]) -> list[dict[str, Any]]:
    """The weeks the worker can still log time to (this week and last week, from activation), with the
    day each closes for logging and whether it is still open to her."""
    if not contract.is_hourly or contract.status != ContractStatus.ACTIVE:
        return []
    by_start = {w.week_start: w for w in weeks}
    rows = []
    for start in hourly.loggable_weeks(
        activated_on=services.contract_activated_on(contract), today=clock.today()
    ):
        week = by_start.get(start)
        rows.append(
            {
                "start": start,
                "closes_on": hourly.logging_closes_on(start),
                "week": week,
                "open": week is None or week.status == WeekStatus.OPEN,
            }
        )
    return rows


@role_required(*PARTIES)
def time_entries(request: AuthedRequest, contract_id: int) -> HttpResponse:
    contract = selectors.access_contract(request.user, contract_id)
    if request.user.pk != contract.worker_id or not contract.is_hourly:
        raise Http404
    form = TimeEntryForm(
        request.POST or None,
        initial={"work_date": clock.today()},
        activated_on=services.contract_activated_on(contract),
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and _attempt_form(
            form, lambda: services.time_entry_add(contract=contract, actor=request.user, **form.cleaned_data)
        )
    ):
        messages.success(request, _("作業時間を記録しました。"))
        return redirect("contracts:detail", contract.pk)
    weeks = list(contract.weeks.all())
    return render(
        request,
        "contracts/time_form.html",
        {"contract": contract, "form": form, "loggable": _loggable_weeks(contract, weeks)},
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
    _attempt(
        request,
        lambda: services.week_submit(week=week, actor=request.user),
        _("提出しました。クライアントの確認をお待ちください。"),
    )
    return redirect("contracts:week", contract_id, week.pk)


@role_required(*PARTIES)
@require_POST
def week_resubmit(request: AuthedRequest, contract_id: int, week_id: int) -> HttpResponse:
    week = selectors.access_week(request.user, contract_id, week_id)
    _attempt(
        request,
        lambda: services.week_resubmit(week=week, actor=request.user),
        _("この内容のまま、もう一度提出しました。"),
    )
    return redirect("contracts:week", contract_id, week.pk)


@role_required(*PARTIES)
@require_POST
def week_approve(request: AuthedRequest, contract_id: int, week_id: int) -> HttpResponse:
    week = selectors.access_week(request.user, contract_id, week_id)
    _attempt(
        request,
        lambda: services.week_approve(week=week, actor=request.user, idempotency_key=_key(request)),
        _("作業時間を承認しました。"),
    )
    return redirect("contracts:detail", contract_id)


@role_required(*PARTIES)
@require_POST
def week_request_correction(request: AuthedRequest, contract_id: int, week_id: int) -> HttpResponse:
    week = selectors.access_week(request.user, contract_id, week_id)
    form = WeekCorrectionRequestForm(request.POST)
    if form.is_valid() and _attempt_form(
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
        raise Http404
    entries = list(week.entries.order_by("work_date", "id"))
    form = TimeCorrectionForm(request.POST or None, entries=entries)
    if (
        request.method == "POST"
        and form.is_valid()
        and _attempt_form(
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
    week = selectors.access_week(request.user, contract_id, week_id)
    correction = get_object_or_404(TimeCorrection, week=week, pk=correction_id)
    accept = request.POST.get("answer") == "accept"
    _attempt(
        request,
        lambda: services.time_correction_answer(correction=correction, actor=request.user, accept=accept),
        _("修正を承諾しました。") if accept else _("修正を見送りました。"),
    )
    return redirect("contracts:week", contract_id, week.pk)


@role_required(*PARTIES)
def dispute_new(request: AuthedRequest, contract_id: int) -> HttpResponse:
    contract = selectors.access_contract(request.user, contract_id)
    source = request.POST if request.method == "POST" else request.GET
    milestone = week = None
    milestone_id, week_id = small_int(source.get("milestone")), small_int(source.get("week"))
    if milestone_id is not None:
        milestone = Milestone.objects.filter(contract=contract, pk=milestone_id).first()
    elif week_id is not None:
        week = HourlyWeek.objects.filter(contract=contract, pk=week_id).first()
    if milestone is None and week is None:
        raise Http404
    form = DisputeForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _attempt_form(
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
        and _attempt_form(
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


@role_required("staff")
def staff_accommodations(request: AuthedRequest) -> HttpResponse:
    items = list(selectors.accommodations_overdue()[:200])
    return render(request, "contracts/staff_accommodations.html", {"items": items})


@role_required("staff")
def staff_late_payments(request: AuthedRequest) -> HttpResponse:
    today = clock.today()
    items = [
        {"week": w, "days_left": (w.payment_limit - today).days, "days_over": (today - w.payment_limit).days}
        for w in selectors.weeks_payment_late()[:200]
    ]
    return render(request, "contracts/staff_late_payments.html", {"items": items})
