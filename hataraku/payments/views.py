from __future__ import annotations

import csv
import logging
from typing import Any

import stripe
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from hataraku.accounts.permissions import recent_mfa_required
from hataraku.accounts.types import AuthedRequest
from hataraku.core import clock
from hataraku.core.errors import DomainError
from hataraku.core.permissions import role_required
from hataraku.ledger.selectors import escrow_held, payment_records, users_by_id, worker_balances

from . import selectors, services
from .constants import (
    PAYMENT_RECORD_YEAR_MAX,
    PAYMENT_RECORD_YEAR_MIN,
    PAYOUT_MINIMUM,
    PAYOUT_TRANSFER_FEE,
    DocumentKind,
    Provider,
    ProviderFundingStatus,
)
from .forms import (
    BankAccountForm,
    BatchCreateForm,
    FundingStartForm,
    PaymentRecordYearForm,
    PayoutDecisionForm,
    PayoutRequestForm,
)
from .pdf import render_document
from .providers import StripeProvider, enabled_providers
from .zengin import build_transfer_file, sender_settings

logger = logging.getLogger(__name__)


def _pdf(doc: Any) -> HttpResponse:
    response = HttpResponse(render_document(doc), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{doc.number}.pdf"'
    return response


# --- worker ----------------------------------------------------------------------------------------------


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
    account = selectors.active_bank_account(request.user)
    balances = worker_balances(request.user)
    form = PayoutRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.payout_request(
                worker=request.user,
                amount=form.cleaned_data["amount"],
                idempotency_key=form.cleaned_data["idempotency_key"],
            )
        except DomainError as exc:
            form.add_error("amount" if exc.field == "amount" else None, exc.message)
        else:
            messages.success(request, _("出金を申し込みました。振込までしばらくお待ちください。"))
            return redirect("payments:payout_list")
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
    return render(request, "payments/invoice_list.html", {"settlements": settlements, "documents": documents})


def _document_or_issue_form(request: AuthedRequest, kind: str, source: Any, issue: Any) -> HttpResponse:
    """A GET serves the document already issued, or a page with a button to issue it (the clock issues
    invoices within a minute; a receipt is issued with the payment's confirmation). The POST issues it
    (numbered then; the same document every time after) and answers with the PDF."""
    if request.method == "POST":
        return _pdf(issue())
    doc = selectors.issued_document(kind, source)
    if doc is not None:
        return _pdf(doc)
    return render(request, "payments/document_issue.html", {"kind": kind})


@role_required("worker")
@require_http_methods(["GET", "HEAD", "POST"])
def invoice_pdf(request: AuthedRequest, settlement_id: int) -> HttpResponse:
    settlement = selectors.access_worker_fee_settlement(request.user, settlement_id)
    return _document_or_issue_form(
        request,
        DocumentKind.INVOICE,
        settlement,
        lambda: services.invoice_issue(settlement=settlement, actor=request.user),
    )


# --- client ----------------------------------------------------------------------------------------------


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
    pending = escrow.provider_fundings.filter(client_id=request.user.pk).order_by("-created_at", "-id")
    waiting = next((pf for pf in pending if pf.status == ProviderFundingStatus.PENDING), None)
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
        },
    )


@role_required("client")
def funding_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    from django.conf import settings

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
    if pf.provider == Provider.STRIPE and pf.status == ProviderFundingStatus.PENDING and not pf.action_url:
        try:
            pf = StripeProvider().checkout_open(pf.pk)
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
    if pf.provider == Provider.STRIPE and pf.status == ProviderFundingStatus.PENDING:
        try:
            pf = StripeProvider().confirm(pf, actor=None)
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
    return render(request, "payments/receipt_list.html", {"fundings": fundings, "documents": documents})


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
        raise Http404
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
    return _document_or_issue_form(
        request,
        DocumentKind.RECEIPT,
        funding,
        lambda: services.receipt_issue(funding=funding, actor=request.user),
    )


# --- staff -----------------------------------------------------------------------------------------------


@role_required("staff")
def staff_transfer_queue(request: AuthedRequest) -> HttpResponse:
    return render(
        request, "payments/staff_transfer_queue.html", {"waiting": list(selectors.bank_transfers_waiting())}
    )


@role_required("staff")
@recent_mfa_required
@require_POST
def staff_transfer_decide(request: AuthedRequest, pk: int, decision: str) -> HttpResponse:
    """Confirm or void a waiting bank transfer. A repeat of the same decision (a double click, a resent
    POST) moves nothing and says it is already done; the other decision on a decided transfer is refused."""
    pf = selectors.access_staff_bank_transfer(request.user, pk)
    if pf.status != ProviderFundingStatus.PENDING:
        if (decision, pf.status) == ("confirm", ProviderFundingStatus.SUCCEEDED):
            messages.info(
                request, _("この入金はすでに確認済みです(受付番号 %(code)s)。") % {"code": pf.reference_code}
            )
        elif (decision, pf.status) == ("void", ProviderFundingStatus.VOIDED):
            messages.info(
                request,
                _("この入金待ちはすでに取り消し済みです(受付番号 %(code)s)。") % {"code": pf.reference_code},
            )
        else:
            messages.error(
                request,
                _("この入金はすでに「%(status)s」のため、変更できません(受付番号 %(code)s)。")
                % {"status": pf.get_status_display(), "code": pf.reference_code},
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
    return render(
        request,
        "payments/staff_batches.html",
        {
            "form": form,
            "batches": list(selectors.batches()),
            "waiting": waiting,
            "waiting_total": sum(p.net_amount for p in waiting),
        },
    )


@role_required("staff")
def staff_batch_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    batch = selectors.access_batch(request.user, pk)
    payouts = list(batch.payouts.select_related("worker").order_by("pk"))
    return render(
        request,
        "payments/staff_batch_detail.html",
        {
            "batch": batch,
            "rows": [
                (p, PayoutDecisionForm(prefix=f"paid{p.pk}"), PayoutDecisionForm(prefix=f"failed{p.pk}"))
                for p in payouts
            ],
            "total": sum(p.net_amount for p in payouts),
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


# --- provider webhooks -----------------------------------------------------------------------------------


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> HttpResponse:
    return StripeProvider().handle_webhook(request)
