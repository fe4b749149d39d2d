"""The money API for a logged-in person (`/api/money/`): balances, payouts and the yearly payment record.

Session authentication only (`django_auth`), which also checks the CSRF token on POST, so a page of
ours can call it and another site cannot. Wrong role → 404, like the HTML pages. Every status an
operation can answer is declared in `response={...}` so that the OpenAPI schema tells the truth
(schemathesis checks it: hataraku/core/tests/test_api_schema.py)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Header, Query, Router, Status
from ninja.security import django_auth

from hataraku.core import clock
from hataraku.core.errors import NotFound
from hataraku.core.permissions import has_role
from hataraku.ledger.selectors import PaymentRecord, payment_records, worker_balances

from . import selectors, services
from .constants import PAYMENT_RECORD_YEAR_MAX, PAYMENT_RECORD_YEAR_MIN, PayoutStatus
from .models import Payout
from .schemas import BalancesOut, ErrorOut, PaymentRecordOut, PaymentRecordsOut, PayoutIn, PayoutOut

router = Router(auth=django_auth, tags=["money"])

# The payouts table keeps 100 characters of the key (services._require_key); a longer key would be
# cut silently and could match another request, so the API refuses it instead.
IDEMPOTENCY_KEY_MAX = 100
# Visible ASCII only: no blank key, and no NUL or control character (PostgreSQL refuses NUL in text).
IDEMPOTENCY_KEY_PATTERN = r"^[!-~]+$"

ANONYMOUS = {401: ErrorOut}
NOT_A_WORKER = {404: ErrorOut}


def _worker(request: HttpRequest) -> Any:
    if not has_role(request.user, "worker"):
        raise NotFound(_("見つかりませんでした。"))
    return request.user


def _payout_out(payout: Payout) -> PayoutOut:
    return PayoutOut(
        id=payout.pk,
        amount=payout.amount,
        fee=payout.transfer_fee,
        net_amount=payout.net_amount,
        status=PayoutStatus(payout.status),
        status_label=str(payout.get_status_display()),
        requested_at=payout.created_at,
        paid_at=payout.decided_at if payout.status == PayoutStatus.PAID else None,
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
        200: PayoutOut,  # the same Idempotency-Key again: the first payout, nothing new
        201: PayoutOut,
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
        description="One key per payout request (e.g. a UUID). Sending it again returns the first payout.",
    ),
) -> Status[Any]:
    worker = _worker(request)
    key = idempotency_key
    replay = selectors.payout_by_key(worker, key) is not None
    payout = services.payout_request(worker=worker, amount=body.amount, idempotency_key=key)
    return Status(200 if replay else 201, _payout_out(payout))


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
    user = request.user
    is_worker, is_client = has_role(user, "worker"), has_role(user, "client")
    if not (is_worker or is_client):
        raise NotFound(_("見つかりませんでした。"))
    year = year or clock.today().year
    return PaymentRecordsOut(
        year=year,
        as_worker=[_record_out(r) for r in payment_records(year=year, worker=user)] if is_worker else [],
        as_client=[_record_out(r) for r in payment_records(year=year, client=user)] if is_client else [],
    )
