"""Idempotency keys sent by people (issue 7, item 9): a replay answers what the first request answered,
even ten copies at the same moment, and a key belongs to the person who sent it — two people who send the
same key each get their own result, never the other's."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from hataraku.ledger.idempotency import scoped_key
from hataraku.ledger.models import IdempotencyKey, PayoutHold
from hataraku.payments import services
from hataraku.payments.models import Payout

from .factories import BankAccountFactory, WorkerFactory, give_balance

PAYOUTS = "/api/money/payouts"


def _worker_with_money(amount: int = 50_000) -> Any:
    worker = WorkerFactory()
    BankAccountFactory(worker=worker)
    give_balance(worker, amount)
    return worker


def _post(browser: Client, amount: int, idem: str) -> Any:
    return browser.post(
        PAYOUTS, {"amount": amount}, content_type="application/json", headers={"Idempotency-Key": idem}
    )


@pytest.mark.django_db
def test_two_workers_sending_the_same_key_each_get_their_own_payout(frozen_clock: Any) -> None:
    # given two workers with money
    sakura, kenji = _worker_with_money(), _worker_with_money()
    first, second = Client(), Client()
    first.force_login(sakura)
    second.force_login(kenji)
    # when both send a payout with the same Idempotency-Key (and different amounts)
    a = _post(first, 5_000, "same-key-for-two")
    b = _post(second, 6_000, "same-key-for-two")
    # then each is accepted as new, with their own payout and ledger hold: nobody sees the other's result
    assert a.status_code == b.status_code == 201
    assert a.json()["id"] != b.json()["id"]
    assert (a.json()["amount"], b.json()["amount"]) == (5_000, 6_000)
    assert Payout.objects.get(worker=sakura).amount == 5_000
    assert Payout.objects.get(worker=kenji).amount == 6_000
    assert PayoutHold.objects.count() == 2
    # and each person's replay still finds their own
    assert _post(first, 5_000, "same-key-for-two").json()["id"] == a.json()["id"]
    assert _post(second, 6_000, "same-key-for-two").json()["id"] == b.json()["id"]


@pytest.mark.django_db
def test_user_keys_are_stored_with_their_sender_and_internal_keys_stay_shared(frozen_clock: Any) -> None:
    # given a worker's payout asked for with her key
    worker = _worker_with_money()
    services.payout_request(worker=worker, amount=5_000, idempotency_key="mine")
    # then the payout and the ledger's key carry her id, so another person's "mine" is another key
    assert Payout.objects.get().idempotency_key == f"u{worker.pk}:mine"
    assert IdempotencyKey.objects.filter(key=f"payments.payout:u{worker.pk}:mine").exists()
    # and a key longer than the column is kept whole as its hash, never cut short into someone else's
    long_key = "x" * 100
    assert scoped_key(worker, long_key).startswith(f"u{worker.pk}:sha256:")
    assert scoped_key(worker, long_key) != scoped_key(worker, "x" * 99 + "y")


def _together(calls: list[Any]) -> list[Any]:
    """Run every call in its own thread (own connection), released by one barrier."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[i] = calls[i]()
        except Exception as exc:  # the test asserts on what each thread met
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a thread did not finish"
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_ten_copies_of_one_request_at_once_all_answer_the_first_result() -> None:
    # given a worker with money, logged in in ten browsers (or one browser retrying ten times)
    worker = _worker_with_money(50_000)
    browsers = []
    for _ in range(10):
        browser = Client()
        browser.force_login(worker)
        browsers.append(browser)

    def send(browser: Client) -> Any:
        response = _post(browser, 30_000, "ten-at-once")
        return response.status_code, response.json()

    # when the same payout request, with one key, arrives ten times at the same moment
    results = _together([lambda b=b: send(b) for b in browsers])
    # and once more a moment later (a retry after a lost answer)
    results.append(send(browsers[0]))
    # then all eleven answer what the first answered: the same status and the same payout
    assert not [r for r in results if isinstance(r, Exception)], results
    statuses = {status for status, _body in results}
    bodies = {body["id"] for _status, body in results}
    assert statuses == {201}, results
    assert len(bodies) == 1
    # and one payout and one ledger hold exist: the money was reserved once
    assert Payout.objects.filter(worker=worker).count() == 1
    assert PayoutHold.objects.filter(worker=worker).count() == 1
