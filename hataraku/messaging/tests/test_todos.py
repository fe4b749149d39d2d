"""Messages waiting for an answer on the dashboard (messaging/todos.py): the last word is the other
party's; the one who wrote last, and anyone outside the thread, has nothing to do."""

from __future__ import annotations

import pytest
from django.urls import reverse

from hataraku.accounts.tests.factories import UserFactory
from hataraku.contracts.tests.factories import active_contract
from hataraku.messaging import services, todos

pytestmark = pytest.mark.django_db


def test_a_clients_question_waits_on_the_worker_until_she_answers() -> None:
    # given a client who asked the worker something on their contract
    contract = active_contract(milestones=1)
    message = services.contract_thread_start(
        contract=contract, sender=contract.client, body="進み具合はいかがですか"
    )
    # when the worker's to-dos are read
    (item,) = todos.worker_questions(contract.worker)
    # then the question is there, dated and linked to the conversation
    assert item.key == "messaging.unanswered"
    assert item.url == reverse("messaging:thread", args=[message.thread_id])
    assert contract.title in str(item.title)
    # and the client, who wrote last, and a stranger have nothing
    assert todos.client_questions(contract.client) == []
    assert todos.worker_questions(UserFactory()) == []
    # when the worker answers, it goes from her list to the client's
    services.message_send(thread=message.thread, sender=contract.worker, body="半分まで進みました")
    assert todos.worker_questions(contract.worker) == []
    assert [i.key for i in todos.client_questions(contract.client)] == ["messaging.unanswered"]
