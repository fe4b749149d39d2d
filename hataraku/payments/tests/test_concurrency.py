"""Money paths under concurrent requests, on PostgreSQL (SQLite serialises writers, so it proves nothing)."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from hataraku.core.errors import DomainError
from hataraku.ledger import services as ledger
from hataraku.ledger.constants import EntryKind, FundingSource
from hataraku.ledger.selectors import client_balances, escrow_held, worker_balances
from hataraku.payments import services
from hataraku.payments.constants import PayoutStatus
from hataraku.payments.models import ClientWithdrawal, Payout, ProcessedWebhookEvent
from hataraku.payments.providers import StripeProvider

from .factories import (
    BankAccountFactory,
    ClientFactory,
    StaffFactory,
    WorkerFactory,
    give_balance,
    key,
    open_escrow,
)
from .stripe_fakes import fixture, signature_header

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _race(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls at the same moment in their own threads (own connections); return result or error."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[i] = call()
        except Exception as exc:  # collected and asserted on by the test
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_two_payouts_cannot_spend_the_same_balance():
    # given a worker whose balance covers one of two requests, not both
    worker: Any = WorkerFactory()
    BankAccountFactory(worker=worker)
    give_balance(worker, 20_000)
    available = worker_balances(worker).available
    amount = available // 2 + 1_000
    # when both are asked for at once
    results = _race(
        lambda: services.payout_request(worker=worker, amount=amount, idempotency_key=key()),
        lambda: services.payout_request(worker=worker, amount=amount, idempotency_key=key()),
    )
    # then exactly one is accepted and the balance never goes below zero
    assert sum(isinstance(r, Payout) for r in results) == 1
    assert sum(isinstance(r, DomainError) for r in results) == 1
    assert worker_balances(worker).available == available - amount


def test_paid_and_failed_at_once_settle_exactly_one_way():
    worker: Any = WorkerFactory()
    staff: Any = StaffFactory()
    BankAccountFactory(worker=worker)
    give_balance(worker, 20_000)
    payout = services.payout_request(worker=worker, amount=5_000, idempotency_key=key())
    services.payout_batch_create(
        actor=staff, transfer_date=dt.date.today() + dt.timedelta(days=1), idempotency_key=key()
    )
    results = _race(
        lambda: services.payout_mark_paid(payout=payout, actor=staff, idempotency_key=key()),
        lambda: services.payout_mark_failed(payout=payout, actor=staff, idempotency_key=key()),
    )
    assert sum(isinstance(r, Payout) for r in results) == 1
    payout.refresh_from_db()
    payout.hold.refresh_from_db()
    assert payout.status in (PayoutStatus.PAID, PayoutStatus.FAILED)
    # the hold has no status of its own: its one final entry says which way it went
    expected = {"paid": EntryKind.PAYOUT_SETTLE, "failed": EntryKind.PAYOUT_FAIL}[payout.status]
    assert payout.hold.final_entry is not None and payout.hold.final_entry.kind == expected


def _card_funding() -> tuple[Any, Any]:
    from .factories import ClientFactory, open_escrow
    from .stripe_fakes import client_with

    client: Any = ClientFactory()
    escrow = open_escrow(client=client)
    sdk, _http = client_with((200, fixture("checkout_session_created.json")))
    pf = services.provider_funding_record(
        provider=StripeProvider(sdk, webhook_secret="whsec_race"),
        escrow=escrow,
        amount=33_000,
        idempotency_key=key(),
        actor=client,
    )
    return escrow, pf


def _delivery(name: str, pf: Any) -> Any:
    event = fixture(name)
    event["data"]["object"]["metadata"] = {"escrow_id": str(pf.escrow_id), "funding_id": str(pf.funding_id)}
    payload = json.dumps(event).encode()
    header = signature_header(payload, "whsec_race", int(time.time()))

    def deliver() -> Any:
        return services.stripe_webhook_receive(
            payload=payload, signature=header, provider=StripeProvider(webhook_secret="whsec_race")
        )

    return deliver


def test_the_same_webhook_delivered_twice_at_once_posts_once():
    # given a pending card funding / when Stripe delivers the same event twice at the same moment
    escrow, pf = _card_funding()
    deliver = _delivery("event_checkout_session_completed.json", pf)
    # then both are answered, the money is held once, and the event is recorded once
    assert sorted(_race(deliver, deliver)) == ["already processed", "ok"]
    assert escrow_held(escrow) == 33_000
    assert ProcessedWebhookEvent.objects.count() == 1


def test_session_paid_and_payment_intent_succeeded_at_once_post_once():
    # given a pending card funding / when the session's and its PaymentIntent's events arrive together
    escrow, pf = _card_funding()
    session = _delivery("event_checkout_session_completed.json", pf)
    intent = _delivery("event_payment_intent_succeeded.json", pf)
    # then both are answered and the escrow holds the amount once (the funding row lock orders them)
    assert _race(session, intent) == ["ok", "ok"]
    assert escrow_held(escrow) == 33_000
    assert ProcessedWebhookEvent.objects.count() == 2


def _refunded_client(amount: int) -> Any:
    """A client with a bank account and `amount` refunded to her (a posted funding refunded whole)."""
    person: Any = ClientFactory()
    BankAccountFactory(worker=person)
    escrow = open_escrow(client=person)
    funding = ledger.escrow_fund(
        escrow=escrow, amount=amount, source=FundingSource.BANK_TRANSFER, actor=None, idempotency_key=key()
    )
    ledger.funding_post(funding=funding, actor=None, idempotency_key=key())
    ledger.escrow_refund(escrow=escrow, amount=amount, actor=None, idempotency_key=key())
    return person


def test_two_refund_withdrawals_cannot_take_the_same_yen():
    # given a client whose refundable balance covers one of two requests, not both
    person = _refunded_client(20_000)
    # when two withdrawals of ¥15,000 are asked for at the same moment, with different keys
    results = _race(
        lambda: services.client_withdrawal_request(client=person, amount=15_000, idempotency_key=key()),
        lambda: services.client_withdrawal_request(client=person, amount=15_000, idempotency_key=key()),
    )
    # then one is taken, the other refused for the balance, and the yen are counted once
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], DomainError), results
    assert errors[0].code == "insufficient_balance"
    assert ClientWithdrawal.objects.count() == 1
    assert client_balances(person).refundable == 5_000


def test_the_same_refund_withdrawal_sent_twice_at_once_is_one():
    person = _refunded_client(20_000)
    k = key()
    results = _race(
        lambda: services.client_withdrawal_request(client=person, amount=8_000, idempotency_key=k),
        lambda: services.client_withdrawal_request(client=person, amount=8_000, idempotency_key=k),
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    assert results[0].pk == results[1].pk
    assert ClientWithdrawal.objects.count() == 1
    assert client_balances(person).refundable == 12_000
