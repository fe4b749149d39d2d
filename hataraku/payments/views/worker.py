"""A worker's payment pages: the bank account, payouts, and the invoices for the platform fee."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from hataraku.accounts.types import AuthedRequest
from hataraku.core.errors import DomainError
from hataraku.core.permissions import role_required
from hataraku.ledger.selectors import worker_balances

from .. import selectors, services
from ..constants import PAYOUT_MINIMUM, PAYOUT_TRANSFER_FEE, DocumentKind
from ..forms import BankAccountForm, PayoutRequestForm
from ._documents import document_or_issue_form


@role_required("worker")
@require_http_methods(["GET", "POST"])
def bank_account(request: AuthedRequest) -> HttpResponse:
    current = selectors.active_bank_account(request.user)
    if request.method == "POST":
        form = BankAccountForm(request.POST)
        if form.is_valid():
            try:
                services.bank_account_save(worker=request.user, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:  # the service checks again; show it the same way
                form.add_error(None, exc)
            else:
                messages.success(request, _("振込先口座を登録しました。"))
                return redirect("payments:payout_list")
    else:
        initial = {}
        if current is not None:
            initial = {f: getattr(current, f) for f in BankAccountForm.base_fields}
        form = BankAccountForm(initial=initial)
    return render(request, "payments/bank_account.html", {"form": form, "current": current})


@role_required("worker")
def payout_list(request: AuthedRequest) -> HttpResponse:
    return render(
        request,
        "payments/payout_list.html",
        {
            "payouts": list(selectors.payouts_for_worker(request.user)),
            "account": selectors.active_bank_account(request.user),
            "balances": worker_balances(request.user),
        },
    )


@role_required("worker")
@require_http_methods(["GET", "POST"])
def payout_request(request: AuthedRequest) -> HttpResponse:
    """The amount, then a summary (the transfer fee, what reaches her bank, what can no longer be undone)
    whose button carries `confirmed=yes`; only that press reserves the money."""
    account = selectors.active_bank_account(request.user)
    balances = worker_balances(request.user)
    form = PayoutRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        amount = form.cleaned_data["amount"]
        try:
            if form.is_confirmed():
                services.payout_request(
                    worker=request.user, amount=amount, idempotency_key=form.cleaned_data["idempotency_key"]
                )
            else:
                services.payout_check(worker=request.user, amount=amount)
        except DomainError as exc:
            form.add_error("amount" if exc.field == "amount" else None, exc.message)
        else:
            if form.is_confirmed():
                messages.success(request, _("出金を申し込みました。振込までしばらくお待ちください。"))
                return redirect("payments:payout_list")
            return render(
                request,
                "payments/payout_confirm.html",
                {
                    "amount": amount,
                    "fee": PAYOUT_TRANSFER_FEE,
                    "net": amount - PAYOUT_TRANSFER_FEE,
                    "left": balances.available - amount,
                    "account": account,
                    "key": form.cleaned_data["idempotency_key"],
                },
            )
    return render(
        request,
        "payments/payout_request.html",
        {
            "form": form,
            "account": account,
            "balances": balances,
            "fee": PAYOUT_TRANSFER_FEE,
            "minimum": PAYOUT_MINIMUM,
        },
    )


@role_required("worker")
def invoice_list(request: AuthedRequest) -> HttpResponse:
    documents = selectors.invoices_by_settlement(request.user)
    settlements = list(selectors.fee_settlements_for_worker(request.user))
    for s in settlements:
        # The link says "issue and download" until the document exists (it opens the issue page then).
        s.issued = str(s.pk) in documents  # type: ignore[attr-defined]
    return render(
        request,
        "payments/invoice_list.html",
        {
            "settlements": selectors.with_subjects(settlements, lambda s: s.escrow),
            "documents": documents,
            "returns": list(selectors.return_documents_for(request.user)),
        },
    )


@role_required("worker")
@require_http_methods(["GET", "HEAD", "POST"])
def invoice_pdf(request: AuthedRequest, settlement_id: int) -> HttpResponse:
    settlement = selectors.access_worker_fee_settlement(request.user, settlement_id)
    return document_or_issue_form(
        request,
        DocumentKind.INVOICE,
        settlement,
        lambda: services.invoice_issue(settlement=settlement, actor=request.user),
    )
