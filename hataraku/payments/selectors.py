"""Reads with rules: each query is already scoped to what the person may see."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet, Sum
from django.db.models.functions import TruncMonth

from hataraku.accounts.models import User
from hataraku.core import clock
from hataraku.core.errors import NotFound
from hataraku.ledger.constants import FundingSource, FundingStatus
from hataraku.ledger.models import Escrow, Funding, Settlement
from hataraku.ledger.selectors import settlements_for_worker

from .constants import ClientWithdrawalStatus, DocumentKind, PayoutStatus, Provider, WithdrawalDestination
from .models import BankAccount, ClientWithdrawal, InvoiceDocument, Payout, PayoutBatch, ProviderFunding
from .subjects import escrow_subjects


def active_bank_account(worker: User) -> BankAccount | None:
    return BankAccount.objects.filter(worker=worker, is_active=True).first()


def payouts_for_worker(worker: User) -> QuerySet[Payout]:
    return Payout.objects.filter(worker=worker).order_by("-created_at", "-id")


def access_client_escrow(user: User, escrow_id: int) -> Escrow:
    """The escrow if `user` is its client (only the client pays into it); NotFound otherwise."""
    escrow = Escrow.objects.filter(pk=escrow_id).first()
    if escrow is None or escrow.client_id != user.pk:
        raise NotFound()
    return escrow


def access_client_provider_funding(user: User, pk: int) -> ProviderFunding:
    pf = ProviderFunding.objects.select_related("escrow", "funding").filter(pk=pk, client=user).first()
    if pf is None:
        raise NotFound()
    return pf


def bank_transfers_waiting() -> QuerySet[ProviderFunding]:
    return (
        ProviderFunding.objects.filter(provider=Provider.BANK_TRANSFER, funding__status=FundingStatus.PENDING)
        .select_related("client", "escrow", "funding")
        .order_by("created_at", "id")
    )


def access_staff_bank_transfer(user: User, pk: int) -> ProviderFunding:
    """Any bank transfer, waiting or already decided, for staff only (so a repeated confirm or void can be
    told it is done rather than answered 404); NotFound otherwise."""
    pf = (
        ProviderFunding.objects.filter(provider=Provider.BANK_TRANSFER, pk=pk)
        .select_related("client", "escrow", "funding")
        .first()
        if getattr(user, "is_staff", False)
        else None
    )
    if pf is None:
        raise NotFound()
    return pf


def posted_fundings_for_client(client: User) -> QuerySet[Funding]:
    return (
        # A funding paid from her refundable balance has no receipt of its own: the money was receipted
        # when she first paid it.
        Funding.objects.filter(escrow__client=client, status=FundingStatus.POSTED)
        .exclude(source=FundingSource.CLIENT_BALANCE)
        .select_related("escrow")
        .order_by("-decided_at", "-id")
    )


def access_client_posted_funding(user: User, funding_id: int) -> Funding:
    funding = posted_fundings_for_client(user).select_related("escrow__client").filter(pk=funding_id).first()
    if funding is None:
        raise NotFound()
    return funding


def fee_settlements_for_worker(worker: User) -> QuerySet[Settlement]:
    return settlements_for_worker(worker).filter(fee__gt=0)


def access_worker_fee_settlement(user: User, settlement_id: int) -> Settlement:
    settlement = fee_settlements_for_worker(user).select_related("worker").filter(pk=settlement_id).first()
    if settlement is None:
        raise NotFound()
    return settlement


def documents_by_source(user: User, kind: str, source_type: str) -> dict[str, InvoiceDocument]:
    docs = InvoiceDocument.objects.filter(recipient=user, kind=kind, source_type=source_type)
    return {d.source_id: d for d in docs}


def receipts_by_funding(user: User) -> dict[str, InvoiceDocument]:
    return documents_by_source(user, DocumentKind.RECEIPT, "ledger.funding")


def invoices_by_settlement(user: User) -> dict[str, InvoiceDocument]:
    return documents_by_source(user, DocumentKind.INVOICE, "ledger.settlement")


def issued_document(kind: str, source: Funding | Settlement) -> InvoiceDocument | None:
    """The receipt or invoice already issued for `source`, or None (a GET only reads; issuing is a POST
    or the clock's `invoices_issue_due`)."""
    return InvoiceDocument.objects.filter(
        kind=kind, source_type=source._meta.label_lower, source_id=str(source.pk)
    ).first()


def batches() -> QuerySet[PayoutBatch]:
    return PayoutBatch.objects.select_related("created_by").order_by("-created_at", "-id")


def access_batch(user: User, batch_id: int) -> PayoutBatch:
    batch = PayoutBatch.objects.filter(pk=batch_id).first() if getattr(user, "is_staff", False) else None
    if batch is None:
        raise NotFound()
    return batch


def access_batched_payout(user: User, payout_id: int) -> Payout:
    payout = Payout.objects.filter(pk=payout_id).first() if getattr(user, "is_staff", False) else None
    if payout is None:
        raise NotFound()
    return payout


def requested_payouts() -> QuerySet[Payout]:
    return Payout.objects.filter(status=PayoutStatus.REQUESTED, batch__isnull=True).select_related("worker")


def held_payouts() -> QuerySet[Payout]:
    """Payouts of suspended workers waiting for staff review, oldest first."""
    return (
        Payout.objects.filter(status=PayoutStatus.HELD).select_related("worker").order_by("created_at", "pk")
    )


def access_held_payout(user: User, payout_id: int) -> Payout:
    payout = (
        Payout.objects.filter(pk=payout_id, status__in=[PayoutStatus.HELD, PayoutStatus.REQUESTED]).first()
        if getattr(user, "is_staff", False)
        else None
    )
    if payout is None:
        raise NotFound()
    return payout


def payment_record_years(client: User) -> list[int]:
    """Calendar years (Japan time) in which `client` paid any worker, newest first."""
    moments = Settlement.objects.filter(
        escrow__client=client, worker__isnull=False, entry__reversed_by__isnull=True
    ).datetimes("occurred_at", "year", order="DESC", tzinfo=clock.TOKYO)
    return [m.year for m in moments]


def withdrawals_for_client(client: User) -> QuerySet[ClientWithdrawal]:
    return ClientWithdrawal.objects.filter(client=client).order_by("-created_at", "-id")


def client_withdrawals_in_transit(client: User) -> int:
    """Yen she asked to have sent back that the bank or the card company has not yet confirmed (requested,
    batched, or at the card company)."""
    rows = ClientWithdrawal.objects.filter(
        client=client,
        status__in=[
            ClientWithdrawalStatus.REQUESTED,
            ClientWithdrawalStatus.BATCHED,
            ClientWithdrawalStatus.PROVIDER,
        ],
    ).values_list("amount", flat=True)
    return sum(int(amount) for amount in rows)


def requested_client_withdrawals() -> QuerySet[ClientWithdrawal]:
    return ClientWithdrawal.objects.filter(
        status=ClientWithdrawalStatus.REQUESTED, batch__isnull=True, destination=WithdrawalDestination.BANK
    ).select_related("client")


def access_batched_client_withdrawal(user: User, withdrawal_id: int) -> ClientWithdrawal:
    found = (
        ClientWithdrawal.objects.filter(pk=withdrawal_id).first()
        if getattr(user, "is_staff", False)
        else None
    )
    if found is None:
        raise NotFound()
    return found


def return_documents_for(user: User) -> QuerySet[InvoiceDocument]:
    """Her 適格返還請求書 (fees we gave back), newest first."""
    return InvoiceDocument.objects.filter(recipient=user, kind=DocumentKind.RETURN).order_by(
        "-issued_on", "-id"
    )


def access_return_document(user: User, document_id: int) -> InvoiceDocument:
    found = return_documents_for(user).filter(pk=document_id).first()
    if found is None:
        raise NotFound()
    return found


# --- money tables in plain words (issue 10, item 4) --------------------------------------------------------


def with_subjects(rows: list[Any], escrow: Callable[[Any], Escrow]) -> list[tuple[Any, str]]:
    """Each row with what its escrow pays for (`subjects.escrow_subjects`: one query per kind of escrow,
    never one per row). `escrow(row)` is the row's escrow, already loaded (select_related)."""
    names = escrow_subjects(escrow(row) for row in rows)
    return [(row, names[escrow(row).pk]) for row in rows]


@dataclass(frozen=True)
class MonthEarnings:
    """What one calendar month (Japan time) paid a worker: `gross` released to her, `net` after the fee,
    its tax and withholding (what reached her balance)."""

    month: dt.date
    gross: int
    net: int


def earnings_by_month(worker: User, *, months: int = 12) -> list[MonthEarnings]:
    """The last `months` calendar months up to this one, oldest first, months without payments included
    as zero; reversed releases left out. One query."""
    today = clock.today()
    first = dt.date(today.year, today.month, 1)
    starts = [first]
    for _i in range(months - 1):
        previous = starts[-1] - dt.timedelta(days=1)
        starts.append(dt.date(previous.year, previous.month, 1))
    starts.reverse()
    since = dt.datetime(starts[0].year, starts[0].month, 1, tzinfo=clock.TOKYO)
    rows = (
        Settlement.objects.filter(worker=worker, entry__reversed_by__isnull=True, occurred_at__gte=since)
        .annotate(month=TruncMonth("occurred_at", tzinfo=clock.TOKYO))
        .values("month")
        .annotate(gross=Sum("worker_gross"), net=Sum("worker_net"))
    )
    found = {row["month"].date(): row for row in rows}
    return [
        MonthEarnings(
            month=start,
            gross=int(found[start]["gross"] or 0) if start in found else 0,
            net=int(found[start]["net"] or 0) if start in found else 0,
        )
        for start in starts
    ]
