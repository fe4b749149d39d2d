"""A client's refundable balance: what she holds and the policy for it, sending it back to her bank account
(through the staff's payout batches) or to the card she paid with (through the provider adapter), the bank
account it goes to, and paying a milestone or week from it.
Also the return documents (適格返還請求書) anyone may have received."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from hataraku.accounts.types import AuthedRequest
from hataraku.core.errors import DomainError
from hataraku.core.permissions import role_required
from hataraku.ledger.selectors import client_balances

from .. import selectors, services
from ..constants import ClientWithdrawalStatus, WithdrawalDestination
from ..forms import BalanceFundingForm, BankAccountForm, ClientWithdrawalForm
from ..models import ClientWithdrawal
from ._documents import pdf_response


@role_required("client")
@require_http_methods(["GET", "POST"])
def refunds(request: AuthedRequest) -> HttpResponse:
    """Her refundable balance, the policy it is held under, and the form to have it sent back to her bank
    account or to the card she paid with."""
    balances = client_balances(request.user)
    account = selectors.active_bank_account(request.user)
    card_most = max((left for _pf, left in services.card_refund_room(request.user)), default=0)
    if request.method == "POST":
        form = ClientWithdrawalForm(request.POST, card_most=card_most)
        if form.is_valid():
            try:
                if form.cleaned_data["destination"] == WithdrawalDestination.CARD:
                    done = services.client_card_refund_request(
                        client=request.user,
                        amount=form.cleaned_data["amount"],
                        idempotency_key=form.cleaned_data["idempotency_key"],
                    )
                else:
                    done = services.client_withdrawal_request(
                        client=request.user,
                        amount=form.cleaned_data["amount"],
                        idempotency_key=form.cleaned_data["idempotency_key"],
                    )
            except DomainError as exc:
                form.add_error("amount" if exc.field == "amount" else None, exc.message)
            else:
                _say(request, done)
                return redirect("payments:client_refunds")
    else:
        form = ClientWithdrawalForm(initial={"amount": balances.refundable or None}, card_most=card_most)
    return render(
        request,
        "payments/client_refunds.html",
        {
            "form": form,
            "balances": balances,
            "account": account,
            "in_transit": selectors.client_withdrawals_in_transit(request.user),
            "withdrawals": list(selectors.withdrawals_for_client(request.user)[:50]),
        },
    )


def _say(request: AuthedRequest, withdrawal: ClientWithdrawal) -> None:
    """What became of her request, in plain words (a card refund may be answered at once)."""
    if withdrawal.destination != WithdrawalDestination.CARD:
        messages.success(
            request, _("返金可能残高の出金を申し込みました。振込が終わるとこのページでお知らせします。")
        )
    elif withdrawal.status == ClientWithdrawalStatus.PAID:
        messages.success(
            request,
            _(
                "カードに返金しました。カードの明細に載るまで、カード会社によっては数日から1か月ほどかかります。"
            ),
        )
    elif withdrawal.status == ClientWithdrawalStatus.FAILED:
        messages.error(
            request,
            _(
                "申し訳ありません。カード会社がこの返金を受け付けなかったため、お金は返金可能残高に戻しました。"
                "銀行口座への返金をお選びいただけます。"
            ),
        )
    else:
        messages.success(
            request,
            _(
                "カード会社に返金を依頼しました。返金が終わるとお知らせします。それまで、このお金は取り置いてあります。"
            ),
        )


@role_required("client")
@require_http_methods(["GET", "POST"])
def client_bank_account(request: AuthedRequest) -> HttpResponse:
    """The account her refundable balance is sent to: the same one account a worker is paid to."""
    current = selectors.active_bank_account(request.user)
    if request.method == "POST":
        form = BankAccountForm(request.POST)
        if form.is_valid():
            try:
                services.bank_account_save(worker=request.user, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("振込先口座を登録しました。"))
                return redirect("payments:client_refunds")
    else:
        initial = {}
        if current is not None:
            initial = {f: getattr(current, f) for f in BankAccountForm.base_fields}
        form = BankAccountForm(initial=initial)
    return render(
        request, "payments/bank_account.html", {"form": form, "current": current, "for_client": True}
    )


@role_required("client")
@require_POST
def funding_from_balance(request: AuthedRequest, escrow_id: int) -> HttpResponse:
    """Pay what the escrow asks for from her refundable balance (a button on the funding page)."""
    escrow = selectors.access_client_escrow(request.user, escrow_id)
    form = BalanceFundingForm(request.POST)
    if not form.is_valid():
        for error in form.non_field_errors():
            messages.error(request, str(error))
        return redirect("payments:funding_start", escrow_id=escrow.pk)
    try:
        services.funding_from_balance(
            client=request.user,
            escrow=escrow,
            amount=form.cleaned_data["amount"],
            idempotency_key=form.cleaned_data["idempotency_key"],
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("payments:funding_start", escrow_id=escrow.pk)
    messages.success(request, _("返金可能残高から仮払いしました。お仕事を始めていただけます。"))
    return redirect("payments:funding")


@role_required("worker", "client")
def return_document_pdf(request: AuthedRequest, pk: int) -> HttpResponse:
    """A return document already issued to her (the clock issues them; nothing to issue here)."""
    return pdf_response(selectors.access_return_document(request.user, pk))
