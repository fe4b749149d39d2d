"""Ledger test helpers. Escrows and their money are made through the real services (never by writing
postings directly), so every test exercises the same path production uses."""

from __future__ import annotations

import itertools
from typing import Any

from hataraku.accounts.tests.factories import ClientFactory, MunicipalFactory, StaffFactory, UserFactory
from hataraku.ledger import services
from hataraku.ledger.constants import FeePlan, FundingSource
from hataraku.ledger.models import Escrow, Funding

__all__ = [
    "ClientFactory",
    "MunicipalFactory",
    "StaffFactory",
    "UserFactory",
    "WorkerFactory",
    "funded_escrow",
    "key",
    "open_escrow",
]

WorkerFactory = UserFactory
_keys = itertools.count(1)
_refs = itertools.count(1)


def key(prefix: str = "k") -> str:
    """A fresh idempotency key."""
    return f"{prefix}-{next(_keys)}"


def open_escrow(
    *,
    client: Any = None,
    worker: Any = None,
    fee_group: str | None = None,
    fee_plan: str = FeePlan.PROJECT_TIERED,
    withholding: bool = False,
) -> Escrow:
    client = client or ClientFactory()
    n = next(_refs)
    return services.escrow_open(
        client=client,
        worker=worker,
        reference=f"milestone:{n}",
        fee_group=fee_group or f"contract:{n}",
        fee_plan=fee_plan,
        withholding=withholding,
        actor=client,
        idempotency_key=key("open"),
    )


def fund(
    escrow: Escrow, amount: int, *, source: str = FundingSource.BANK_TRANSFER, provider: str = ""
) -> Funding:
    funding = services.escrow_fund(
        escrow=escrow,
        amount=amount,
        source=source,
        provider=provider,
        actor=None,
        idempotency_key=key("fund"),
    )
    return services.funding_post(funding=funding, actor=None, idempotency_key=key("post"))


def funded_escrow(amount: int, **kwargs: Any) -> Escrow:
    escrow = open_escrow(**kwargs)
    fund(escrow, amount)
    return escrow
