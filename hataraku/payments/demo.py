"""Demo data for payments: 中村 さくら's bank account and, when the ledger demo gave her a balance, one
payout that has been paid. Idempotent: fixed keys, and nothing is added when it is already there."""

from __future__ import annotations

from typing import Any

from hataraku.core import clock
from hataraku.ledger.selectors import worker_balances

from . import services
from .models import BankAccount, Payout

DEMO_PAYOUT_AMOUNT = 10_000


def load(people: dict[str, Any]) -> None:
    sakura = people["sakura"]
    staff = people["staff"]
    if not BankAccount.objects.filter(worker=sakura, is_active=True).exists():
        services.bank_account_save(
            worker=sakura,
            bank_code="0143",
            bank_name="八十二銀行",
            branch_code="001",
            branch_name="本店営業部",
            account_type="1",
            account_number="1234567",
            holder_name="ナカムラ サクラ",
            actor=sakura,
        )
    if Payout.objects.filter(worker=sakura).exists():
        return
    available = int(worker_balances(sakura).available)
    if available < DEMO_PAYOUT_AMOUNT:
        return
    payout = services.payout_request(
        worker=sakura, amount=DEMO_PAYOUT_AMOUNT, idempotency_key="demo-sakura-payout-1"
    )
    services.payout_batch_create(
        actor=staff, transfer_date=clock.today(), idempotency_key="demo-sakura-batch-1"
    )
    services.payout_mark_paid(payout=payout, actor=staff, idempotency_key="demo-sakura-paid-1")
