"""Reads of the ledger. Every balance is derived by SUM over postings (nothing is cached), so what a page
shows is what the journal says. Amounts are returned as positive yen in the person's point of view
("we hold ¥5,000 for you") unless a name says "raw" or "signed"."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import F, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from hataraku.accounts.models import User
from hataraku.core import clock
from hataraku.core.errors import NotFound

from .constants import AccountKind, EntryKind, FundingStatus
from .models import Account, Escrow, Funding, JournalEntry, PayoutHold, Posting, Settlement


def _sum(qs: QuerySet[Any], field: str = "amount") -> int:
    return int(qs.aggregate(t=Sum(field))["t"] or 0)


def account_balance(account: Account) -> int:
    """The signed balance of `account`: debits positive, credits negative (a liability we owe is < 0)."""
    return _sum(Posting.objects.filter(account=account))


def escrow_held(escrow: Escrow) -> int:
    """Yen the escrow holds right now (posted fundings minus releases and refunds), ≥ 0."""
    return -_sum(Posting.objects.filter(account__escrow=escrow))


def escrow_pending_funding(escrow: Escrow) -> int:
    """Yen announced for the escrow but not yet received (pending fundings)."""
    return _sum(Funding.objects.filter(escrow=escrow, status=FundingStatus.PENDING))


@dataclass(frozen=True)
class Balances:
    """A worker's money. `pending`: held in escrows linked to them (not yet theirs); `available`: theirs,
    can be paid out; `in_transit`: payout requested, not yet confirmed by the bank; `paid`: reached their
    bank (transfer fees already taken off); `withheld`: withholding income tax kept from their payments."""

    pending: int
    available: int
    paid: int
    withheld: int
    in_transit: int = 0


def _owed(kind: str, owner: User) -> int:
    return -_sum(Posting.objects.filter(account__kind=kind, account__owner=owner))


def worker_available(worker: User) -> int:
    """What the worker may pay out now (`Balances.available`), in one query: the dashboard's balance."""
    return _owed(AccountKind.WORKER_PAYABLE, worker)


def worker_balances(worker: User) -> Balances:
    # A hold is settled when its final entry is the settlement (the hold stores no status of its own).
    settled = PayoutHold.objects.filter(worker=worker, final_entry__kind=EntryKind.PAYOUT_SETTLE).aggregate(
        amount=Sum("amount"), fee=Sum("transfer_fee")
    )
    return Balances(
        pending=-_sum(
            Posting.objects.filter(account__kind=AccountKind.ESCROW_HELD, account__escrow__worker=worker)
        ),
        available=_owed(AccountKind.WORKER_PAYABLE, worker),
        paid=int(settled["amount"] or 0) - int(settled["fee"] or 0),
        withheld=_sum(_live_settlements().filter(worker=worker), "withholding"),
        in_transit=_owed(AccountKind.WORKER_IN_TRANSIT, worker),
    )


@dataclass(frozen=True)
class ClientBalances:
    """A client's money. `held`: in their escrows; `pending_funding`: fundings not yet received;
    `refundable`: returned to them and not yet sent back; `released`: paid to workers (gross)."""

    held: int
    pending_funding: int
    refundable: int
    released: int


def client_balances(client: User) -> ClientBalances:
    return ClientBalances(
        held=-_sum(
            Posting.objects.filter(account__kind=AccountKind.ESCROW_HELD, account__escrow__client=client)
        ),
        pending_funding=_sum(Funding.objects.filter(escrow__client=client, status=FundingStatus.PENDING)),
        refundable=_owed(AccountKind.CLIENT_REFUNDABLE, client),
        released=_sum(_live_settlements().filter(escrow__client=client), "worker_gross"),
    )


def trial_balance() -> dict[str, int]:
    """Signed balance of every account that has postings, by account code. The values sum to zero."""
    rows = Posting.objects.values("account__code").annotate(total=Sum("amount")).order_by("account__code")
    return {row["account__code"]: int(row["total"]) for row in rows}


@dataclass(frozen=True)
class TrialBalanceRow:
    code: str
    name: str
    type: str
    debit: int
    credit: int


def trial_balance_rows() -> list[TrialBalanceRow]:
    """The trial balance as the staff page shows it: total debits and total credits per account."""
    rows = (
        Posting.objects.values("account__code", "account__name", "account__type")
        .annotate(
            debit=Sum("amount", filter=Q(amount__gt=0)),
            credit=Sum("amount", filter=Q(amount__lt=0)),
        )
        .order_by("account__code")
    )
    return [
        TrialBalanceRow(
            code=r["account__code"],
            name=r["account__name"],
            type=r["account__type"],
            debit=int(r["debit"] or 0),
            credit=-int(r["credit"] or 0),
        )
        for r in rows
    ]


def platform_totals() -> dict[str, int]:
    """Totals by account kind in the natural direction (assets/expenses as debits, the rest as credits)."""
    rows = Posting.objects.values("account__kind").annotate(total=Sum("amount"))
    debit_normal = {AccountKind.PLATFORM_BANK, AccountKind.PROVIDER_CLEARING, AccountKind.BANK_FEES_EXPENSE}
    totals = {str(kind): 0 for kind in AccountKind.values}
    for row in rows:
        kind = row["account__kind"]
        total = int(row["total"] or 0)
        totals[kind] = total if kind in debit_normal else -total
    return totals


@dataclass(frozen=True)
class WorkerPayable:
    worker_id: int
    worker_name: str
    available: int
    in_transit: int


