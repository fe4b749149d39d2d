"""Many people pressing buttons at once, on PostgreSQL (SQLite serialises writers, so it proves nothing
there). Ten threads start together at a barrier and release, refund and pay out from the same escrow and
the same worker balance. Only what the money allows may succeed; no yen may move twice."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from hataraku.core.errors import DomainError
from hataraku.ledger import selectors, services
from hataraku.ledger.constants import FeePlan
from hataraku.ledger.models import PayoutHold, Settlement

from .factories import WorkerFactory, funded_escrow, key

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_together(jobs: list[Callable[[], Any]]) -> list[Any]:
    """Run every job in its own thread, all released by one barrier; return results or exceptions."""
    barrier = threading.Barrier(len(jobs))
    results: list[Any] = [None] * len(jobs)

    def runner(index: int, job: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = job()
        except Exception as exc:  # the test inspects what each thread met
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    # a thread still running means a deadlock or a lost wake-up: that is a failure, not a result
    assert not any(t.is_alive() for t in threads), "a thread did not finish"
    assert all(r is not None for r in results), results
    return results


def test_concurrent_releases_refunds_and_payouts_move_each_yen_once() -> None:
    # given ¥100,000 held for a worker, who already has ¥7,800 available from an earlier task batch
    worker = WorkerFactory()
    escrow = funded_escrow(100_000, worker=worker)
    earlier = funded_escrow(10_000, worker=worker, fee_plan=FeePlan.TASK_FLAT)
    services.escrow_release(escrow=earlier, amount=10_000, worker=worker, actor=None, idempotency_key=key())
    assert selectors.worker_balances(worker).available == 7_800

    def release(amount: int, k: str) -> Callable[[], Any]:
        return lambda: services.escrow_release(
            escrow=escrow, amount=amount, worker=worker, actor=None, idempotency_key=k
        )

    def refund(amount: int) -> Callable[[], Any]:
        return lambda: services.escrow_refund(escrow=escrow, amount=amount, actor=None, idempotency_key=key())

    def payout() -> Callable[[], Any]:
        return lambda: services.payout_reserve(
            worker=worker, amount=5_000, transfer_fee=250, actor=None, idempotency_key=key()
        )

    jobs = [
        release(60_000, "release-a"),
        release(60_000, "release-a"),  # a double click: the same request twice
        release(60_000, "release-b"),
        release(60_000, "release-c"),
        refund(50_000),
        refund(50_000),
        refund(50_000),
        payout(),
        payout(),
        payout(),
    ]

    # when all ten start at once
    results = run_together(jobs)

    # then every failure is a kind domain error, not a crash or a deadlock
    failures = [r for r in results if isinstance(r, Exception)]
    assert all(isinstance(f, DomainError) for f in failures), failures
    # the escrow moved exactly what it held at most, once per successful request
    settlements = list(Settlement.objects.filter(escrow=escrow))
    moved = sum(s.worker_gross + s.client_amount for s in settlements)
    assert moved <= 100_000
    assert selectors.escrow_held(escrow) == 100_000 - moved >= 0
    # the double click produced at most one settlement, and both clicks saw the same one
    same = [r for r in results[:2] if isinstance(r, Settlement)]
    assert len({s.pk for s in same}) <= 1
    assert Settlement.objects.filter(entry__idempotency_key__key="release-a").count() <= 1
    # only one ¥5,000 payout fits in ¥7,800 (plus whatever a release added first): never below zero
    holds = PayoutHold.objects.filter(worker=worker).count()
    balances = selectors.worker_balances(worker)
    assert balances.available >= 0
    released_net = sum(s.worker_net for s in Settlement.objects.filter(worker=worker))
    assert balances.available + balances.in_transit == released_net
    assert balances.in_transit == 5_000 * holds
    assert 1 <= holds <= 3
    # and the books balance
    assert sum(selectors.trial_balance().values()) == 0


def test_concurrent_payouts_cannot_overdraw_the_worker() -> None:
    # given a worker with ¥7,800 available and nothing else happening
    worker = WorkerFactory()
    earlier = funded_escrow(10_000, worker=worker, fee_plan=FeePlan.TASK_FLAT)
    services.escrow_release(escrow=earlier, amount=10_000, worker=worker, actor=None, idempotency_key=key())

    # when eight payouts of ¥3,000 start at once
    results = run_together(
        [
            lambda: services.payout_reserve(
                worker=worker, amount=3_000, transfer_fee=250, actor=None, idempotency_key=key()
            )
            for _ in range(8)
        ]
    )

    # then exactly two fit, the rest are refused kindly, and ¥1,800 remain
    ok = [r for r in results if isinstance(r, PayoutHold)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert (len(ok), len(refused)) == (2, 6)
    assert selectors.worker_balances(worker).available == 1_800
