"""Payments pages in a real browser, as 中村 さくら (worker), ひだまり出版 (client) and staff: axe 0
violations on every page, reflow at 320 px, and the bank-account form by keyboard with its error summary."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from hataraku.payments import services
from hataraku.payments.tests.factories import (
    PASSWORD,
    BankAccountFactory,
    ClientFactory,
    StaffFactory,
    WorkerFactory,
    give_balance,
    key,
    open_escrow,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _check(page: Any, axe: Any, path: str) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(page.base_url + path)
    assert page.locator("h1").count() == 1
    axe(page, label=path)
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(page.base_url + path)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{path} scrolls sideways at 320 px"


@pytest.fixture
def money() -> dict[str, Any]:
    worker = WorkerFactory(display_name="中村 さくら")
    client = ClientFactory(company_name="株式会社ひだまり出版")
    staff = StaffFactory()
    BankAccountFactory(worker=worker)
    give_balance(worker, 50_000, client=client)
    services.payout_request(worker=worker, amount=5_000, idempotency_key=key())
    batch = services.payout_batch_create(
        actor=staff, transfer_date=dt.date.today() + dt.timedelta(days=1), idempotency_key=key()
    )
    services.payout_request(worker=worker, amount=3_000, idempotency_key=key())
    escrow = open_escrow(client=client, worker=worker)
    pf = services.funding_request(
        client=client, escrow=escrow, amount=33_000, provider="bank_transfer", idempotency_key=key()
    )
    return {"worker": worker, "client": client, "staff": staff, "batch": batch, "escrow": escrow, "pf": pf}


def test_worker_pages(page, axe, login, money):
    login(money["worker"].email, PASSWORD)
    for path in [
        "/payments/bank-account/",
        "/payments/payouts/",
        "/payments/payouts/new/",
        "/payments/invoices/",
    ]:
        _check(page, axe, path)


def test_client_pages(page, axe, login, money):
    login(money["client"].email, PASSWORD)
    for path in [
        f"/payments/escrows/{money['escrow'].pk}/fund/",
        f"/payments/fundings/{money['pf'].pk}/",
        "/payments/receipts/",
    ]:
        _check(page, axe, path)


def test_staff_pages(page, axe, login, money):
    login(money["staff"].email, PASSWORD)
    for path in [
        "/payments/staff/transfers/",
        "/payments/staff/batches/",
        f"/payments/staff/batches/{money['batch'].pk}/",
    ]:
        _check(page, axe, path)


def test_bank_account_errors_then_fix_by_keyboard(page, axe, login):
    worker = WorkerFactory(display_name="中村 さくら")
    login(worker.email, PASSWORD)
    page.goto(page.base_url + "/payments/bank-account/")
    # given a mistyped bank code and a name in hiragana
    page.get_by_label("銀行コード(4桁)").fill("143")
    page.get_by_label("銀行名").fill("八十二銀行")
    page.get_by_label("支店コード(3桁)").fill("001")
    page.get_by_label("支店名").fill("本店営業部")
    page.get_by_label("普通").check()
    page.get_by_label("口座番号(7桁)").fill("1234567")
    page.get_by_label("口座名義(全角カタカナ)").fill("なかむら さくら")
    with page.expect_navigation():
        page.get_by_label("口座名義(全角カタカナ)").press("Enter")
    page.wait_for_load_state("load")
    # then the error summary names both fields in Japanese, and the page stays accessible
    summary = page.locator("[data-error-summary]")
    assert "銀行コードは4桁の数字で入力してください。" in summary.inner_text()
    assert "口座名義は全角カタカナで入力してください" in summary.inner_text()
    axe(page, label="bank account with errors")
    # when fixed (half-width katakana is fine) and sent with the keyboard
    page.get_by_label("銀行コード(4桁)").fill("0143")
    page.get_by_label("口座名義(全角カタカナ)").fill("ﾅｶﾑﾗ ｻｸﾗ")
    page.get_by_role("button", name="口座を登録する").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state("load")
    # then the payout page shows the account
    assert "振込先口座を登録しました。" in page.locator(".messages").inner_text()
    assert "八十二銀行" in page.locator("main").inner_text()


def test_client_payment_records_page(page, axe, login, money):
    # given a client who paid 中村 さくら this year
    login(money["client"].email, PASSWORD)
    # when they follow the link from their receipts to the payment records (支払調書の内容)
    page.goto(page.base_url + "/payments/receipts/")
    with page.expect_navigation():
        page.get_by_role("link", name="ワーカーへの支払いと源泉徴収の年間合計(支払調書の内容)").click()
    page.wait_for_load_state("load")
    # then the page lists the worker, passes axe, reflows at 320 px and offers the CSV
    assert page.get_by_role("row", name="中村 さくら").count() == 1
    _check(page, axe, "/payments/payment-records/")
    assert page.get_by_role("link", name="CSVでダウンロード").count() == 1
