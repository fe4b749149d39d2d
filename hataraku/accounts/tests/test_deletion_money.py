"""Account deletion never strands money: while a person still has money (or money is held for their
work), deletion is refused with a reason they can act on, and nothing changes."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from hataraku.accounts import services
from hataraku.accounts.selectors import deletion_blockers
from hataraku.accounts.tests.factories import PASSWORD, ClientFactory, UserFactory
from hataraku.core.errors import DomainError
from hataraku.ledger import services as ledger
from hataraku.ledger.selectors import worker_balances
from hataraku.ledger.tests.factories import funded_escrow, key
from hataraku.messaging.tests.factories import ContractFactory

pytestmark = pytest.mark.django_db


def test_a_worker_with_an_available_balance_cannot_delete_the_account():
    # given a worker who has been paid ¥10,000 and not yet withdrawn it
    worker = UserFactory()
    escrow = funded_escrow(10_000, worker=worker)
    ledger.escrow_release(escrow=escrow, amount=10_000, worker=worker, actor=None, idempotency_key=key("r"))
    available = worker_balances(worker).available
    assert available > 0
    # when they try to delete the account
    with pytest.raises(DomainError) as excinfo:
        services.account_delete(user=worker, actor=worker)
    # then it is refused with the amount, and nothing changed
    assert "出金できる報酬" in excinfo.value.message
    worker.refresh_from_db()
    assert worker.is_active and worker.deleted_at is None
    assert worker_balances(worker).available == available


def test_money_held_in_escrow_blocks_both_sides():
    # given a client who funded an escrow for a worker
    client_user = ClientFactory()
    worker = UserFactory()
    funded_escrow(5_000, client=client_user, worker=worker)
    # then neither side can delete while it is held
    assert any("仮払い" in r for r in deletion_blockers(client_user))
    assert any("仮払い" in r for r in deletion_blockers(worker))


def test_a_person_with_no_money_outstanding_can_delete():
    person = UserFactory()
    assert deletion_blockers(person) == []
    services.account_delete(user=person, actor=person)
    person.refresh_from_db()
    assert person.deleted_at is not None and not person.is_active


def test_the_delete_page_explains_what_to_do_first():
    worker = UserFactory()
    escrow = funded_escrow(3_000, worker=worker)
    ledger.escrow_release(escrow=escrow, amount=3_000, worker=worker, actor=None, idempotency_key=key("r"))
    browser = Client()
    browser.force_login(worker)
    page = browser.get(reverse("accounts:delete")).content.decode()
    assert "まだ退会できません" in page
    # and posting the form anyway deletes nothing
    response = browser.post(reverse("accounts:delete"), {"password": PASSWORD, "understood": "on"})
    assert response.status_code == 200
    assert "出金できる報酬" in response.content.decode()
    worker.refresh_from_db()
    assert worker.is_active


def test_the_apps_reasons_come_money_first_then_open_contracts():
    # given a worker with an active contract and money held in escrow for them
    contract = ContractFactory.create()
    funded_escrow(5_000, client=contract.client, worker=contract.worker)
    # when the reasons are collected from the apps' privacy modules (ledger, then contracts)
    reasons = deletion_blockers(contract.worker)
    # then the money comes first and the open contract last, as one list of plain sentences
    assert reasons == [
        "あなたへの支払いのために仮払いされているお金が ¥5,000 あります。",
        "進行中または申し込み中の契約があります。契約を終えるか取り消してください。",
    ]
