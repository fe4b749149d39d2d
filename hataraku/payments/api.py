"""The money API for a logged-in person (`/api/money/`): balances, payouts, a client's refund withdrawals
and the yearly payment record.

Session authentication only (`django_auth`), which also checks the CSRF token on POST, so a page of
ours can call it and another site cannot. Wrong role → 404, like the HTML pages. Every status an
operation can answer is declared in `response={...}` so that the OpenAPI schema tells the truth
(schemathesis checks it: hataraku/core/tests/test_api_schema.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Header, Query, Router, Status
from ninja.security import django_auth

from hataraku.accounts.models import User
from hataraku.core import clock
from hataraku.core.api_errors import ANONYMOUS, NOT_A_WORKER
from hataraku.core.errors import NotFound
from hataraku.core.permissions import has_role
from hataraku.ledger.selectors import PaymentRecord, payment_records, worker_balances

from . import selectors, services
from .constants import PAYMENT_RECORD_YEAR_MAX, PAYMENT_RECORD_YEAR_MIN, ClientWithdrawalStatus, PayoutStatus
from .models import ClientWithdrawal, Payout
from .schemas import (
    BalancesOut,
    ErrorOut,
    PaymentRecordOut,
    PaymentRecordsOut,
    PayoutIn,
    PayoutOut,
    RefundWithdrawalIn,
    RefundWithdrawalOut,
)

router = Router(auth=django_auth, tags=["money"])

# The key is stored with its sender (services.scoped_key) in a 100-character column, a longer one by its
# hash; the API still refuses more than 100 characters, so its documented limit stays what it was.
IDEMPOTENCY_KEY_MAX = 100
# Visible ASCII only: no blank key, and no NUL or control character (PostgreSQL refuses NUL in text).
IDEMPOTENCY_KEY_PATTERN = r"^[!-~]+$"


def _account(request: HttpRequest) -> User:
    """The logged-in account (the API's session auth let only those in); NotFound otherwise."""
    user = request.user
    if not isinstance(user, User):
        raise NotFound()
    return user


def _worker(request: HttpRequest) -> User:
    user = _account(request)
    if not has_role(user, "worker"):
        raise NotFound()
    return user


def _client(request: HttpRequest) -> User:
    user = _account(request)
    if not has_role(user, "client"):
        raise NotFound()
    return user


def _utc(moment: dt.datetime) -> dt.datetime:
    # One spelling of each moment (UTC), so a replay's body is the first answer's, byte for byte.
    return moment.astimezone(dt.UTC)


def _payout_out(payout: Payout) -> PayoutOut:
    return PayoutOut(
        id=payout.pk,
        amount=payout.amount,
        fee=payout.transfer_fee,
        net_amount=payout.net_amount,
        status=PayoutStatus(payout.status),
        status_label=str(payout.get_status_display()),
        requested_at=_utc(payout.created_at),
        paid_at=_utc(payout.decided_at) if payout.status == PayoutStatus.PAID and payout.decided_at else None,
    )


def _withdrawal_out(row: ClientWithdrawal) -> RefundWithdrawalOut:
    paid = row.status == ClientWithdrawalStatus.PAID and row.decided_at
    return RefundWithdrawalOut(
        id=row.pk,
        amount=row.amount,
        status=ClientWithdrawalStatus(row.status),
        status_label=str(row.get_status_display()),
        requested_at=_utc(row.created_at),
        paid_at=_utc(row.decided_at) if paid and row.decided_at else None,
    )


def _record_out(record: PaymentRecord) -> PaymentRecordOut:
    return PaymentRecordOut(
        year=record.year,
        client_id=record.client_id,
        worker_id=record.worker_id,
        paid=record.paid,
        withheld=record.withheld,
    )


@router.get("/balances", response={200: BalancesOut, **ANONYMOUS, **NOT_A_WORKER})
def balances(request: HttpRequest) -> BalancesOut:
    b = worker_balances(_worker(request))
    return BalancesOut(
        pending=b.pending, available=b.available, in_transit=b.in_transit, paid=b.paid, withheld=b.withheld
    )


@router.get("/payouts", response={200: list[PayoutOut], **ANONYMOUS, **NOT_A_WORKER})
def payout_list(request: HttpRequest) -> list[PayoutOut]:
    return [_payout_out(p) for p in selectors.payouts_for_worker(_worker(request))]


@router.post(
    "/payouts",
    response={
        201: PayoutOut,  # also for the same Idempotency-Key again: the first payout, nothing new
        400: ErrorOut,  # Idempotency-Key missing, blank, too long or not visible ASCII
        **ANONYMOUS,
        403: ErrorOut,  # CSRF token missing or wrong
        **NOT_A_WORKER,
        409: ErrorOut,  # the key was used for another request
        422: ErrorOut,  # below the minimum, above the balance, no bank account, malformed body
    },
)
def payout_create(
    request: HttpRequest,
    body: PayoutIn,
    idempotency_key: str = Header(
        ...,
        alias="Idempotency-Key",
        max_length=IDEMPOTENCY_KEY_MAX,
        pattern=IDEMPOTENCY_KEY_PATTERN,
        description=(
            "One key per payout request (e.g. a UUID), yours alone: another person's key never meets yours. "
            "Sending it again answers what the first request answered (201 and the first payout)."
        ),
    ),
) -> Status[Any]:
    payout = services.payout_request(
        worker=_worker(request), amount=body.amount, idempotency_key=idempotency_key
    )
    # A replay answers exactly what the first request answered (201 and the same payout), whether it
    # comes a minute later or at the same moment: the client cannot tell which copy arrived first.
    return Status(201, _payout_out(payout))


@router.get("/refund-withdrawals", response={200: list[RefundWithdrawalOut], **ANONYMOUS, **NOT_A_WORKER})
def refund_withdrawal_list(request: HttpRequest) -> list[RefundWithdrawalOut]:
    """A client's requests to have her refundable balance sent back to her bank account (404 for others)."""
    return [_withdrawal_out(w) for w in selectors.withdrawals_for_client(_client(request))]


@router.post(
    "/refund-withdrawals",
    response={
        201: RefundWithdrawalOut,  # also for the same Idempotency-Key again: the first request, nothing new
        400: ErrorOut,
        **ANONYMOUS,
        403: ErrorOut,
        **NOT_A_WORKER,
        409: ErrorOut,
        422: ErrorOut,  # above the refundable balance, below ¥1, no bank account, malformed body
    },
)
def refund_withdrawal_create(
    request: HttpRequest,
    body: RefundWithdrawalIn,
    idempotency_key: str = Header(
        ...,
        alias="Idempotency-Key",
        max_length=IDEMPOTENCY_KEY_MAX,
        pattern=IDEMPOTENCY_KEY_PATTERN,
        description="One key per request (e.g. a UUID); sending it again answers what the first answered.",
    ),
) -> Status[Any]:
    row = services.client_withdrawal_request(
        client=_client(request), amount=body.amount, idempotency_key=idempotency_key
    )
    return Status(201, _withdrawal_out(row))


@router.get(
    "/payment-records",
    response={200: PaymentRecordsOut, **ANONYMOUS, 404: ErrorOut, 422: ErrorOut},  # 422: year out of range
)
def payment_record_list(
    request: HttpRequest,
    year: int = Query(
        None, ge=PAYMENT_RECORD_YEAR_MIN, le=PAYMENT_RECORD_YEAR_MAX, description="暦年(省略時は今年)"
    ),
) -> PaymentRecordsOut:
    """The 支払調書 figures of `year`: what the caller was paid (as worker) and paid (as client)."""
    user = _account(request)
    is_worker, is_client = has_role(user, "worker"), has_role(user, "client")
    if not (is_worker or is_client):
        raise NotFound()
    year = year or clock.today().year
    return PaymentRecordsOut(
        year=year,
        as_worker=[_record_out(r) for r in payment_records(year=year, worker=user)] if is_worker else [],
        as_client=[_record_out(r) for r in payment_records(year=year, client=user)] if is_client else [],
    )
