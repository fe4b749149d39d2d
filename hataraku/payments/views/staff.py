"""Staff pages: the bank transfers waiting for confirmation, payout batches and their Zengin files."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from hataraku.accounts.permissions import recent_mfa_required
from hataraku.accounts.types import AuthedRequest
from hataraku.core.errors import DomainError
from hataraku.core.permissions import role_required
from hataraku.ledger.constants import FundingStatus

from .. import selectors, services
from ..forms import BatchCreateForm, PayoutDecisionForm
from ..zengin import build_transfer_file, sender_settings


@role_required("staff")
def staff_transfer_queue(request: AuthedRequest) -> HttpResponse:
    return render(
        request,
        "payments/staff_transfer_queue.html",
        {"waiting": selectors.with_subjects(list(selectors.bank_transfers_waiting()), lambda pf: pf.escrow)},
    )


@role_required("staff")
@recent_mfa_required
@require_POST
def staff_transfer_decide(request: AuthedRequest, pk: int, decision: str) -> HttpResponse:
    """Confirm or void a waiting bank transfer. A repeat of the same decision (a double click, a resent
    POST) moves nothing and says it is already done; the other decision on a decided transfer is refused."""
    pf = selectors.access_staff_bank_transfer(request.user, pk)
    status = pf.funding.status
    if status != FundingStatus.PENDING:
        if (decision, status) == ("confirm", FundingStatus.POSTED):
            messages.info(
                request, _("この入金はすでに確認済みです(受付番号 %(code)s)。") % {"code": pf.reference_code}
            )
        elif (decision, status) == ("void", FundingStatus.VOIDED):
            messages.info(
                request,
                _("この入金待ちはすでに取り消し済みです(受付番号 %(code)s)。") % {"code": pf.reference_code},
            )
        else:
            messages.error(
                request,
                _("この入金はすでに「%(status)s」のため、変更できません(受付番号 %(code)s)。")
                % {"status": pf.funding.get_status_display(), "code": pf.reference_code},
            )
        return redirect("payments:staff_transfer_queue")
    try:
        if decision == "confirm":
            services.funding_confirm(provider_funding=pf, actor=request.user)
            messages.success(
                request, _("入金を確認しました(受付番号 %(code)s)。") % {"code": pf.reference_code}
            )
        else:
            services.funding_cancel(provider_funding=pf, actor=request.user)
            messages.success(
                request, _("入金待ちを取り消しました(受付番号 %(code)s)。") % {"code": pf.reference_code}
            )
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("payments:staff_transfer_queue")


@role_required("staff")
@require_http_methods(["GET", "POST"])
def staff_batches(request: AuthedRequest) -> HttpResponse:
    form = BatchCreateForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.payout_batch_create(
                actor=request.user,
                transfer_date=form.cleaned_data["transfer_date"],
                idempotency_key=form.cleaned_data["idempotency_key"],
            )
        except DomainError as exc:
            form.add_error("transfer_date" if exc.field == "transfer_date" else None, exc.message)
        else:
            messages.success(request, _("出金バッチを作りました。"))
            return redirect("payments:staff_batch_detail", pk=batch.pk)
    waiting = list(selectors.requested_payouts())
    waiting_clients = list(selectors.requested_client_withdrawals())
    return render(
        request,
        "payments/staff_batches.html",
        {
            "form": form,
            "batches": list(selectors.batches()),
            "waiting": waiting,
            "waiting_clients": waiting_clients,
            "waiting_total": sum(p.net_amount for p in waiting) + sum(w.net_amount for w in waiting_clients),
            "held": list(selectors.held_payouts()),
        },
    )


@role_required("staff")
@recent_mfa_required
@require_POST
def staff_payout_release(request: AuthedRequest, pk: int) -> HttpResponse:
    """Staff reviewed a suspended worker's payout and let it go into the next batch (issue 10, item 8)."""
    payout = selectors.access_held_payout(request.user, pk)
    services.payout_release(payout=payout, actor=request.user)
    messages.success(request, _("出金を次のバッチに入れられるようにしました。"))
    return redirect("payments:staff_batches")


