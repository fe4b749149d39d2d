"""Demo data for payments: 中村 さくら's bank account and, when the ledger demo gave her a balance, one
payout that has been paid; 株式会社ひだまり出版's refundable balance (a cancelled small task refunded), part
of it sent back to her bank account, the rest kept for her next milestone. Idempotent: fixed keys, and
nothing is added when it is already there."""

from __future__ import annotations

from typing import Any

from hataraku.core import clock
from hataraku.ledger import services as ledger
from hataraku.ledger.constants import FeePlan, FundingSource
from hataraku.ledger.selectors import worker_balances

from . import services
from .models import BankAccount, ClientWithdrawal, Payout

DEMO_PAYOUT_AMOUNT = 10_000


def load(people: dict[str, Any]) -> None:
    _worker_payout(people)
    _client_refund(people)


def _client_refund(people: dict[str, Any]) -> None:
    hidamari, staff = people["hidamari"], people["staff"]
    if ClientWithdrawal.objects.filter(client=hidamari).exists():
        return
    escrow = ledger.escrow_open(
        client=hidamari,
        worker=None,
        reference="demo:hidamari:cancelled-task:1",
        fee_group="demo:hidamari:cancelled-task",
        fee_plan=FeePlan.PROJECT_TIERED,
        withholding=False,
        actor=hidamari,
        idempotency_key="demo-refund-open-1",
    )
    funding = ledger.escrow_fund(
        escrow=escrow,
        amount=8_000,
        source=FundingSource.BANK_TRANSFER,
        actor=hidamari,
        idempotency_key="demo-refund-fund-1",
    )
    ledger.funding_post(funding=funding, actor=None, idempotency_key="demo-refund-post-1")
    ledger.escrow_refund(escrow=escrow, amount=8_000, actor=None, idempotency_key="demo-refund-1")
    if not BankAccount.objects.filter(worker=hidamari, is_active=True).exists():
        services.bank_account_save(
            worker=hidamari,
            bank_code="0005",
            bank_name="三菱UFJ銀行",
            branch_code="001",
            branch_name="本店",
            account_type="2",
            account_number="7654321",
            holder_name="カ)ヒダマリシユツパン",
            actor=hidamari,
        )
    withdrawal = services.client_withdrawal_request(
        client=hidamari, amount=3_000, idempotency_key="demo-hidamari-withdrawal-1"
    )
    services.payout_batch_create(
        actor=staff, transfer_date=clock.today(), idempotency_key="demo-hidamari-batch-1"
    )
    services.client_withdrawal_mark_paid(
        withdrawal=withdrawal, actor=staff, idempotency_key="demo-hidamari-withdrawal-paid-1"
    )


def _worker_payout(people: dict[str, Any]) -> None:
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
