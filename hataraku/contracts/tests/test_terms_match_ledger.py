"""What the written terms promise is exactly what the ledger pays: the same tax-inclusive amount is
funded, the same withholding is kept and the same fee is taken, to the yen, milestone by milestone."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from hataraku.accounts.tests.factories import ClientFactory, UserFactory
from hataraku.contracts import terms
from hataraku.ledger import services as ledger
from hataraku.ledger.constants import FeePlan
from hataraku.ledger.tests.factories import fund, key

pytestmark = pytest.mark.django_db


def _terms(today: dt.date, amounts: list[int], *, withholding: bool) -> dict[str, Any]:
    return terms.build_terms_data(
        contract_title="校正",
        description="",
        client_name="株式会社ひだまり出版",
        worker_name="中村 さくら",
        commissioned_on=today,
        kind="fixed",
        acceptance_days=7,
        withholding=withholding,
        milestones=[
            {"order": i, "title": f"M{i}", "amount": a, "due_date": today + dt.timedelta(days=7 * i)}
            for i, a in enumerate(amounts, start=1)
        ],
    )


def _fund_and_release(
    item: dict[str, Any], *, client: Any, worker: Any, group: str, withholding: bool
) -> Any:
    """Fund one milestone's escrow with the amount the terms name and release all of it."""
    escrow = ledger.escrow_open(
        client=client,
        worker=worker,
        reference=f"milestone:{item['order']}",
        fee_group=group,
        fee_plan=FeePlan.PROJECT_TIERED,
        withholding=withholding,
        actor=client,
        idempotency_key=key("open"),
    )
    fund(escrow, item["fee"]["amount"])
    return ledger.escrow_release(
        escrow=escrow, amount=item["fee"]["amount"], worker=worker, actor=client, idempotency_key=key("rel")
    )


@pytest.mark.parametrize("withholding", [False, True])
@pytest.mark.parametrize(
    "amounts",
    [[33_000], [60_000, 60_000, 90_001], [100_000, 1_100_000]],
    ids=["one", "crossing-fee-tiers", "above-withholding-threshold"],
)
def test_terms_net_payment_equals_what_the_worker_receives(frozen_clock, withholding, amounts):
    # given the terms of a contract with these milestones
    data = _terms(frozen_clock.now().date(), amounts, withholding=withholding)
    client, worker = ClientFactory(), UserFactory()
    # when each milestone is funded with its amount and released in order through the ledger
    for item in data["milestones"]:
        settlement = _fund_and_release(
            item, client=client, worker=worker, group="contract:terms-check", withholding=withholding
        )
        # then the worker receives what the terms said, and the deductions match line by line
        assert settlement.worker_net == item["fee"]["net_payment"]
        assert settlement.withholding == item["fee"]["withholding"]
        assert settlement.fee + settlement.fee_tax == item["fee"]["platform_fee"]
    total = data["total"]
    assert total["net_payment"] == sum(m["fee"]["net_payment"] for m in data["milestones"])


def test_releasing_out_of_order_moves_the_net_by_at_most_a_yen_per_release_as_the_terms_say(frozen_clock):
    # given terms for milestones of ¥1,005 and ¥100,000 (in this order the fee tax rounds to ¥2,009)
    amounts = [1_005, 100_000]
    data = _terms(frozen_clock.now().date(), amounts, withholding=False)
    assert "1回につき1円まで変わることがあります" in terms.render_terms_text(data)
    client, worker = ClientFactory(), UserFactory()
    # when the client accepts the second milestone first
    received = 0
    for item in reversed(data["milestones"]):
        settlement = _fund_and_release(
            item, client=client, worker=worker, group="contract:out-of-order", withholding=False
        )
        # then each release's tax is 10 % of its own fee, rounded down (what its invoice prints)
        assert settlement.fee_tax == settlement.fee * 10 // 100
        received += settlement.worker_net
    # and the worker's total differs from the terms by no more than ¥1 per release, as the terms warn
    assert abs(received - data["total"]["net_payment"]) <= len(amounts) - 1
