"""The money overviews: a worker's earnings, a client's escrows and fundings, and the staff's view of the
whole ledger. Each view authorises by role (404 otherwise) and only reads, through the ledger's selectors
(the ledger is the bookkeeping engine; the pages about money live here)."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.formats import date_format

from hataraku.accounts.types import AuthedRequest
from hataraku.core import clock
from hataraku.core.permissions import role_required
from hataraku.ledger import selectors as ledger

from .. import selectors

SETTLEMENTS_SHOWN = 50


@dataclass(frozen=True)
class Bar:
    label: str
    amount: int
    y: int
    width: int


CHART_WIDTH = 250  # px of the longest bar (the viewBox scales to the column; small, so text stays legible)
BAR_HEIGHT = 26
BAR_GAP = 8
LABEL_WIDTH = 110  # px left of the bars, for the month
AMOUNT_WIDTH = 110  # px right of the longest bar, for its amount


def _bars(items: list[tuple[str, int]]) -> list[Bar]:
    """Bar geometry for the earnings chart, computed here so the template has no arithmetic."""
    largest = max((amount for _, amount in items), default=0) or 1
    return [
        Bar(
            label=label,
            amount=amount,
            y=index * (BAR_HEIGHT + BAR_GAP),
            width=max(2, round(CHART_WIDTH * amount / largest)) if amount else 0,
        )
        for index, (label, amount) in enumerate(items)
    ]


@role_required("worker")
def earnings(request: AuthedRequest) -> HttpResponse:
    balances = ledger.worker_balances(request.user)
    year = clock.today().year
    months = selectors.earnings_by_month(request.user)
    bars = _bars([(date_format(m.month, "YEAR_MONTH_FORMAT"), m.net) for m in months])
    records = ledger.payment_records(year=year, worker=request.user)
    clients = ledger.users_by_id([r.client_id for r in records])
    settlements = list(ledger.settlements_for_worker(request.user)[:SETTLEMENTS_SHOWN])
    return render(
        request,
        "payments/earnings.html",
        {
            "balances": balances,
            "months": list(zip(months, bars, strict=True)),
            "bars": bars,
            "chart_height": len(bars) * (BAR_HEIGHT + BAR_GAP),
            "bar_height": BAR_HEIGHT,
            "label_width": LABEL_WIDTH,
            "chart_width": LABEL_WIDTH + CHART_WIDTH + AMOUNT_WIDTH,
            "settlements": selectors.with_subjects(settlements, lambda s: s.escrow),
            "year": year,
            "records": [(clients.get(r.client_id), r) for r in records],
            "account": selectors.active_bank_account(request.user),
        },
    )


@role_required("client")
def funding(request: AuthedRequest) -> HttpResponse:
    return render(
        request,
        "payments/funding.html",
        {
            "balances": ledger.client_balances(request.user),
            "refund_in_transit": selectors.client_withdrawals_in_transit(request.user),
            "escrows": selectors.with_subjects(list(ledger.escrows_for_client(request.user)), lambda e: e),
            "fundings": selectors.with_subjects(
                list(ledger.fundings_for_client(request.user)[:100]), lambda f: f.escrow
            ),
        },
    )


@role_required("staff")
def staff_overview(request: AuthedRequest) -> HttpResponse:
    rows = ledger.trial_balance_rows()
    return render(
        request,
        "payments/ledger_staff.html",
        {
            "totals": ledger.platform_totals(),
            "payables": ledger.payables_by_worker(),
            "rows": rows,
            "total_debit": sum(r.debit for r in rows),
            "total_credit": sum(r.credit for r in rows),
        },
    )
