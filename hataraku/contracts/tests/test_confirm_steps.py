"""Issue 10, item 5: accepting a delivery and funding a milestone show a summary first and need a second
press; the summary's numbers are the ledger's own preview, and the first press moves no money."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from hataraku.accounts.tests.mfa import login_as
from hataraku.contracts.constants import MilestoneStatus
from hataraku.contracts.models import Milestone
from hataraku.core.money import format_yen
from hataraku.ledger.models import Funding, Posting, Settlement
from hataraku.ledger.previews import release_preview

from .factories import active_contract, deliver, funded_milestone, key

pytestmark = pytest.mark.django_db


def _money_moved() -> tuple[int, int, int]:
    return Posting.objects.count(), Settlement.objects.count(), Funding.objects.count()


def test_accepting_a_delivery_without_the_confirm_step_moves_no_money(client: Any) -> None:
    # given a delivered milestone and its client
    milestone = deliver(funded_milestone(amount=18_000))
    login_as(client, milestone.contract.client)
    url = reverse("contracts:milestone_accept", args=[milestone.contract_id, milestone.pk])
    before = _money_moved()
    # when she presses "accept" on an old page (a POST without the confirm step), or only opens the summary
    posted = client.post(url, {"idempotency_key": key()})
    opened = client.get(url)
    # then nothing moved: no posting, no settlement, the milestone still waits for her decision
    assert _money_moved() == before
    assert Milestone.objects.get(pk=milestone.pk).status == MilestoneStatus.DELIVERED
    # and both answers are the summary, whose button carries the second press
    for response in (posted, opened):
        html = response.content.decode()
        assert response.status_code == 200
        assert "検収して支払う前の確認" in html and 'name="confirmed" value="yes"' in html


def test_the_accept_summary_shows_the_ledgers_numbers_and_the_second_press_pays_them(client: Any) -> None:
    # given a delivered milestone of a contract with withholding
    milestone = deliver(funded_milestone(amount=18_000))
    contract = milestone.contract
    login_as(client, contract.client)
    url = reverse("contracts:milestone_accept", args=[contract.pk, milestone.pk])
    expected = release_preview(
        fee_group=f"contract:{contract.pk}", amount=18_000, withholding=contract.withholding
    )
    # when she opens the summary
    html = client.get(url).content.decode()
    # then it names the job and milestone and shows the fee, its tax, withholding and the take-home
    assert contract.title in html and milestone.title in html
    for amount in (expected.fee, expected.fee_tax, expected.net):
        assert format_yen(amount) in html
    assert "取り消せません" in html
    # when she confirms
    response = client.post(url, {"confirmed": "yes", "idempotency_key": key()})
    # then the worker is paid exactly what the summary said
    assert response.status_code == 302
    settlement = Settlement.objects.get(escrow=milestone.escrow)
    assert (settlement.fee, settlement.fee_tax, settlement.withholding, settlement.worker_net) == (
        expected.fee,
        expected.fee_tax,
        expected.withholding,
        expected.net,
    )


def test_the_confirm_press_without_its_key_is_refused_and_moves_nothing(client: Any) -> None:
    # given a delivered milestone / when the confirm arrives without the form's key (a hand-made request)
    milestone = deliver(funded_milestone(amount=10_000))
    login_as(client, milestone.contract.client)
    before = _money_moved()
    url = reverse("contracts:milestone_accept", args=[milestone.contract_id, milestone.pk])
    html = client.post(url, {"confirmed": "yes"}).content.decode()
    # then nothing moved, and the summary says to reload, with a fresh key for the next press
    assert _money_moved() == before
    assert "ページを開き直して" in html and 'name="idempotency_key" value="' in html


def test_the_worker_cannot_open_the_accept_summary(client: Any) -> None:
    milestone = deliver(funded_milestone(amount=10_000))
    login_as(client, milestone.contract.worker)
    url = reverse("contracts:milestone_accept", args=[milestone.contract_id, milestone.pk])
    assert client.get(url).status_code == 404


def test_funding_shows_a_summary_first_and_funds_only_on_the_second_press(client: Any) -> None:
    # given an active contract with an unfunded milestone, and its client
    contract = active_contract(milestones=2)
    milestone = contract.milestones.get(order=1)
    login_as(client, contract.client)
    url = reverse("contracts:milestone_fund", args=[contract.pk, milestone.pk])
    before = _money_moved()
    # when she presses the old one-click button (a POST without the confirm step)
    html = client.post(url, {"idempotency_key": key(), "provider": "bank_transfer"}).content.decode()
    # then no funding is asked for, and the summary explains 仮払い and what cannot be undone
    assert _money_moved() == before
    assert (
        "仮払いする前の確認" in html and "取り消せないこと" in html and format_yen(milestone.amount) in html
    )
    # when she confirms
    client.post(url, {"idempotency_key": key(), "provider": "bank_transfer", "confirmed": "yes"})
    # then the funding is asked for once
    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.FUNDING_REQUESTED
    assert Funding.objects.filter(escrow=milestone.escrow).count() == 1
