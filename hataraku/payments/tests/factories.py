"""Payments test helpers. Balances and fundings are made through the real ledger services, never by
writing postings, so the tests walk the same path production does."""

from __future__ import annotations

import itertools
from typing import Any

import factory

from hataraku.accounts.tests.factories import (
    PASSWORD,
    ClientFactory,
    MunicipalFactory,
    StaffFactory,
    UserFactory,
)
from hataraku.ledger import services as ledger
from hataraku.ledger.constants import FeePlan, FundingSource
from hataraku.ledger.models import Escrow, Settlement
from hataraku.payments.models import BankAccount

__all__ = [
    "PASSWORD",
    "BankAccountFactory",
    "ClientFactory",
    "MunicipalFactory",
    "StaffFactory",
    "WorkerFactory",
    "give_balance",
    "key",
    "open_escrow",
]

WorkerFactory = UserFactory
_keys = itertools.count(1)


def key(prefix: str = "pk") -> str:
    return f"{prefix}-{next(_keys)}"


class BankAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BankAccount

    worker = factory.SubFactory(UserFactory)
    bank_code = "0143"
    bank_name = "八十二銀行"
    branch_code = "001"
    branch_name = "本店営業部"
    account_type = "1"
    account_number = "1234567"
    holder_name = "ナカムラ\u3000サクラ"
    is_active = True


def open_escrow(*, client: Any = None, worker: Any = None) -> Escrow:
    client = client or ClientFactory()
    n = next(_keys)
    return ledger.escrow_open(
        client=client,
        worker=worker,
        reference=f"payments-test:{n}",
        fee_group=f"payments-contract:{n}",
        fee_plan=FeePlan.PROJECT_TIERED,
        withholding=False,
        actor=client,
        idempotency_key=key("open"),
    )


def give_balance(worker: Any, amount: int, *, client: Any = None) -> Settlement:
    """Fund an escrow with `amount` and release it all to `worker` (their available balance grows by the
    net amount after the platform fee)."""
    escrow = open_escrow(client=client, worker=worker)
    funding = ledger.escrow_fund(
        escrow=escrow,
        amount=amount,
        source=FundingSource.BANK_TRANSFER,
        actor=None,
        idempotency_key=key("fund"),
    )
    ledger.funding_post(funding=funding, actor=None, idempotency_key=key("post"))
    return ledger.escrow_release(
        escrow=escrow, amount=amount, worker=worker, actor=None, idempotency_key=key("rel")
    )
