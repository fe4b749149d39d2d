"""The demo loader: contracts in each state, and idempotent."""

from __future__ import annotations

import pytest

from hataraku.contracts import demo
from hataraku.contracts.constants import ContractStatus, MilestoneStatus
from hataraku.contracts.models import Contract, Milestone
from hataraku.core.demo import ensure_people
from hataraku.ledger.models import Funding, Settlement
from hataraku.ledger.selectors import worker_balances
from hataraku.payments.selectors import bank_transfers_waiting

pytestmark = pytest.mark.django_db


def test_demo_loads_each_state_once():
    # given the personas
    people = ensure_people()
    # when the demo loads twice
    demo.load(people)
    counts = (Contract.objects.count(), Milestone.objects.count(), Settlement.objects.count())
    demo.load(people)
    # then the second run changed nothing
    assert (Contract.objects.count(), Milestone.objects.count(), Settlement.objects.count()) == counts
    statuses = sorted(c.status for c in Contract.objects.all())
    assert statuses == sorted(
        [
            ContractStatus.OFFERED,
            ContractStatus.ACTIVE,
            ContractStatus.ACTIVE,
            ContractStatus.ACTIVE,
            ContractStatus.COMPLETED,
            ContractStatus.CANCELLED,
        ]
    )
    assert Milestone.objects.filter(status=MilestoneStatus.DELIVERED).count() == 1
    assert Milestone.objects.filter(status=MilestoneStatus.FUNDED).count() == 1
    # and exactly one bank transfer waits in the staff's queue, its milestone still pending
    waiting = list(bank_transfers_waiting())
    assert len(waiting) == 1
    assert Milestone.objects.get(escrow=waiting[0].escrow).status == MilestoneStatus.PENDING
    # every other transfer was confirmed through the payments app, so no ledger funding is left pending
    assert Funding.objects.filter(status="pending").count() == 1
    # and 中村 さくら has earnings
    assert worker_balances(people["sakura"]).available > 0