def payables_by_worker() -> list[WorkerPayable]:
    """Every worker we owe money to, with what is available and what is in transit."""
    rows = (
        Posting.objects.filter(account__kind__in=[AccountKind.WORKER_PAYABLE, AccountKind.WORKER_IN_TRANSIT])
        .values("account__owner_id", "account__kind")
        .annotate(total=Sum("amount"))
    )
    by_worker: dict[int, dict[str, int]] = {}
    for row in rows:
        by_worker.setdefault(row["account__owner_id"], {})[row["account__kind"]] = -int(row["total"] or 0)
    users = users_by_id(list(by_worker))
    result = [
        WorkerPayable(
            worker_id=pk,
            worker_name=users[pk].name_for_display,
            available=totals.get(AccountKind.WORKER_PAYABLE, 0),
            in_transit=totals.get(AccountKind.WORKER_IN_TRANSIT, 0),
        )
        for pk, totals in by_worker.items()
    ]
    return sorted((r for r in result if r.available or r.in_transit), key=lambda r: r.worker_id)


def _live_settlements() -> QuerySet[Settlement]:
    """Settlements whose journal entry has not been reversed."""
    return Settlement.objects.filter(entry__reversed_by__isnull=True)


def settlements_for_worker(worker: User) -> QuerySet[Settlement]:
    return _live_settlements().filter(worker=worker).select_related("escrow").order_by("-occurred_at", "-id")


def escrows_for_client(client: User) -> QuerySet[Escrow]:
    """The client's escrows, each annotated with `held` and `pending` yen (one query, no N+1)."""
    held = (
        Posting.objects.filter(account__escrow=OuterRef("pk"))
        .values("account__escrow")
        .annotate(t=Sum(F("amount") * -1))
        .values("t")
    )
    pending = (
        Funding.objects.filter(escrow=OuterRef("pk"), status=FundingStatus.PENDING)
        .values("escrow")
        .annotate(t=Sum("amount"))
        .values("t")
    )
    return (
        Escrow.objects.filter(client=client)
        .select_related("worker")
        .annotate(
            held=Coalesce(Subquery(held), Value(0)),
            pending=Coalesce(Subquery(pending), Value(0)),
        )
        .order_by("-created_at", "-id")
    )


def fundings_for_client(client: User) -> QuerySet[Funding]:
    return (
        Funding.objects.filter(escrow__client=client).select_related("escrow").order_by("-created_at", "-id")
    )


def access_escrow(user: User, escrow_id: int) -> Escrow:
    """The escrow if `user` is its client, its worker or staff; `NotFound` alike for missing and forbidden."""
    escrow = Escrow.objects.filter(pk=escrow_id).first()
    if escrow is None or not (
        getattr(user, "is_staff", False) or user.pk in (escrow.client_id, escrow.worker_id)
    ):
        raise NotFound()
    return escrow


def entries_for_user(user: User) -> QuerySet[JournalEntry]:
    """Journal entries touching any account `user` owns or any escrow where they are client or worker."""
    return (
        JournalEntry.objects.filter(
            Q(postings__account__owner=user) | Q(escrow__client=user) | Q(escrow__worker=user)
        )
        .distinct()
        .prefetch_related("postings__account")
        .order_by("occurred_at", "id")
    )


# --- yearly payment record (支払調書) ---------------------------------------------------------------------


@dataclass(frozen=True)
class PaymentRecord:
    """What one client paid one worker in one calendar year (Japan time) and the tax withheld from it —
    the figures of the 報酬、料金、契約金及び賞金の支払調書. `paid` is the gross amount released."""

    year: int
    client_id: int
    worker_id: int
    paid: int
    withheld: int


def _year_bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime(year, 1, 1, tzinfo=clock.TOKYO)
    return start, dt.datetime(year + 1, 1, 1, tzinfo=clock.TOKYO)


def payment_records(
    *, year: int, worker: User | None = None, client: User | None = None
) -> list[PaymentRecord]:
    """Payment records for `year`, one per (client, worker), optionally for one worker and/or client."""
    start, end = _year_bounds(year)
    qs = _live_settlements().filter(occurred_at__gte=start, occurred_at__lt=end, worker__isnull=False)
    if worker is not None:
        qs = qs.filter(worker=worker)
    if client is not None:
        qs = qs.filter(escrow__client=client)
    rows = (
        qs.values("escrow__client_id", "worker_id")
        .annotate(paid=Sum("worker_gross"), withheld=Sum("withholding"))
        .order_by("escrow__client_id", "worker_id")
    )
    return [
        PaymentRecord(
            year=year,
            client_id=r["escrow__client_id"],
            worker_id=r["worker_id"],
            paid=int(r["paid"] or 0),
            withheld=int(r["withheld"] or 0),
        )
        for r in rows
    ]


def payment_record(*, year: int, worker: User, client: User) -> PaymentRecord:
    """The one record for (client, worker, year); zeros when nothing was paid."""
    found = payment_records(year=year, worker=worker, client=client)
    if found:
        return found[0]
    return PaymentRecord(year=year, client_id=client.pk, worker_id=worker.pk, paid=0, withheld=0)


def users_by_id(ids: list[int]) -> dict[int, Any]:
    """Users by primary key, in one query (for naming clients and workers in tables)."""
    from django.contrib.auth import get_user_model

    return {u.pk: u for u in get_user_model().objects.filter(pk__in=set(ids))}
