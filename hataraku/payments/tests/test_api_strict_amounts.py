"""Amounts in the money API are JSON integers only: a string, a float or a boolean is refused in the API's
error shape with a Japanese message, and no payout is made (review of issue 7)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from hataraku.accounts.tests.mfa import login_as
from hataraku.payments.models import Payout

from .factories import BankAccountFactory, WorkerFactory, give_balance

pytestmark = pytest.mark.django_db

PAYOUTS = "/api/money/payouts"


@pytest.fixture
def browser(frozen_clock: Any) -> Client:
    worker = WorkerFactory()
    BankAccountFactory(worker=worker)
    give_balance(worker, 50_000)
    client = Client()
    login_as(client, worker)
    return client


def _post(browser: Client, raw_body: str) -> Any:
    return browser.post(
        PAYOUTS, raw_body, content_type="application/json", headers={"Idempotency-Key": "strict-1"}
    )


@pytest.mark.parametrize(
    "raw", ['{"amount": "5000"}', '{"amount": 5e3}', '{"amount": 5000.0}', '{"amount": true}']
)
def test_an_amount_that_is_not_a_json_integer_is_refused(browser: Client, raw: str) -> None:
    # given a worker with ¥50,000 to pay out
    # when the amount comes as a string, a float or a boolean
    response = _post(browser, raw)
    # then 422 in the one error shape, a Japanese sentence naming the field, and no payout
    assert response.status_code == 422
    body = response.json()
    assert set(body) == {"detail", "code"} and body["code"] == "invalid_input"
    assert "amount" in body["detail"] and "整数" in body["detail"]
    assert not Payout.objects.exists()


def test_a_json_integer_amount_is_paid_out(browser: Client) -> None:
    # given the same worker / when the amount is a plain JSON integer
    response = _post(browser, '{"amount": 5000}')
    # then the payout is made for exactly that
    assert response.status_code == 201
    assert Payout.objects.get().amount == 5_000
