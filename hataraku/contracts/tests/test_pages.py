"""Pages offer only what can work: the deliver button, and ending an hourly contract from its page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from hataraku.contracts import services
from hataraku.contracts.constants import ContractStatus
from hataraku.contracts.models import Contract

from .factories import ClientFactory, UserFactory, active_contract, funded_milestone, key

pytestmark = pytest.mark.django_db


def _deliver_url(contract: Contract, milestone_pk: int) -> str:
    return reverse("contracts:milestone_deliver", args=[contract.pk, milestone_pk])


def test_deliver_button_is_not_offered_before_the_money_is_held(client):
    # given an active contract whose milestone is not funded (once with nothing asked, once waiting for
    # the client's bank transfer)
    contract = active_contract()
    m = contract.milestones.get()
    client.force_login(contract.worker)
    page = reverse("contracts:milestone", args=[contract.pk, m.pk])
    # when the worker opens the milestone page, then there is no deliver button
    assert _deliver_url(contract, m.pk) not in client.get(page).content.decode()
    services.milestone_fund(milestone=m, actor=contract.client, idempotency_key=key())
    assert _deliver_url(contract, m.pk) not in client.get(page).content.decode()


def test_deliver_button_is_offered_only_on_an_active_contract(client):
    # given a funded milestone on an active contract
    m = funded_milestone()
    contract = m.contract
    client.force_login(contract.worker)
    page = reverse("contracts:milestone", args=[contract.pk, m.pk])
    # when the worker opens its page, then the deliver button is there
    assert _deliver_url(contract, m.pk) in client.get(page).content.decode()
    # when the contract is no longer active, then it is gone (delivering would be refused)
    Contract.objects.filter(pk=contract.pk).update(status=ContractStatus.COMPLETED)
    assert _deliver_url(contract, m.pk) not in client.get(page).content.decode()
    # and the client never sees it
    client.force_login(contract.client)
    Contract.objects.filter(pk=contract.pk).update(status=ContractStatus.ACTIVE)
    assert _deliver_url(contract, m.pk) not in client.get(page).content.decode()


def test_end_button_shows_on_active_hourly_contracts_only(client):
    # given an active hourly and an active fixed contract of the same client
    hourly = active_contract(hourly=True, amount=1_000)
    fixed = active_contract(client=hourly.client)
    client.force_login(hourly.client)
    # when the client opens each page, then only the hourly one offers to end it, with a confirmation
    body = client.get(reverse("contracts:detail", args=[hourly.pk])).content.decode()
    assert reverse("contracts:complete", args=[hourly.pk]) in body
    assert 'name="confirm"' in body
    assert "終了は取り消せません" in body
    body = client.get(reverse("contracts:detail", args=[fixed.pk])).content.decode()
    assert reverse("contracts:complete", args=[fixed.pk]) not in body


def test_ending_needs_the_confirmation_then_completes(client):
    # given an active hourly contract without unpaid time
    contract = active_contract(hourly=True, amount=1_000)
    url = reverse("contracts:complete", args=[contract.pk])
    client.force_login(contract.worker)
    # when the worker posts without ticking the confirmation
    response = client.post(url, follow=True)
    # then a Japanese message and nothing changed
    assert "チェックを入れてください" in response.content.decode()
    contract.refresh_from_db()
    assert contract.status == ContractStatus.ACTIVE
    # when they confirm, then it is completed
    response = client.post(url, {"confirm": "yes"}, follow=True)
    assert "契約を終了しました" in response.content.decode()
    contract.refresh_from_db()
    assert contract.status == ContractStatus.COMPLETED


def test_ending_with_unpaid_time_shows_why_and_changes_nothing(client):
    # given an hourly contract with time logged this week
    contract = active_contract(hourly=True, amount=1_000)
    services.time_entry_add(
        contract=contract, actor=contract.worker, work_date=dt.date(2026, 12, 1), minutes=60, memo="入力"
    )
    client.force_login(contract.client)
    # when the client confirms ending it
    response = client.post(reverse("contracts:complete", args=[contract.pk]), {"confirm": "yes"}, follow=True)
    # then the page explains the time must be paid first, and the contract is still active
    assert "まだ支払われていません" in response.content.decode()
    contract.refresh_from_db()
    assert contract.status == ContractStatus.ACTIVE


@pytest.mark.parametrize("outsider", [UserFactory, ClientFactory])
def test_outsiders_get_404_and_get_is_not_allowed(client, outsider):
    contract = active_contract(hourly=True, amount=1_000)
    url = reverse("contracts:complete", args=[contract.pk])
    client.force_login(outsider())
    assert client.post(url, {"confirm": "yes"}).status_code == 404
    client.force_login(contract.worker)
    assert client.get(url).status_code == 405
    contract.refresh_from_db()
    assert contract.status == ContractStatus.ACTIVE
