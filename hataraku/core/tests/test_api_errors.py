"""Every error under /api/ is JSON in the documented shape `{"detail": "<Japanese>", "code": "..."}`,
whoever answered it (ninja inside an operation, Django's URL resolver or ninja's path view around one);
pages elsewhere keep their HTML error pages (issue 7, item 9)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from hataraku.payments.tests.factories import BankAccountFactory, WorkerFactory, give_balance

pytestmark = pytest.mark.django_db

PAYOUTS = "/api/money/payouts"


def _assert_error_shape(response: Any, status: int, code: str) -> dict[str, str]:
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"detail", "code"}
    assert body["code"] == code
    # a Japanese sentence for the person, not the framework's English
    assert any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in body["detail"])
    return body  # type: ignore[no-any-return]


@pytest.fixture
def worker_browser(frozen_clock: Any) -> Client:
    worker = WorkerFactory()
    BankAccountFactory(worker=worker)
    give_balance(worker, 50_000)
    browser = Client()
    browser.force_login(worker)
    return browser


@pytest.mark.parametrize("path", ["/api/nope", "/api/money/nope", "/api/money/payouts/123/extra", "/api/"])
def test_an_unknown_api_path_is_a_json_404(path: str) -> None:
    # given nobody in particular / when an address under /api/ that does not exist is asked for
    response = Client().get(path)
    # then 404 in the error shape, not the HTML page
    _assert_error_shape(response, 404, "not_found")


def test_an_unknown_page_outside_the_api_keeps_the_html_404() -> None:
    # given / when an unknown page outside /api/ is asked for
    response = Client().get("/no-such-page-at-all/")
    # then the normal HTML page answers
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(("method", "path"), [("delete", PAYOUTS), ("put", "/api/money/balances")])
def test_a_method_the_path_does_not_take_is_a_json_405(
    worker_browser: Client, method: str, path: str
) -> None:
    # given a logged-in worker / when they use a method the address does not take
    response = getattr(worker_browser, method)(path)
    # then 405 in the error shape, still saying which methods it takes
    _assert_error_shape(response, 405, "method_not_allowed")
    assert "GET" in response["Allow"]


def test_a_body_that_is_not_json_is_a_json_400(worker_browser: Client) -> None:
    # given a logged-in worker
    # when the body of a payout is not JSON at all
    response = worker_browser.post(
        PAYOUTS, "{amount: 5000", content_type="application/json", headers={"Idempotency-Key": "bad-1"}
    )
    # then 400 in the error shape with a Japanese sentence (not ninja's "Cannot parse request body")
    body = _assert_error_shape(response, 400, "malformed_body")
    assert "Cannot parse" not in body["detail"]


def test_a_body_of_the_wrong_shape_is_a_json_422(worker_browser: Client) -> None:
    # given a logged-in worker / when the JSON body misses the amount
    response = worker_browser.post(
        PAYOUTS, {"sum": 5_000}, content_type="application/json", headers={"Idempotency-Key": "bad-2"}
    )
    # then 422 in the error shape
    _assert_error_shape(response, 422, "invalid_input")


def test_unauthenticated_and_csrf_failures_are_json(worker_browser: Client) -> None:
    # given nobody logged in / when they ask for a worker's balances / then 401 in the error shape
    _assert_error_shape(Client().get("/api/money/balances"), 401, "not_authenticated")
    # given a logged-in browser that enforces CSRF / when it posts without the token / then 403 JSON
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = worker_browser.cookies
    response = strict.post(
        PAYOUTS, {"amount": 5_000}, content_type="application/json", headers={"Idempotency-Key": "csrf-x"}
    )
    _assert_error_shape(response, 403, "csrf_failed")


def test_a_server_error_under_the_api_is_json(worker_browser: Client, monkeypatch: Any) -> None:
    # given the balances operation fails unexpectedly
    from hataraku.payments import api as payments_api

    def broken(_user: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(payments_api, "worker_balances", broken)
    worker_browser.raise_request_exception = False
    # when it is called
    response = worker_browser.get("/api/money/balances")
    # then 500 in the error shape, without the exception's text
    body = _assert_error_shape(response, 500, "server_error")
    assert "boom" not in body["detail"]


def test_a_page_opened_with_get_that_takes_only_post_is_a_kind_405_page(worker_browser: Client) -> None:
    # given a logged-in worker / when they open a POST-only address (the data download) by GET
    response = worker_browser.get("/me/data.json")
    # then a kind Japanese page with the site's layout and a way back, still 405 and still naming POST
    assert response.status_code == 405
    assert response["Content-Type"].startswith("text/html")
    assert "POST" in response["Allow"]
    page = response.content.decode()
    assert "このページは、ボタンを押して開くページです。" in page
    assert 'href="/"' in page and "<main" in page


def test_an_api_request_without_its_idempotency_key_says_so_in_api_terms(worker_browser: Client) -> None:
    # given a logged-in worker / when they ask for a payout through the API without the Idempotency-Key
    response = worker_browser.post(PAYOUTS, {"amount": 5_000}, content_type="application/json")
    # then 400 with the idempotency code and a message for an API client, not "reload the page"
    body = _assert_error_shape(response, 400, "idempotency_key_missing")
    assert "Idempotency-Key" in body["detail"] and "ページ" not in body["detail"]
