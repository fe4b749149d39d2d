"""The money overviews: a worker's earnings, a client's escrows and fundings, and the staff's view of the
whole ledger. Each view authorises by role (404 otherwise) and only reads, through the ledger's selectors
(the ledger is the bookkeeping engine; the pages about money live here)."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

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


CHART_WIDTH = 400  # px of the longest bar
BAR_HEIGHT = 36
BAR_GAP = 20


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
    bars = _bars(
        [
            (_("仮払い中"), balances.pending),
            (_("出金できる"), balances.available),
            (_("振込手続き中"), balances.in_transit),
            (_("振込済み"), balances.paid),
        ]
    )
    records = ledger.payment_records(year=year, worker=request.user)
    clients = ledger.users_by_id([r.client_id for r in records])
    return render(
        request,
        "payments/earnings.html",
        {
            "balances": balances,
            "bars": bars,
            "chart_height": len(bars) * (BAR_HEIGHT + BAR_GAP),
            "bar_height": BAR_HEIGHT,
            "settlements": list(ledger.settlements_for_worker(request.user)[:SETTLEMENTS_SHOWN]),
            "year": year,
            "records": [(clients.get(r.client_id), r) for r in records],
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
            "escrows": list(ledger.escrows_for_client(request.user)),
            "fundings": list(ledger.fundings_for_client(request.user)[:100]),
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
