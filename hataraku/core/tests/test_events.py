"""Domain events (core/events.py): handlers run after commit, never for a rolled-back change, one failing
handler is logged and does not stop the others, and apps' handlers are found at start-up."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction

from hataraku.core import events

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Happened(events.Event):
    n: int


@pytest.fixture
def seen(monkeypatch: Any) -> list[int]:
    monkeypatch.setattr(events, "_HANDLERS", defaultdict(list))
    got: list[int] = []
    events.subscribe(Happened, lambda e: got.append(e.n))
    return got


def test_handlers_run_only_after_the_commit(seen, django_capture_on_commit_callbacks):
    # when a service announces inside its transaction
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        events.announce(Happened(1))
        # then nothing ran yet
        assert seen == []
    # and after the commit the handler ran once
    assert seen == [1]


def test_a_rolled_back_change_announces_nothing(seen, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        events.announce(Happened(2))
        raise RuntimeError("the service failed")
    assert seen == []


def test_a_failing_handler_is_logged_and_the_others_still_run(
    seen, caplog, django_capture_on_commit_callbacks
):
    def broken(event: Happened) -> None:
        raise ValueError("boom")

    events.subscribe(Happened, broken)
    events.subscribe(Happened, lambda e: seen.append(e.n * 10))
    with django_capture_on_commit_callbacks(execute=True):
        events.announce(Happened(3))
    assert seen == [3, 30]
    assert "event handler" in caplog.text and "boom" in caplog.text


def test_subscribing_twice_keeps_one(seen, django_capture_on_commit_callbacks):
    handler = events.handlers_for(Happened)[0]
    events.subscribe(Happened, handler)
    assert events.handlers_for(Happened) == [handler]


def test_apps_handlers_are_found_at_start_up():
    from hataraku.contracts import handlers
    from hataraku.ledger.events import FundingPosted

    assert "hataraku.contracts.handlers" in events.handler_modules()
    assert handlers.funding_posted in events.handlers_for(FundingPosted)


@pytest.mark.django_db(transaction=True)
def test_a_handler_runs_outside_any_transaction_so_an_idle_one_costs_none(monkeypatch):
    # given a handler that only looks (as the contracts handlers do for an escrow that is not theirs)
    monkeypatch.setattr(events, "_HANDLERS", defaultdict(list))
    inside: list[bool] = []
    events.subscribe(Happened, lambda e: inside.append(transaction.get_connection().in_atomic_block))
    # when a service's transaction that announced it commits
    with transaction.atomic():
        events.announce(Happened(4))
    # then the handler ran with no transaction opened for it (one that writes opens its own)
    assert inside == [False]
