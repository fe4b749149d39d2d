"""No money into an escrow nobody asked for (issue 7, item 7): a funding is created only for the exact
amount a milestone (or a billed hourly week) asks for, only while it asks; the free-amount door of
`/payments/escrows/<id>/fund/` is closed, with a kind error and nothing saved."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from hataraku.accounts.tests.mfa import login_as
from hataraku.contracts import services
from hataraku.contracts.constants import WeekStatus
from hataraku.contracts.models import HourlyWeek, Milestone
from hataraku.core import clock
from hataraku.core.errors import DomainError
from hataraku.ledger import services as ledger
from hataraku.ledger.constants import FeePlan, FundingStatus
from hataraku.ledger.models import Escrow, Funding
from hataraku.ledger.selectors import escrow_held
from hataraku.payments import services as payments
from hataraku.payments.models import ProviderFunding

from .factories import ClientFactory, active_contract, deliver, funded_milestone, key

pytestmark = pytest.mark.django_db


def _voided_milestone() -> Milestone:
    """A ¥30,000 milestone whose bank transfer staff voided: it asks its client to pay again."""
    contract = active_contract(milestones=1, amount=30_000)
    milestone = contract.milestones.get()
    services.milestone_fund(milestone=milestone, actor=contract.client, idempotency_key=key("fund"))
    milestone = Milestone.objects.get(pk=milestone.pk)
    payments.funding_cancel(provider_funding=ProviderFunding.objects.get(escrow=milestone.escrow), actor=None)
    return milestone


def _escrow(milestone: Milestone) -> Escrow:
    assert milestone.escrow is not None
    return milestone.escrow


def _fund_page(milestone: Milestone) -> str:
    return reverse("payments:funding_start", args=[milestone.escrow_id])


def _post(client: Any, milestone: Milestone, amount: Any) -> Any:
    return client.post(
        _fund_page(milestone),
        {"provider": "bank_transfer", "amount": amount, "idempotency_key": key("page")},
    )


def test_the_page_asks_for_the_milestones_exact_amount_and_funds_only_that(client: Any) -> None:
    # given a milestone asking again for its ¥30,000
    milestone = _voided_milestone()
    login_as(client, milestone.contract.client)
    # when the client opens the funding page
    page = client.get(_fund_page(milestone)).content.decode()
    # then it names the milestone and the amount, which she cannot change (no amount box)
    assert "¥30,000" in page and "工程 1" in page
    assert 'type="number"' not in page
    # when she chooses bank transfer
    response = _post(client, milestone, "30000")
    # then exactly ¥30,000 is asked of the bank transfer
    pf = ProviderFunding.objects.filter(escrow=milestone.escrow).latest("id")
    assert response.status_code == 302 and response["Location"].endswith(f"/payments/fundings/{pf.pk}/")
    assert pf.amount == 30_000 and pf.funding.amount == 30_000
    assert pf.funding.status == FundingStatus.PENDING


@pytest.mark.parametrize("amount", ["1", "100000000", "29999", "30001"])
def test_any_other_amount_is_refused_kindly_and_nothing_is_saved(client: Any, amount: str) -> None:
    # given a milestone asking for ¥30,000
    milestone = _voided_milestone()
    before = Funding.objects.count()
    login_as(client, milestone.contract.client)
    # when a crafted form posts another amount (¥1, ¥100,000,000, a yen off)
    response = _post(client, milestone, amount)
    # then the page answers again with a clear Japanese error naming the amount asked
    assert response.status_code == 200
    html = response.content.decode()
    assert "お支払いいただく金額は¥30,000です" in html
    # and the form now confirms the amount asked, not the one refused
    assert 'value="30000"' in html and f'value="{amount}"' not in html
    # and no funding was created
    assert Funding.objects.count() == before


@pytest.mark.parametrize("amount", ["", "abc", "３００００", "9" * 40])
def test_a_missing_or_garbled_amount_is_refused(client: Any, amount: str) -> None:
    # given a milestone asking for ¥30,000
    milestone = _voided_milestone()
    before = Funding.objects.count()
    login_as(client, milestone.contract.client)
    # when the hidden amount is missing or not a plain number
    response = _post(client, milestone, amount)
    # then the page asks her to reload, and nothing was saved
    assert response.status_code == 200
    assert "お支払いいただく金額が確かめられませんでした" in response.content.decode()
    assert Funding.objects.count() == before


def test_a_finished_escrow_takes_no_money(client: Any) -> None:
    # given a milestone funded, delivered, accepted and paid
    milestone = funded_milestone(milestones=1, amount=30_000)
    deliver(milestone)
    services.milestone_accept(milestone=milestone, actor=milestone.contract.client)
    before = Funding.objects.count()
    login_as(client, milestone.contract.client)
    # when the client opens its funding page
    page = client.get(_fund_page(milestone)).content.decode()
    # then it says nothing is asked, with no form
    assert "いまお支払いいただく金額はありません" in page and "支払い手続きに進む" not in page
    # when a crafted request posts money anyway (the old amount, ¥1, ¥100,000,000)
    for amount in ("30000", "1", "100000000"):
        response = _post(client, milestone, amount)
        # then it is refused with the same explanation, and nothing reaches the escrow
        assert response.status_code == 200
        assert "いまお支払いいただく金額はありません" in response.content.decode()
    assert Funding.objects.count() == before
    assert escrow_held(_escrow(milestone)) == 0


def test_an_escrow_that_is_already_funded_takes_no_second_funding() -> None:
    # given a milestone whose money is held
    milestone = funded_milestone(milestones=1, amount=30_000)
    # when its client tries to fund it again through the payments service
    with pytest.raises(DomainError) as refused:
        payments.funding_start(
            client=milestone.contract.client,
            escrow=_escrow(milestone),
            amount=30_000,
            provider="bank_transfer",
            idempotency_key=key(),
        )
    # then it is refused as not asked
    assert refused.value.code == "funding_not_asked"
    assert escrow_held(_escrow(milestone)) == 30_000


def test_a_second_pending_funding_for_the_same_ask_is_refused() -> None:
    # given a milestone whose bank transfer is awaited
    contract = active_contract(milestones=1, amount=30_000)
    milestone = contract.milestones.get()
    services.milestone_fund(milestone=milestone, actor=contract.client, idempotency_key=key("fund"))
    milestone = Milestone.objects.get(pk=milestone.pk)
    # when the client starts a card payment for the same milestone as well
    with pytest.raises(DomainError) as refused:
        payments.funding_start(
            client=contract.client,
            escrow=_escrow(milestone),
            amount=30_000,
            provider="bank_transfer",
            idempotency_key=key(),
        )
    # then it is refused: one ask, one pending funding
    assert refused.value.code == "funding_pending"
    assert Funding.objects.filter(escrow=milestone.escrow).count() == 1


def test_the_page_sends_a_client_with_a_transfer_awaited_to_it_instead_of_a_second(client: Any) -> None:
    # given a milestone whose bank transfer is awaited
    contract = active_contract(milestones=1, amount=30_000)
    milestone = contract.milestones.get()
    services.milestone_fund(milestone=milestone, actor=contract.client, idempotency_key=key("fund"))
    milestone = Milestone.objects.get(pk=milestone.pk)
    pf = ProviderFunding.objects.get(escrow=milestone.escrow)
    login_as(client, contract.client)
    # when she opens the funding page
    page = client.get(_fund_page(milestone)).content.decode()
    # then it points to the awaited transfer and offers no second payment
    assert "入金をお待ちしている手続きがあります" in page and pf.reference_code in page
    assert "支払い手続きに進む" not in page
    # when a second payment is posted anyway / then refused with a message, nothing new
    response = _post(client, milestone, "30000")
    assert "入金をお待ちしている手続きがすでにあります" in response.content.decode()
    assert Funding.objects.filter(escrow=milestone.escrow).count() == 1


def test_another_clients_escrow_is_not_found(client: Any) -> None:
    # given a milestone asking its own client for money
    milestone = _voided_milestone()
    stranger = ClientFactory()
    login_as(client, stranger)
    # when another client opens or posts to its funding page
    # then both answer 404, as for something that does not exist, and nothing is saved
    before = Funding.objects.count()
    assert client.get(_fund_page(milestone)).status_code == 404
    assert _post(client, milestone, "30000").status_code == 404
    with pytest.raises(DomainError):
        payments.funding_start(
            client=stranger,
            escrow=_escrow(milestone),
            amount=30_000,
            provider="bank_transfer",
            idempotency_key=key(),
        )
    assert Funding.objects.count() == before


def test_the_same_request_sent_twice_makes_one_funding() -> None:
    # given a milestone asking again for its amount
    milestone = _voided_milestone()
    same = key("double")
    # when the client's request arrives twice with one key
    first = payments.funding_start(
        client=milestone.contract.client,
        escrow=_escrow(milestone),
        amount=30_000,
        provider="bank_transfer",
        idempotency_key=same,
    )
    again = payments.funding_start(
        client=milestone.contract.client,
        escrow=_escrow(milestone),
        amount=30_000,
        provider="bank_transfer",
        idempotency_key=same,
    )
    # then both answer the same funding
    assert first.pk == again.pk
    assert Funding.objects.filter(escrow=_escrow(milestone), status=FundingStatus.PENDING).count() == 1


def test_a_billed_hourly_week_asks_for_its_billed_amount_until_paid(frozen_clock: Any) -> None:
    # given an hourly week billed at ¥12,345 whose transfer was voided, so its escrow holds nothing
    contract = active_contract(hourly=True)
    monday = dt.date(2026, 11, 23)
    week = HourlyWeek.objects.create(
        contract=contract, week_start=monday, status=WeekStatus.BILLED, billed_amount=12_345
    )
    week.escrow = ledger.escrow_open(
        client=contract.client,
        reference=f"week:{week.pk}",
        fee_group=f"contract:{contract.pk}",
        fee_plan=FeePlan.PROJECT_TIERED,
        withholding=False,
        actor=None,
        idempotency_key=key("open"),
        worker=contract.worker,
    )
    week.save()
    # when the payments app asks what the escrow wants / then exactly the billed amount
    ask = payments.funding_ask(week.escrow)
    assert ask is not None and ask.amount == 12_345
    # and once the week is paid (released), nothing more
    week.released_at = clock.now()
    week.save()
    assert payments.funding_ask(week.escrow) is None
    # and a week still open (not billed) asks nothing either
    week.released_at = None
    week.status = WeekStatus.OPEN
    week.save()
    assert payments.funding_ask(week.escrow) is None


def test_a_milestone_says_honestly_whether_money_is_on_its_way(
    client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from hataraku.contracts.constants import MilestoneStatus

    # given a milestone whose client chose bank transfer: it waits for the money to be confirmed
    contract = active_contract(milestones=1, amount=30_000)
    milestone = contract.milestones.get()
    with django_capture_on_commit_callbacks(execute=True):
        services.milestone_fund(milestone=milestone, actor=contract.client, idempotency_key=key("fund"))
    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.FUNDING_REQUESTED
    # when staff void the transfer (the money never came), then it waits for a payment again
    with django_capture_on_commit_callbacks(execute=True):
        payments.funding_cancel(
            provider_funding=ProviderFunding.objects.get(escrow=milestone.escrow), actor=None
        )
    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.PENDING
    # when the client pays again from the funding page, then it waits for that money
    login_as(client, contract.client)
    with django_capture_on_commit_callbacks(execute=True):
        assert _post(client, milestone, "30000").status_code == 302
    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.FUNDING_REQUESTED
    # when that transfer is confirmed, then the milestone is funded
    with django_capture_on_commit_callbacks(execute=True):
        payments.funding_confirm(
            provider_funding=ProviderFunding.objects.filter(escrow=milestone.escrow).latest("id"), actor=None
        )
    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.FUNDED


def test_the_tick_catches_a_void_nobody_heard_of() -> None:
    from hataraku.contracts.constants import MilestoneStatus

    # given a milestone whose transfer was voided while its handler did not run (no commit callbacks)
    milestone = _voided_milestone()
    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.FUNDING_REQUESTED
    # when the tick reconciles, then it waits for a payment again (and is not counted as funded)
    assert services.milestones_sync_funding() == 0
    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.PENDING
