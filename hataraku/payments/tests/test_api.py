"""The money JSON API (/api/money/): who may call what, idempotent payouts, CSRF, the error shape."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from hataraku.accounts.tests.mfa import login_as
from hataraku.ledger.models import PayoutHold
from hataraku.payments import services
from hataraku.payments.models import Payout

from .factories import BankAccountFactory, ClientFactory, StaffFactory, WorkerFactory, give_balance, key

pytestmark = pytest.mark.django_db

BALANCES = "/api/money/balances"
PAYOUTS = "/api/money/payouts"
RECORDS = "/api/money/payment-records"


def _as(user: Any) -> Client:
    browser = Client()
    login_as(browser, user)
    return browser


def _post_payout(browser: Client, amount: Any, idem: str | None = "api-key-1") -> Any:
    headers = {"Idempotency-Key": idem} if idem is not None else {}
    return browser.post(PAYOUTS, {"amount": amount}, content_type="application/json", headers=headers)


@pytest.fixture
def paid_worker(frozen_clock: Any) -> Any:
    worker = WorkerFactory(display_name="中村 さくら")
    BankAccountFactory(worker=worker)
    give_balance(worker, 50_000)
    return worker


# --- who may call -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"), [("get", BALANCES), ("get", PAYOUTS), ("post", PAYOUTS), ("get", RECORDS)]
)
def test_anonymous_gets_401_in_the_error_shape(method: str, path: str) -> None:
    # given nobody logged in
    # when they call the endpoint
    response = getattr(Client(), method)(path, content_type="application/json")
    # then 401, with a Japanese message and a code
    assert response.status_code == 401
    assert response.json() == {"detail": "ログインしてからお試しください。", "code": "not_authenticated"}


@pytest.mark.parametrize(("method", "path"), [("get", BALANCES), ("get", PAYOUTS), ("post", PAYOUTS)])
def test_client_only_user_gets_404_on_worker_endpoints(method: str, path: str) -> None:
    # given a client who is not a worker
    browser = _as(ClientFactory())
    # when they call a worker endpoint
    response = _post_payout(browser, 5_000) if method == "post" else browser.get(path)
    # then 404, as for something that does not exist, and nothing was saved
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert not Payout.objects.exists()


def test_worker_reads_balances(paid_worker: Any) -> None:
    # given a worker with ¥50,000 released (less the platform fee) and a ¥5,000 payout asked for
    from hataraku.ledger.selectors import worker_balances

    services.payout_request(worker=paid_worker, amount=5_000, idempotency_key=key())
    expected = worker_balances(paid_worker)
    # when they read their balances
    response = _as(paid_worker).get(BALANCES)
    # then the ledger's figures come back as integer yen
    assert response.status_code == 200
    assert response.json() == {
        "pending": expected.pending,
        "available": expected.available,
        "in_transit": expected.in_transit,
        "paid": expected.paid,
        "withheld": expected.withheld,
    }
    assert response.json()["in_transit"] == 5_000


def test_worker_lists_only_their_payouts(paid_worker: Any, django_assert_max_num_queries: Any) -> None:
    # given two payouts of the worker and one of someone else
    first = services.payout_request(worker=paid_worker, amount=5_000, idempotency_key=key())
    second = services.payout_request(worker=paid_worker, amount=3_000, idempotency_key=key())
    other = WorkerFactory()
    BankAccountFactory(worker=other)
    give_balance(other, 20_000)
    services.payout_request(worker=other, amount=2_000, idempotency_key=key())
    browser = _as(paid_worker)
    # when they list their payouts
    with django_assert_max_num_queries(8):
        response = browser.get(PAYOUTS)
    # then only theirs, newest first, with fee and status
    assert response.status_code == 200
    rows = response.json()
    assert [r["id"] for r in rows] == [second.pk, first.pk]
    assert rows[1]["amount"] == 5_000
    assert rows[1]["fee"] == first.transfer_fee
    assert rows[1]["net_amount"] == 5_000 - first.transfer_fee
    assert rows[1]["status"] == "requested"
    assert rows[1]["paid_at"] is None


def test_paid_payout_shows_when_it_was_paid(paid_worker: Any, frozen_clock: Any) -> None:
    # given a payout that went to the bank and was confirmed
    payout = services.payout_request(worker=paid_worker, amount=5_000, idempotency_key=key())
    staff = StaffFactory()
    services.payout_batch_create(actor=staff, transfer_date=dt.date(2026, 12, 4), idempotency_key=key())
    payout.refresh_from_db()
    services.payout_mark_paid(payout=payout, actor=staff, idempotency_key=key())
    # when the worker lists their payouts
    row = _as(paid_worker).get(PAYOUTS).json()[0]
    # then the paid moment is there
    assert row["status"] == "paid"
    assert row["paid_at"] is not None


# --- payouts ----------------------------------------------------------------------------------------------


def test_payout_is_created_once_per_idempotency_key(paid_worker: Any) -> None:
    # given a worker with money and a bank account
    browser = _as(paid_worker)
    # when they send the same request twice with the same key
    first = _post_payout(browser, 5_000, "same-key")
    again = _post_payout(browser, 5_000, "same-key")
    # then the second answers exactly what the first answered (201, the same payout); one payout, one hold
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert Payout.objects.filter(worker=paid_worker).count() == 1
    assert PayoutHold.objects.filter(worker=paid_worker).count() == 1


def test_same_key_with_another_amount_is_a_conflict(paid_worker: Any) -> None:
    # given a payout asked for with a key
    browser = _as(paid_worker)
    assert _post_payout(browser, 5_000, "same-key").status_code == 201
    # when the same key comes with another amount
    response = _post_payout(browser, 6_000, "same-key")
    # then 409 with the one idempotency scheme's code and kind message, and nothing new
    assert response.status_code == 409
    assert response.json() == {
        "detail": "この操作はすでに別の内容で受け付けています。ページを開き直してからお試しください。",
        "code": "idempotency_mismatch",
    }
    assert Payout.objects.count() == 1
    assert PayoutHold.objects.count() == 1


@pytest.mark.parametrize(
    ("amount", "code", "message"),
    [
        (999, "payout_too_small", "出金は¥1,000からお申し込みいただけます。"),
        (10_000_000, "insufficient_balance", "出金できる残高"),
    ],
)
def test_payout_rule_broken_is_422_and_saves_nothing(
    paid_worker: Any, amount: int, code: str, message: str
) -> None:
    # given a worker with a balance
    browser = _as(paid_worker)
    # when they ask for too little or more than they have
    response = _post_payout(browser, amount)
    # then 422 with the Japanese message, and nothing saved
    assert response.status_code == 422
    assert response.json()["code"] == code
    assert message in response.json()["detail"]
    assert not Payout.objects.exists()
    assert not PayoutHold.objects.exists()


def test_payout_without_bank_account_is_422(frozen_clock: Any) -> None:
    # given a worker with money but no bank account
    worker = WorkerFactory()
    give_balance(worker, 50_000)
    # when they ask for a payout
    response = _post_payout(_as(worker), 5_000)
    # then 422 asks them to register an account first; nothing saved
    assert response.status_code == 422
    assert response.json() == {
        "detail": "出金の前に、振込先の口座を登録してください。",
        "code": "no_bank_account",
    }
    assert not Payout.objects.exists()


@pytest.mark.parametrize("idem", [None, "", "   ", "k" * 101, "キー"])
def test_missing_blank_or_too_long_key_is_400(paid_worker: Any, idem: str | None) -> None:
    # given a worker with money
    browser = _as(paid_worker)
    # when the Idempotency-Key header is missing, blank, longer than 100 characters or not ASCII
    response = _post_payout(browser, 5_000, idem)
    # then 400 with a Japanese message naming the header; nothing saved
    assert response.status_code == 400
    # (a missing header has its own code, and no message speaks of reloading a page to an API client)
    assert response.json()["code"] == ("idempotency_key_missing" if idem is None else "invalid_header")
    assert "Idempotency-Key" in response.json()["detail"]
    assert "ページ" not in response.json()["detail"]
    assert not Payout.objects.exists()


def test_malformed_body_is_422_in_the_error_shape(paid_worker: Any) -> None:
    # given a worker
    browser = _as(paid_worker)
    # when the amount is not a number
    response = _post_payout(browser, "たくさん")
    # then 422 in the one error shape; nothing saved
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"
    assert not Payout.objects.exists()


def test_session_post_without_csrf_token_is_403_and_with_it_works(paid_worker: Any) -> None:
    # given a logged-in worker whose browser enforces CSRF like a real one
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(paid_worker)
    browser.get("/payments/payouts/new/")  # a page with a form hands out the CSRF cookie
    token = browser.cookies["csrftoken"].value
    # when they post without the token
    refused = _post_payout(browser, 5_000, "csrf-1")
    # then 403 and nothing saved
    assert refused.status_code == 403
    assert refused.json()["code"] == "csrf_failed"
    assert not Payout.objects.exists()
    # when they post with the token in X-CSRFToken
    accepted = browser.post(
        PAYOUTS,
        {"amount": 5_000},
        content_type="application/json",
        headers={"Idempotency-Key": "csrf-1", "X-CSRFToken": token},
    )
    # then the payout is made
    assert accepted.status_code == 201
    assert Payout.objects.filter(worker=paid_worker).count() == 1


# --- payment records --------------------------------------------------------------------------------------


def test_payment_records_for_worker_and_client(frozen_clock: Any) -> None:
    # given a worker who is also a client: paid by one client this year, and paying another worker
    me = WorkerFactory(is_client=True)
    payer = ClientFactory()
    give_balance(me, 30_000, client=payer)
    someone = WorkerFactory()
    give_balance(someone, 20_000, client=me)
    # when they ask for this year's records
    response = _as(me).get(RECORDS, {"year": 2026})
    # then one row as worker (from the payer) and one as client (to the other worker)
    assert response.status_code == 200
    body = response.json()
    assert body["year"] == 2026
    assert [(r["client_id"], r["worker_id"], r["paid"]) for r in body["as_worker"]] == [
        (payer.pk, me.pk, 30_000)
    ]
    assert [(r["client_id"], r["worker_id"], r["paid"]) for r in body["as_client"]] == [
        (me.pk, someone.pk, 20_000)
    ]


def test_payment_records_default_to_this_year_and_other_years_are_empty(frozen_clock: Any) -> None:
    # given a client who paid a worker in 2026 (the frozen clock's year)
    client = ClientFactory()
    give_balance(WorkerFactory(), 20_000, client=client)
    browser = _as(client)
    # when they ask without a year, and for 2025
    this_year = browser.get(RECORDS).json()
    last_year = browser.get(RECORDS, {"year": 2025}).json()
    # then this year has the row; 2025 has none; a client has no worker rows
    assert this_year["year"] == 2026
    assert [r["paid"] for r in this_year["as_client"]] == [20_000]
    assert this_year["as_worker"] == []
    assert last_year["as_client"] == []


@pytest.mark.parametrize("year", ["1999", "2101", "今年"])
def test_payment_records_year_out_of_range_is_422(year: str) -> None:
    # given a client
    # when the year is outside 2000–2100 or not a number
    response = _as(ClientFactory()).get(RECORDS, {"year": year})
    # then 422 in the one error shape
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"


def test_payment_records_for_someone_neither_worker_nor_client_is_404() -> None:
    # given a staff member (neither worker nor client)
    # when they ask for payment records
    response = _as(StaffFactory()).get(RECORDS)
    # then 404
    assert response.status_code == 404
