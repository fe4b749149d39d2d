"""What one escrow pair (fund, post, release) costs the database: statements and transactions, counted the
way `bench/ledger.py` counts them. Load-independent guards of the throughput work of issue 9; the figures
themselves are measured in `bench/results/ledger.json`."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hataraku.ledger import services
from hataraku.ledger.constants import FeePlan, FundingSource

from .factories import ClientFactory, WorkerFactory, key

pytestmark = pytest.mark.django_db(transaction=True)

# 4 to record a pending funding, 7 to post it, 9 to release it (see the module docstring of each service).
STATEMENTS_PER_PAIR = 20


def _pair(escrow: Any) -> None:
    funding = services.escrow_fund(
        escrow=escrow, amount=50_000, source=FundingSource.BANK_TRANSFER, actor=None, idempotency_key=key()
    )
    services.funding_post(funding=funding, actor=None, idempotency_key=key())
    services.escrow_release(
        escrow=escrow, amount=50_000, worker=escrow.worker, actor=None, idempotency_key=key()
    )


def _count(captured: list[dict[str, Any]]) -> tuple[int, int]:
    """(statements, transactions that sent at least one statement); BEGIN/COMMIT are not statements."""
    statements = transactions = pending = 0
    for query in captured:
        word = query["sql"].strip().upper()
        if word.startswith("BEGIN"):
            # SQLite's BEGIN IMMEDIATE takes the write lock even when nothing follows.
            pending = 0 if word == "BEGIN" else 1
        elif word in ("COMMIT", "ROLLBACK"):
            transactions += 1 if pending else 0
        else:
            pending += 1
            statements += 1
    return statements, transactions


def test_one_escrow_pair_costs_20_statements_in_3_transactions(frozen_clock):
    # given a worker already paid once (her account open, the system accounts cached)
    client, worker = ClientFactory(), WorkerFactory()
    escrows = [
        services.escrow_open(
            client=client,
            worker=worker,
            reference=f"bench:{i}",
            fee_group="bench:group",
            fee_plan=FeePlan.PROJECT_TIERED,
            withholding=True,
            actor=None,
            idempotency_key=key("open"),
        )
        for i in range(2)
    ]
    _pair(escrows[0])
    # when the next pair runs, each call in its own transaction as behind a web request
    with CaptureQueriesContext(connection) as captured:
        _pair(escrows[1])
    # then it sends 20 statements in 3 transactions: no empty transaction for the after-commit handlers,
    # which find nothing to do for an escrow that is not a milestone's, week's or bonus's
    assert _count(captured.captured_queries) == (STATEMENTS_PER_PAIR, 3)
