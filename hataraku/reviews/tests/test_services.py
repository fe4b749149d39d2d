"""review_submit, the 14-day / both-sides visibility rule, and client_stats."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from hataraku.core.errors import Conflict, DomainError, InvalidTransition, NotFound
from hataraku.messaging.models import Notification
from hataraku.messaging.tests.factories import ContractFactory, WorkerFactory
from hataraku.reviews.models import Review
from hataraku.reviews.selectors import client_stats, visible_reviews_for
from hataraku.reviews.services import review_submit

from .factories import CompletedContractFactory, ReviewFactory

pytestmark = pytest.mark.django_db

GOOD: dict[str, Any] = {"skill": 5, "quality": 4, "schedule": 5, "communication": 4, "partnership": 5}


def test_review_before_completion_is_refused_and_saves_nothing(frozen_clock):
    # given an active contract
    contract = ContractFactory.create(status="active")
    # when the client tries to review
    with pytest.raises(InvalidTransition) as exc:
        review_submit(contract=contract, reviewer=contract.client, **GOOD)
    # then a clear error and no review
    assert "完了してから" in str(exc.value)
    assert not Review.objects.exists()


def test_a_third_party_cannot_review(frozen_clock):
    contract = CompletedContractFactory.create()
    with pytest.raises(NotFound):
        review_submit(contract=contract, reviewer=WorkerFactory.create(), **GOOD)
    assert not Review.objects.exists()


def test_one_review_per_side(frozen_clock):
    # given the worker already reviewed
    contract = CompletedContractFactory.create()
    review_submit(contract=contract, reviewer=contract.worker, **GOOD)
    # when they try again
    with pytest.raises(Conflict):
        review_submit(contract=contract, reviewer=contract.worker, **GOOD, comment="二度目")
    # then only the first stays
    assert Review.objects.filter(contract=contract).count() == 1


@pytest.mark.parametrize("bad", [0, 6, -1])
def test_ratings_outside_one_to_five_are_refused(frozen_clock, bad):
    contract = CompletedContractFactory.create()
    with pytest.raises(DomainError) as exc:
        review_submit(contract=contract, reviewer=contract.client, **{**GOOD, "quality": bad})
    assert "仕事の質" in str(exc.value)
    assert not Review.objects.exists()


def test_review_is_hidden_until_both_sides_submit(frozen_clock):
    # given a completed contract
    contract = CompletedContractFactory.create()
    # when only the client reviews the worker
    review_submit(contract=contract, reviewer=contract.client, **GOOD, comment="助かりました")
    # then the worker's public reviews are still empty, and the worker is notified
    assert list(visible_reviews_for(contract.worker)) == []
    assert Notification.objects.filter(user=contract.worker, code__startswith="reviews.received").exists()
    # when the worker reviews back
    review_submit(contract=contract, reviewer=contract.worker, **GOOD)
    # then both reviews are visible
    assert [r.comment for r in visible_reviews_for(contract.worker)] == ["助かりました"]
    assert visible_reviews_for(contract.client).count() == 1


def test_review_becomes_visible_14_days_after_completion(frozen_clock):
    # given a contract completed now and a one-sided review
    contract = CompletedContractFactory.create()
    review_submit(contract=contract, reviewer=contract.client, **GOOD)
    # when 13 days 23 hours pass
    frozen_clock.advance(dt.timedelta(days=13, hours=23))
    # then still hidden
    assert visible_reviews_for(contract.worker).count() == 0
    # when the 14th day is reached
    frozen_clock.advance(dt.timedelta(hours=1))
    # then visible
    assert visible_reviews_for(contract.worker).count() == 1


def test_client_stats_without_history_are_zero_and_none(frozen_clock):
    stats = client_stats(ContractFactory.create().client)
    assert stats.completed_contracts == 0
    assert stats.average_rating is None
    assert stats.median_days_to_acceptance is None
    assert stats.on_time_payment_rate is None
    assert stats.returned_delivery_share is None


def test_client_stats_maths(frozen_clock):
    from hataraku.contracts.models import Delivery, Milestone

    # given a client with two completed contracts and one active one
    first = CompletedContractFactory.create()
    client = first.client
    second = CompletedContractFactory.create(proposal__job__client=client)
    ContractFactory.create(proposal__job__client=client, status="active")
    now = frozen_clock.now()
    # and milestones accepted after 1, 3 and 8 days (the last one automatically)
    for contract, order, days, auto in ((first, 1, 1, False), (first, 2, 3, False), (second, 1, 8, True)):
        Milestone.objects.create(
            contract=contract,
            order=order,
            title=f"m{order}",
            amount=10000,
            due_date=now.date(),
            status="released",
            delivered_at=now - dt.timedelta(days=days),
            accepted_at=now,
            auto_accepted=auto,
        )
    # and four deliveries, one of them returned
    milestone = Milestone.objects.filter(contract=first).first()
    assert milestone is not None
    for returned in (True, False, False, False):
        Delivery.objects.create(
            milestone=milestone,
            delivered_by=first.worker,
            message="納品します",
            returned_at=now if returned else None,
        )
    # and a visible review of the client (both sides wrote) averaging 4.0, plus a hidden one
    ReviewFactory.create(
        contract=first, reviewer=first.worker, skill=4, quality=4, schedule=4, communication=4, partnership=4
    )
    ReviewFactory.create(contract=first, reviewer=first.client)
    ReviewFactory.create(
        contract=second,
        reviewer=second.worker,
        skill=1,
        quality=1,
        schedule=1,
        communication=1,
        partnership=1,
    )
    # when the stats are computed
    stats = client_stats(client)
    # then
    assert stats.completed_contracts == 2
    assert stats.average_rating == 4.0
    assert stats.review_count == 1
    assert stats.median_days_to_acceptance == 3.0
    assert stats.on_time_payment_rate == round(2 / 3, 3)
    assert stats.returned_delivery_share == 0.25
