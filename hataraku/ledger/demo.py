"""Demo money: 株式会社ひだまり出版 pays 中村 さくら for two milestones of an illustration job, so her
earnings page and the client's funding page have something to show. Idempotent: every call uses a fixed
idempotency key, so a second run returns the first results and posts nothing."""

from __future__ import annotations

from typing import Any

from . import services
from .constants import PAYOUT_TRANSFER_FEE, FeePlan, FundingSource

FEE_GROUP = "demo:contract:hidamari-sakura"


def load(people: dict[str, Any]) -> None:
    client, worker = people["hidamari"], people["sakura"]

    def escrow(n: int, amount: int, *, release: bool) -> None:
        opened = services.escrow_open(
            client=client,
            worker=worker,
            reference=f"demo:hidamari:illustration:{n}",
            fee_group=FEE_GROUP,
            fee_plan=FeePlan.PROJECT_TIERED,
            # A company paying an individual for illustration: withholding applies (所得税法204条).
            withholding=True,
            actor=client,
            idempotency_key=f"demo-ledger-open-{n}",
        )
        funding = services.escrow_fund(
            escrow=opened,
            amount=amount,
            source=FundingSource.BANK_TRANSFER,
            actor=client,
            idempotency_key=f"demo-ledger-fund-{n}",
        )
        services.funding_post(funding=funding, actor=None, idempotency_key=f"demo-ledger-post-{n}")
        if release:
            services.escrow_release(
                escrow=opened,
                amount=amount,
                worker=worker,
                actor=client,
                idempotency_key=f"demo-ledger-release-{n}",
            )

    escrow(1, 60_000, release=True)
    escrow(2, 40_000, release=False)
    hold = services.payout_reserve(
        worker=worker,
        amount=20_000,
        transfer_fee=PAYOUT_TRANSFER_FEE,
        actor=worker,
        idempotency_key="demo-ledger-payout-1",
    )
    services.payout_settle(hold=hold, actor=None, idempotency_key="demo-ledger-payout-1-settle")
