"""The contracts app's dashboard to-dos (contracts/todos.py): given contracts in a state, the right party
sees the item with its date and link, and nobody else sees it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pytest
from django.urls import reverse

from hataraku.contracts import services, todos
from hataraku.contracts.constants import AccommodationKind
from hataraku.core import clock
from hataraku.core.todos import Todo

from .factories import (
    ClientFactory,
    StaffFactory,
    UserFactory,
    active_contract,
    deliver,
    funded_milestone,
    offered_contract,
)

pytestmark = pytest.mark.django_db


def _keys(items: Sequence[Todo]) -> list[str]:
    return [i.key for i in items]


def test_returned_delivery_is_the_workers_todo_with_its_due_date_and_link() -> None:
    # given a delivery the client sent back
    milestone = deliver(funded_milestone(milestones=1))
    contract = milestone.contract
    services.milestone_return(milestone=milestone, actor=contract.client, reason="表記ゆれが残っています")
    # when the worker's contract to-dos are read
    items = todos.worker_milestones(contract.worker)
    # then she sees it, dated by its due date, linking to the milestone
    assert _keys(items) == ["contracts.delivery_returned"]
    assert items[0].when == milestone.due_date
    assert items[0].url == reverse("contracts:milestone", args=[contract.pk, milestone.pk])
    assert milestone.title in str(items[0].title)
    # and another worker and the client do not see it as theirs
    assert todos.worker_milestones(UserFactory()) == []
    assert todos.worker_milestones(contract.client) == []


def test_deliveries_to_inspect_carry_the_automatic_acceptance_moment(frozen_clock) -> None:
    # given a delivery made now
    frozen_clock.set(dt.datetime(2026, 12, 7, 10, 0, tzinfo=clock.TOKYO))
    milestone = deliver(funded_milestone(milestones=1))
    contract = milestone.contract
    # when the client's to-dos are read
    items = todos.client_deliveries(contract.client)
    # then the delivery is there with the moment it is accepted if she says nothing
    assert _keys(items) == ["contracts.delivery_to_inspect"]
    assert milestone.delivered_at is not None
    assert items[0].when == milestone.delivered_at + dt.timedelta(days=contract.acceptance_days)
    assert items[0].has_time
    assert items[0].url == reverse("contracts:milestone", args=[contract.pk, milestone.pk])
    # and neither the worker nor another client has it
    assert todos.client_deliveries(contract.worker) == []
    assert todos.client_deliveries(UserFactory(is_client=True)) == []


def test_deadline_this_week_is_listed_and_a_later_one_is_not(frozen_clock) -> None:
    # given two funded milestones, one due in 10 days, then the clock moves to 5 days before it
    contract = active_contract(milestones=2)
    first = funded_milestone(contract)
    assert todos.worker_milestones(contract.worker) == []
    frozen_clock.set(clock.now() + dt.timedelta(days=(first.due_date - clock.today()).days - 5))
    # when the worker's to-dos are read
    items = todos.worker_milestones(contract.worker)
    # then the one due this week is there, not yet urgent
    assert _keys(items) == ["contracts.deadline"]
    assert items[0].when == first.due_date
    assert not items[0].urgent
    # and two days before, it is marked urgent
    frozen_clock.advance(dt.timedelta(days=3))
    assert todos.worker_milestones(contract.worker)[0].urgent


def test_offer_waiting_for_the_worker_links_to_the_terms() -> None:
    contract = offered_contract(milestones=1)
    items = todos.worker_offers(contract.worker)
    assert _keys(items) == ["contracts.offer"]
    assert items[0].url == reverse("contracts:terms", args=[contract.pk])
    assert items[0].when == contract.created_at
    assert todos.worker_offers(UserFactory()) == []


def test_unfunded_milestone_is_the_clients_todo() -> None:
    contract = active_contract(milestones=2)
    items = todos.client_fundings(contract.client)
    assert _keys(items) == ["contracts.milestone_to_fund", "contracts.milestone_to_fund"]
    assert items[0].when == contract.milestones.order_by("order")[0].due_date
    assert todos.client_fundings(contract.worker) == []


def test_accommodation_request_waits_on_the_client_with_its_answer_limit() -> None:
    # given a worker's request for more time
    milestone = funded_milestone(milestones=1)
    contract = milestone.contract
    request = services.accommodation_request(
        contract=contract,
        actor=contract.worker,
        kind=AccommodationKind.EXTENSION,
        milestone=milestone,
        requested_due_date=milestone.due_date + dt.timedelta(days=7),
    )
    # when the client's requests are read
    items = todos.client_requests(contract.client)
    # then it is there with the day her answer is due
    assert _keys(items) == ["contracts.accommodation"]
    assert items[0].when == request.answer_due_at
    assert items[0].url.endswith(f"#accommodation-{request.pk}")
    # and the worker who asked has nothing to answer
    assert todos.worker_requests(contract.worker) == []


def test_change_request_waits_on_the_other_party_only() -> None:
    milestone = funded_milestone(milestones=1)
    contract = milestone.contract
    services.change_request_propose(
        contract=contract,
        actor=contract.client,
        changes={
            "milestones": {str(milestone.pk): {"due_date": str(milestone.due_date + dt.timedelta(days=3))}}
        },
    )
    assert _keys(todos.worker_requests(contract.worker)) == ["contracts.change_request"]
    assert todos.client_requests(contract.client) == []


def test_staff_queues_count_and_date_the_oldest() -> None:
    staff = StaffFactory()
    # given no dispute, the queue line is there with 0
    (line,) = todos.staff_disputes(staff)
    assert (line.count, line.when) == (0, None)
    # given one dispute
    milestone = deliver(funded_milestone(milestones=1))
    dispute = services.dispute_open(
        contract=milestone.contract,
        actor=milestone.contract.worker,
        reason="連絡が取れません",
        milestone=milestone,
    )
    (line,) = todos.staff_disputes(staff)
    assert (line.count, line.when) == (1, dispute.created_at)
    assert line.url == reverse("contracts:staff_disputes")


def test_more_items_cost_no_more_queries() -> None:
    # given a client with one delivery to inspect, one returned, one unfunded milestone
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from hataraku.core import todos as registry

    client = ClientFactory()

    def add_one() -> None:
        contract = active_contract(client=client, milestones=2)
        deliver(funded_milestone(contract))

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            registry.todos_for(client, registry.CLIENT)
        return len(queries)

    add_one()
    one = count()
    # when there are three of each
    add_one()
    add_one()
    # then reading her list takes the same number of queries
    assert count() == one
    assert (
        len(
            [
                i
                for i in registry.todos_for(client, registry.CLIENT)
                if i.key == "contracts.delivery_to_inspect"
            ]
        )
        == 3
    )
