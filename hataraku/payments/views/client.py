"""A client's payment pages: paying what an escrow asks for, the funding's page (and Stripe's return to
it), receipts, and the yearly payment record (支払調書)."""

from __future__ import annotations

import csv
import logging
from typing import Any

import stripe
from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from hataraku.accounts.types import AuthedRequest
from hataraku.core import clock
from hataraku.core.errors import DomainError, NotFound
from hataraku.core.permissions import role_required
from hataraku.ledger.constants import FundingStatus
from hataraku.ledger.selectors import client_balances, escrow_held, payment_records, users_by_id

from .. import selectors, services
from ..constants import PAYMENT_RECORD_YEAR_MAX, PAYMENT_RECORD_YEAR_MIN, DocumentKind, Provider
from ..forms import BalanceFundingForm, FundingStartForm, PaymentRecordYearForm
from ..providers import enabled_providers
from ._documents import document_or_issue_form

logger = logging.getLogger(__name__)


@role_required("client")
@require_http_methods(["GET", "POST"])
def funding_start(request: AuthedRequest, escrow_id: int) -> HttpResponse:
    """Pay what the escrow asks for now (its owner says how much: `services.funding_ask`). The client
    chooses only how to pay; an escrow that asks nothing shows why, with no form."""
    escrow = selectors.access_client_escrow(request.user, escrow_id)
    ask = services.funding_ask(escrow)
    data = request.POST.copy() if request.method == "POST" else None
    form = FundingStartForm(
        data,
        providers=enabled_providers(),
        initial={"amount": ask.amount if ask is not None else ""},
    )
    if request.method == "POST" and form.is_valid():
        try:
            pf = services.funding_start(
                client=request.user,
                escrow=escrow,
                amount=form.cleaned_data["amount"],
                provider=form.cleaned_data["provider"],
                idempotency_key=form.cleaned_data["idempotency_key"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
            if data is not None and ask is not None:
                # Shown again, the form confirms the amount asked now, not the one that was refused.
                data["amount"] = str(ask.amount)
        else:
            return redirect("payments:funding_detail", pk=pf.pk)
    pending = (
        escrow.provider_fundings.filter(client_id=request.user.pk)
        .select_related("funding")
        .order_by("-created_at", "-id")
    )
    waiting = next((pf for pf in pending if pf.funding.status == FundingStatus.PENDING), None)
    return render(
        request,
        "payments/funding_start.html",
        {
            "form": form,
            "escrow": escrow,
            "ask": ask,
            "waiting": waiting,
            "pending": pending,
            # Named by its contract and milestone or week, never by the escrow's internal code.
            "subject": services.funding_subject(escrow),
            "held": escrow_held(escrow),
            # Her refundable balance may pay it at once; not while a card payment is under way (it may
            # already be paid on the provider's page).
            "refundable": client_balances(request.user).refundable,
            "balance_form": (
                BalanceFundingForm(initial={"amount": ask.amount})
                if ask is not None and (waiting is None or waiting.provider == Provider.BANK_TRANSFER)
                else None
            ),
        },
    )


@role_required("client")
def funding_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    pf = selectors.access_client_provider_funding(request.user, pk)
    # Reads only. Back from Stripe Checkout, the page shows the state it knows; the clock asks Stripe
    # about pending card fundings every minute (`services.fundings_reconcile_due`), and the client may ask
    # now with the button (`funding_check`, a POST).
    returned = request.GET.get("checkout", "")
    return render(
        request,
        "payments/funding_detail.html",
        {
            "pf": pf,
            "subject": services.funding_subject(pf.escrow),
            "receiving": settings.HATARAKU_RECEIVING_ACCOUNT,
            "is_bank": pf.provider == Provider.BANK_TRANSFER,
            "returned": returned,
        },
    )


@role_required("client")
@require_POST
def funding_checkout(request: AuthedRequest, pk: int) -> HttpResponse:
    """Open Stripe's payment page for a pending card funding that has none yet (Stripe refused or could not
    be reached right after the funding was recorded). Outside any transaction: a network call."""
    pf = selectors.access_client_provider_funding(request.user, pk)
    if pf.provider == Provider.STRIPE and pf.funding.status == FundingStatus.PENDING and not pf.action_url:
        try:
            pf = services.funding_page_open(provider_funding_id=pf.pk)
        except (stripe.StripeError, DomainError):
            logger.warning("stripe checkout for funding %s not opened", pf.pk, exc_info=True)
            messages.error(
                request,
                _("カード決済のページを用意できませんでした。少し時間をおいてもう一度お試しください。"),
            )
    # Back to our page, which links to Stripe's (a redirect from a form to another site would need
    # `form-action` opened in the CSP).
    return redirect("payments:funding_detail", pk=pf.pk)


@role_required("client")
@require_POST
def funding_check(request: AuthedRequest, pk: int) -> HttpResponse:
    """Ask Stripe now about a pending card funding (the clock does it every minute anyway): posted when
    paid, voided when the session expired, otherwise unchanged."""
    pf = selectors.access_client_provider_funding(request.user, pk)
    if pf.provider == Provider.STRIPE and pf.funding.status == FundingStatus.PENDING:
        try:
            pf = services.funding_check(provider_funding=pf, actor=None)
        except (stripe.StripeError, DomainError):
            logger.warning("stripe check for funding %s failed", pf.pk, exc_info=True)
            messages.error(
                request, _("お支払いの結果を確かめられませんでした。少し時間をおいてもう一度お試しください。")
            )
    return redirect("payments:funding_detail", pk=pf.pk)


@role_required("client")
def receipt_list(request: AuthedRequest) -> HttpResponse:
    documents = selectors.receipts_by_funding(request.user)
    fundings = list(selectors.posted_fundings_for_client(request.user))
    for f in fundings:
        f.issued = str(f.pk) in documents  # type: ignore[attr-defined]
    return render(
        request,
        "payments/receipt_list.html",
        {"fundings": selectors.with_subjects(fundings, lambda f: f.escrow), "documents": documents},
    )


def _payment_record_rows(client: Any, year: int) -> tuple[list[tuple[Any, Any]], int, int]:
    records = payment_records(year=year, client=client)
    workers = users_by_id([r.worker_id for r in records])
    rows = [(workers.get(r.worker_id), r) for r in records]
    return rows, sum(r.paid for r in records), sum(r.withheld for r in records)


@role_required("client")
def payment_records_page(request: AuthedRequest) -> HttpResponse:
    this_year = clock.today().year
    years = sorted(set(selectors.payment_record_years(request.user)) | {this_year}, reverse=True)
    form = PaymentRecordYearForm(request.GET if "year" in request.GET else None, years=years)
    year = form.cleaned_data["year"] if form.is_bound and form.is_valid() else this_year
    rows, total_paid, total_withheld = _payment_record_rows(request.user, year)
    return render(
        request,
        "payments/payment_records.html",
        {
            "form": PaymentRecordYearForm(initial={"year": year}, years=years),
            "year": year,
            "rows": rows,
            "total_paid": total_paid,
            "total_withheld": total_withheld,
        },
    )


def _csv_cell(value: Any) -> str:
    # A name starting with = + - @ would run as a formula in Excel; a leading quote keeps it text.
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@role_required("client")
def payment_records_csv(request: AuthedRequest, year: int) -> HttpResponse:
    if not (PAYMENT_RECORD_YEAR_MIN <= year <= PAYMENT_RECORD_YEAR_MAX):
        raise NotFound()
    rows, total_paid, total_withheld = _payment_record_rows(request.user, year)
    # UTF-8 with a BOM: Excel on Windows opens it as UTF-8 rather than Shift_JIS.
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="payment-records-{year}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([_("年"), _("ワーカー"), _("ワーカーID"), _("支払金額(円)"), _("源泉徴収税額(円)")])
    for worker, record in rows:
        name = worker.name_for_display if worker is not None else ""
        writer.writerow([year, _csv_cell(name), record.worker_id, record.paid, record.withheld])
    writer.writerow([year, _("合計"), "", total_paid, total_withheld])
    return response


@role_required("client")
@require_http_methods(["GET", "HEAD", "POST"])
def receipt_pdf(request: AuthedRequest, funding_id: int) -> HttpResponse:
    funding = selectors.access_client_posted_funding(request.user, funding_id)
    return document_or_issue_form(
        request,
        DocumentKind.RECEIPT,
        funding,
        lambda: services.receipt_issue(funding=funding, actor=request.user),
    )
