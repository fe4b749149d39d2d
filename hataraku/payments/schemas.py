"""Request and response shapes of the money API (`/api/money/`). Amounts are integer yen."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema
from pydantic import StrictInt

from hataraku.core.api_errors import ErrorOut as ErrorOut

from .constants import PAYOUT_MINIMUM, ClientWithdrawalStatus, PayoutStatus


class BalancesOut(Schema):
    pending: int
    available: int
    in_transit: int
    paid: int
    withheld: int


class PayoutIn(Schema):
    # The minimum is documented but checked by the service, so that a too small amount gets its own
    # kind message ("出金は¥1,000から…") rather than the generic one for malformed input. Strict: a yen
    # amount is a JSON integer, never "1000", 1e3 or true (lax parsing would turn true into ¥1).
    amount: StrictInt = Field(
        ...,
        description="出金額(円、振込手数料込み)。出金できる残高以下。",
        json_schema_extra={"minimum": PAYOUT_MINIMUM},
    )


class PayoutOut(Schema):
    id: int
    amount: int
    fee: int
    net_amount: int
    status: PayoutStatus
    status_label: str
    requested_at: dt.datetime
    paid_at: dt.datetime | None


class PaymentRecordOut(Schema):
    year: int
    client_id: int
    worker_id: int
    paid: int
    withheld: int


class PaymentRecordsOut(Schema):
    year: int
    as_worker: list[PaymentRecordOut]
    as_client: list[PaymentRecordOut]


class RefundWithdrawalIn(Schema):
    amount: StrictInt = Field(
        ...,
        description="返金可能残高から銀行口座に振り込む金額(円)。1円以上、返金可能残高以下。振込手数料はかかりません。",
        json_schema_extra={"minimum": 1},
    )


class RefundWithdrawalOut(Schema):
    id: int
    amount: int
    status: ClientWithdrawalStatus
    status_label: str
    requested_at: dt.datetime
    paid_at: dt.datetime | None
