"""Money paths under concurrency (PostgreSQL only: SQLite serialises writers anyway)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from hataraku.contracts import services
from hataraku.contracts.constants import MilestoneStatus
from hataraku.core.errors import DomainError
from hataraku.ledger.models import Settlement

from .factories import deliver, funded_milestone

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _race(target, n: int = 2) -> list[str]:
    results: list[str] = []
    barrier = threading.Barrier(n)

    def run() -> None:
        try:
            barrier.wait()
            target()
            results.append("ok")
        except DomainError as exc:
            results.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_two_accepts_racing_pay_once():
    # given a delivered milestone
    m = deliver(funded_milestone(amount=10_000))
    client = m.contract.client

    # when the client accepts while another request also accepts
    results = _race(lambda: services.milestone_accept(milestone=m, actor=client))

    # then both answer the acceptance (the second one replays the first) and one release exists
    assert results == ["ok", "ok"]
    m.refresh_from_db()
    assert m.status == MilestoneStatus.RELEASED
    assert Settlement.objects.filter(escrow=m.escrow).count() == 1


def test_double_fund_opens_one_escrow():
    from hataraku.contracts.tests.factories import active_contract, key

    contract = active_contract()
    m = contract.milestones.get()
    k = key("fund")
    results = _race(lambda: services.milestone_fund(milestone=m, actor=contract.client, idempotency_key=k))
    assert results == ["ok", "ok"]
    m.refresh_from_db()
    from hataraku.ledger.models import Escrow, Funding

    assert Escrow.objects.filter(reference=f"milestone:{m.pk}").count() == 1
    assert Funding.objects.filter(escrow=m.escrow).count() == 1


def test_two_acceptances_of_a_cancellation_split_once():
    from hataraku.contracts.constants import CancellationStatus
    from hataraku.contracts.tests.factories import key

    # given a pending proposal to end a funded milestone (¥6,000 to the worker, ¥4,000 back)
    m = funded_milestone(amount=10_000)
    proposal = services.cancellation_propose(
        milestone=m, actor=m.contract.client, worker_amount=6_000, reason="途中まで", idempotency_key=key()
    )
    worker = m.contract.worker

    # when the worker's acceptance arrives twice at the same moment (two tabs, a resent POST)
    results = _race(lambda: services.cancellation_answer(cancellation=proposal, actor=worker, accept=True))

    # then both answer the acceptance, and the escrow was split exactly once
    assert results == ["ok", "ok"]
    proposal.refresh_from_db()
    assert proposal.status == CancellationStatus.ACCEPTED
    splits = Settlement.objects.filter(escrow=m.escrow)
    assert [(s.worker_gross, s.client_amount) for s in splits] == [(6_000, 4_000)]
    m.refresh_from_db()
    assert m.status == MilestoneStatus.RELEASED


def test_a_bonus_given_twice_at_once_opens_one_escrow():
    from hataraku.contracts.models import Bonus
    from hataraku.contracts.tests.factories import active_contract, key
    from hataraku.ledger.models import Escrow

    contract = active_contract()
    k = key("bonus")
    results = _race(
        lambda: services.bonus_give(
            contract=contract, actor=contract.client, amount=5_000, message="", idempotency_key=k
        )
    )
    assert results == ["ok", "ok"]
    assert Bonus.objects.filter(contract=contract).count() == 1
    assert Escrow.objects.filter(reference__startswith="bonus:").count() == 1
