"""The same decision sent twice (a double click, a resent POST, two tabs) answers with the first result
instead of an error; another decision on an item already decided is still refused (issue 7, item 10)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from hataraku.accounts.tests.mfa import login_as
from hataraku.contracts import services
from hataraku.contracts.constants import DisputeStatus, MilestoneStatus
from hataraku.contracts.models import Dispute, Milestone
from hataraku.core.errors import InvalidTransition
from hataraku.ledger.models import Settlement
from hataraku.ledger.selectors import worker_balances

from .factories import StaffFactory, deliver, funded_milestone, key

pytestmark = pytest.mark.django_db


def _disputed(amount: int = 20_000) -> tuple[Milestone, Dispute]:
    milestone = deliver(funded_milestone(amount=amount))
    dispute = services.dispute_open(
        contract=milestone.contract,
        actor=milestone.contract.worker,
        reason="返事がありません",
        milestone=milestone,
    )
    return milestone, dispute


# --- acceptance -------------------------------------------------------------------------------------------


def test_accepting_twice_answers_the_first_acceptance_and_pays_once() -> None:
    # given a delivered milestone the client has just accepted
    milestone = deliver(funded_milestone(amount=10_000))
    client = milestone.contract.client
    first = services.milestone_accept(milestone=milestone, actor=client)
    paid = worker_balances(milestone.contract.worker).available
    # when the same acceptance arrives again
    again = services.milestone_accept(milestone=Milestone.objects.get(pk=milestone.pk), actor=client)
    # then it answers the accepted, paid milestone and nothing more moves
    assert again.pk == first.pk and again.status == MilestoneStatus.RELEASED
    assert again.accepted_at == first.accepted_at
    assert Settlement.objects.filter(escrow=milestone.escrow).count() == 1
    assert worker_balances(milestone.contract.worker).available == paid


def test_pressing_accept_twice_shows_success_both_times(client: Any) -> None:
    # given a delivered milestone, and its client on the milestone page
    milestone = deliver(funded_milestone(amount=10_000))
    login_as(client, milestone.contract.client)
    url = reverse("contracts:milestone_accept", args=[milestone.contract_id, milestone.pk])
    # when she presses the summary's "confirm" twice (the same form, so the same key)
    confirm = {"confirmed": "yes", "idempotency_key": key()}
    first = client.post(url, confirm, follow=True).content.decode()
    second = client.post(url, confirm, follow=True).content.decode()
    # then both answers say it was accepted, none shows an error, and the worker was paid once
    assert "検収しました" in first and "検収しました" in second
    assert "すでに検収済み" not in second
    assert Settlement.objects.filter(escrow=milestone.escrow).count() == 1


def test_accepting_a_milestone_a_dispute_decided_is_still_refused() -> None:
    # given a milestone staff decided in a dispute (paid to the worker, never accepted by the client)
    milestone, dispute = _disputed()
    services.dispute_decide(
        dispute=dispute, actor=StaffFactory(), worker_amount=20_000, note="契約どおり", idempotency_key=key()
    )
    # when the client accepts it from a page left open / then it is another decision: refused
    with pytest.raises(InvalidTransition) as refused:
        services.milestone_accept(
            milestone=Milestone.objects.get(pk=milestone.pk), actor=milestone.contract.client
        )
    assert refused.value.code == "already_accepted"
    assert Settlement.objects.filter(escrow=milestone.escrow).count() == 1


def test_accepting_a_returned_delivery_is_still_refused() -> None:
    # given a delivery the client returned
    milestone = deliver(funded_milestone(amount=10_000))
    services.milestone_return(milestone=milestone, actor=milestone.contract.client, reason="色が違います")
    # when an accept from an older page arrives / then refused: the decision was to return it
    with pytest.raises(InvalidTransition):
        services.milestone_accept(
            milestone=Milestone.objects.get(pk=milestone.pk), actor=milestone.contract.client
        )
    assert not Settlement.objects.filter(escrow=milestone.escrow).exists()


# --- dispute decisions ------------------------------------------------------------------------------------


def test_the_same_dispute_decision_twice_answers_the_first_and_splits_once() -> None:
    # given a dispute staff decided: ¥12,000 to the worker, the rest back to the client
    milestone, dispute = _disputed()
    staff = StaffFactory()
    first = services.dispute_decide(
        dispute=dispute, actor=staff, worker_amount=12_000, note="半分以上は完成", idempotency_key=key()
    )
    # when the same decision arrives again (even with another key: the form was drawn twice)
    again = services.dispute_decide(
        dispute=Dispute.objects.get(pk=dispute.pk),
        actor=staff,
        worker_amount=12_000,
        note="半分以上は完成",
        idempotency_key=key(),
    )
    # then it answers the decided dispute and the escrow was split once
    assert again.pk == first.pk and again.status == DisputeStatus.DECIDED
    assert Settlement.objects.filter(escrow=milestone.escrow).count() == 1


def test_another_decision_on_a_decided_dispute_is_refused() -> None:
    # given a decided dispute
    milestone, dispute = _disputed()
    staff = StaffFactory()
    services.dispute_decide(
        dispute=dispute, actor=staff, worker_amount=12_000, note="半分以上は完成", idempotency_key=key()
    )
    # when a different split arrives / then refused, and nothing more moves
    with pytest.raises(InvalidTransition) as refused:
        services.dispute_decide(
            dispute=Dispute.objects.get(pk=dispute.pk),
            actor=staff,
            worker_amount=20_000,
            note="全額",
            idempotency_key=key(),
        )
    assert refused.value.code == "already_decided"
    assert Settlement.objects.filter(escrow=milestone.escrow).count() == 1


def test_staff_sending_the_decision_form_twice_see_the_success_page(client: Any) -> None:
    # given a dispute and staff on its page
    milestone, dispute = _disputed(10_000)
    login_as(client, StaffFactory())
    url = reverse("contracts:staff_dispute", args=[dispute.pk])
    form = {"worker_amount": 10_000, "note": "納品は契約どおり", "idempotency_key": key()}
    # when the form is sent twice
    first = client.post(url, form)
    second = client.post(url, form)
    # then both go on to the list of disputes (no error page), and the escrow was released once
    assert first.status_code == second.status_code == 302
    assert second["Location"] == reverse("contracts:staff_disputes")
    assert Settlement.objects.filter(escrow=milestone.escrow).count() == 1
