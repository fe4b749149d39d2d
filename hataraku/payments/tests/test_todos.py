"""Money on the dashboard (payments/todos.py): her balance and her latest payout, a client's transfer
still on its way, staff's money queues — each only for its owner."""

from __future__ import annotations

import pytest
from django.urls import reverse

from hataraku.accounts.tests.factories import StaffFactory, UserFactory
from hataraku.core.money import format_yen
from hataraku.ledger.selectors import worker_available
from hataraku.payments import services, todos

from .factories import BankAccountFactory, give_balance, key

pytestmark = pytest.mark.django_db


def test_balance_and_the_payout_she_asked_for() -> None:
    # given a worker paid for ¥20,000 of work (less the fee) and a bank account
    worker = UserFactory()
    give_balance(worker, 20_000)
    BankAccountFactory(worker=worker)
    available = worker_available(worker)
    # when her to-dos are read, then her balance is there, linking to the payout request
    (item,) = todos.worker_money(worker)
    assert item.key == "payments.balance" and item.url == reverse("payments:payout_request")
    assert format_yen(available) in str(item.title)
    # when she asks for a payout of all of it
    payout = services.payout_request(worker=worker, amount=available, idempotency_key=key("p"))
    # then the payout on its way is listed with the day she asked, and nothing is left to take out
    items = todos.worker_money(worker)
    assert [i.key for i in items] == ["payments.payout_in_transit"]
    assert items[0].when == payout.created_at
    # and another worker sees none of it
    assert todos.worker_money(UserFactory()) == []


def test_staff_money_queues_always_answer_with_a_count() -> None:
    lines = todos.staff_money_queues(StaffFactory())
    assert [line.key for line in lines] == [
        "payments.staff_transfers",
        "payments.staff_payouts",
        "payments.staff_client_withdrawals",
    ]
    assert all(line.count == 0 and line.when is None for line in lines)
