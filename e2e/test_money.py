"""Money pages in a real browser: a worker's earnings (chart and table), a client's escrows, the staff
overview. axe 0 violations on each, reflow at 320 px, and the chart is readable without seeing it."""

from __future__ import annotations

from typing import Any

import pytest

from hataraku.accounts.tests.factories import PASSWORD, ClientFactory, StaffFactory, UserFactory
from hataraku.core import clock
from hataraku.ledger import services
from hataraku.ledger.constants import FundingSource
from hataraku.ledger.tests.factories import funded_escrow, key

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def money() -> dict[str, Any]:
    worker = UserFactory(display_name="中村 さくら")
    client = ClientFactory(company_name="株式会社ひだまり出版")
    escrow = funded_escrow(120_000, client=client, worker=worker, withholding=True)
    services.escrow_release(escrow=escrow, amount=100_000, worker=worker, actor=None, idempotency_key=key())
    services.escrow_fund(
        escrow=escrow, amount=5_000, source=FundingSource.BANK_TRANSFER, actor=None, idempotency_key=key()
    )
    hold = services.payout_reserve(
        worker=worker, amount=10_000, transfer_fee=250, actor=None, idempotency_key=key()
    )
    services.payout_settle(hold=hold, actor=None, idempotency_key=key())
    return {"worker": worker, "client": client, "staff": StaffFactory()}


PAGES = [
    ("worker", "/money/earnings/", "収入と出金"),
    ("client", "/money/funding/", "仮払いと入金"),
    ("staff", "/money/staff/", "お金の全体(運営)"),
]


@pytest.mark.parametrize(("role", "path", "heading"), PAGES)
def test_money_page_passes_axe_and_reflows(
    page: Any, axe: Any, login: Any, money: dict[str, Any], role: str, path: str, heading: str
) -> None:
    # given a person with money on the platform, logged in
    login(money[role].email, PASSWORD)
    # when they open their money page
    page.goto(page.base_url + path)
    # then it has one heading, no axe violations, and no horizontal scroll at 320 px
    assert page.get_by_role("heading", level=1).inner_text() == heading
    axe(page, label=path)
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(page.base_url + path)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    axe(page, label=f"{path} at 320px")


def test_earnings_chart_has_an_accessible_name_and_the_same_numbers_in_a_table(
    page: Any, login: Any, money: dict[str, Any]
) -> None:
    # given さくら with ¥67,790 earned, ¥10,000 paid out (¥9,750 reached her bank)
    login(money["worker"].email, PASSWORD)
    # when she opens her earnings
    page.goto(page.base_url + "/money/earnings/")
    # then the chart of her take-home by month is an image with a name, and the table beside it says the
    # same numbers: this month ¥100,000 paid, ¥67,790 after the fee, its tax and withholding
    chart = page.get_by_role("img", name="月ごとの受取額の棒グラフ")
    assert chart.count() == 1
    assert "¥67,790" in (chart.locator("desc").text_content() or "")
    table = page.get_by_role("table", name="グラフと同じ金額")
    today = clock.today()
    month = f"{today.year}年{today.month}月"
    assert table.get_by_role("row", name=f"{month} ¥100,000 ¥67,790").count() == 1
    assert table.get_by_role("row").count() == 13  # the header and twelve months
    # and withdrawing is one click away
    assert (
        page.get_by_role("link", name="出金を申し込む").count() == 1
        or page.get_by_role("link", name="振込先口座を登録して出金する").count() == 1
    )