@role_required("staff")
def staff_batch_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    batch = selectors.access_batch(request.user, pk)
    payouts = list(batch.payouts.select_related("worker").order_by("pk"))
    withdrawals = list(batch.client_withdrawals.select_related("client").order_by("pk"))
    return render(
        request,
        "payments/staff_batch_detail.html",
        {
            "batch": batch,
            "rows": [
                (p, PayoutDecisionForm(prefix=f"paid{p.pk}"), PayoutDecisionForm(prefix=f"failed{p.pk}"))
                for p in payouts
            ],
            "client_rows": [
                (w, PayoutDecisionForm(prefix=f"rpaid{w.pk}"), PayoutDecisionForm(prefix=f"rfailed{w.pk}"))
                for w in withdrawals
            ],
            "total": sum(p.net_amount for p in payouts) + sum(w.net_amount for w in withdrawals),
        },
    )


@role_required("staff")
@require_POST
@recent_mfa_required
def staff_batch_zengin(request: AuthedRequest, pk: int) -> HttpResponse:
    """The payout file, answered to a POST from the batch page: producing it marks the batch downloaded
    (and writes an audit row), so it is a change, never a side effect of opening a link."""
    batch = selectors.access_batch(request.user, pk)
    sender = sender_settings()
    try:
        body = build_transfer_file(
            batch,
            transfer_date=batch.transfer_date,
            company_code=sender["company_code"],
            company_name_kana=sender["company_name_kana"],
            bank_code=sender["bank_code"],
            branch_code=sender["branch_code"],
            account_type=sender["account_type"],
            account_number=sender["account_number"],
            bank_name_kana=sender.get("bank_name_kana", ""),
            branch_name_kana=sender.get("branch_name_kana", ""),
        )
    except ValueError as exc:
        messages.error(request, _("振込ファイルを作れませんでした: %(error)s") % {"error": exc})
        return redirect("payments:staff_batch_detail", pk=batch.pk)
    services.payout_batch_mark_downloaded(batch=batch, actor=request.user)
    response = HttpResponse(body, content_type="text/plain; charset=Shift_JIS")
    response["Content-Disposition"] = (
        f'attachment; filename="zengin-{batch.pk}-{batch.transfer_date:%Y%m%d}.txt"'
    )
    return response


@role_required("staff")
@require_POST
def staff_payout_decide(request: AuthedRequest, pk: int, decision: str) -> HttpResponse:
    payout = selectors.access_batched_payout(request.user, pk)
    form = PayoutDecisionForm(request.POST, prefix=f"{decision}{payout.pk}")
    if not form.is_valid():
        messages.error(request, _("操作を受け付けられませんでした。ページを開き直してください。"))
    else:
        key = form.cleaned_data["idempotency_key"]
        try:
            if decision == "paid":
                services.payout_mark_paid(payout=payout, actor=request.user, idempotency_key=key)
                messages.success(request, _("出金 P%(pk)s を振込完了にしました。") % {"pk": payout.pk})
            else:
                services.payout_mark_failed(
                    payout=payout, actor=request.user, idempotency_key=key, reason=form.cleaned_data["reason"]
                )
                messages.success(
                    request,
                    _("出金 P%(pk)s を振込できなかったとして、残高に戻しました。") % {"pk": payout.pk},
                )
        except DomainError as exc:
            messages.error(request, exc.message)
    if payout.batch_id:
        return redirect("payments:staff_batch_detail", pk=payout.batch_id)
    return redirect("payments:staff_batches")


@role_required("staff")
@require_POST
def staff_client_withdrawal_decide(request: AuthedRequest, pk: int, decision: str) -> HttpResponse:
    """The bank's answer for a client's withdrawal of her refundable balance, as for a payout."""
    withdrawal = selectors.access_batched_client_withdrawal(request.user, pk)
    form = PayoutDecisionForm(request.POST, prefix=f"r{decision}{withdrawal.pk}")
    if not form.is_valid():
        messages.error(request, _("操作を受け付けられませんでした。ページを開き直してください。"))
    else:
        key = form.cleaned_data["idempotency_key"]
        try:
            if decision == "paid":
                services.client_withdrawal_mark_paid(
                    withdrawal=withdrawal, actor=request.user, idempotency_key=key
                )
                messages.success(request, _("返金 R%(pk)s を振込完了にしました。") % {"pk": withdrawal.pk})
            else:
                services.client_withdrawal_mark_failed(
                    withdrawal=withdrawal,
                    actor=request.user,
                    idempotency_key=key,
                    reason=form.cleaned_data["reason"],
                )
                messages.success(
                    request,
                    _("返金 R%(pk)s を振込できなかったとして、返金可能残高に戻しました。")
                    % {"pk": withdrawal.pk},
                )
        except DomainError as exc:
            messages.error(request, exc.message)
    if withdrawal.batch_id:
        return redirect("payments:staff_batch_detail", pk=withdrawal.batch_id)
    return redirect("payments:staff_batches")
