"""The client's payment record page (支払調書の内容) and its CSV download."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client

from hataraku.accounts.tests.mfa import login_as
from hataraku.core.money import withholding_tax
from hataraku.ledger import services as ledger
from hataraku.ledger.constants import FeePlan, FundingSource

from .factories import ClientFactory, MunicipalFactory, StaffFactory, WorkerFactory, give_balance, key

pytestmark = pytest.mark.django_db

PAGE = "/payments/payment-records/"


def _csv_url(year: int) -> str:
    return f"/payments/payment-records/{year}/csv/"


def _as(user: Any) -> Client:
    browser = Client()
    if user is not None:
        login_as(browser, user)
    return browser


def _pay_with_withholding(*, client: Any, worker: Any, amount: int) -> None:
    """Release `amount` from an escrow opened with withholding (an individual worker, in scope)."""
    escrow = ledger.escrow_open(
        client=client,
        worker=worker,
        reference=key("ref"),
        fee_group=key("fg"),
        fee_plan=FeePlan.PROJECT_TIERED,
        withholding=True,
        actor=client,
        idempotency_key=key("open"),
    )
    funding = ledger.escrow_fund(
        escrow=escrow, amount=amount, source=FundingSource.BANK_TRANSFER, actor=None, idempotency_key=key()
    )
    ledger.funding_post(funding=funding, actor=None, idempotency_key=key())
    ledger.escrow_release(escrow=escrow, amount=amount, worker=worker, actor=None, idempotency_key=key())


@pytest.fixture
def paying_client(frozen_clock: Any) -> dict[str, Any]:
    client = ClientFactory(company_name="株式会社ひだまり出版")
    sakura = WorkerFactory(display_name="中村 さくら")
    formula = WorkerFactory(display_name="=HYPERLINK(1)")
    _pay_with_withholding(client=client, worker=sakura, amount=100_000)
    give_balance(sakura, 30_000, client=client)
    give_balance(formula, 20_000, client=client)
    give_balance(WorkerFactory(display_name="ほかの人"), 50_000)  # another client's payment
    return {"client": client, "sakura": sakura, "formula": formula}


@pytest.mark.parametrize("who", ["anonymous", "worker", "municipal", "staff"])
@pytest.mark.parametrize("url", [PAGE, _csv_url(2026)])
def test_only_clients_may_open(who: str, url: str) -> None:
    # given someone who is not a client
    user = {
        "anonymous": None,
        "worker": WorkerFactory(),
        "municipal": MunicipalFactory(),
        "staff": StaffFactory(),
    }[who]
    # when they open the page or the CSV
    response = _as(user).get(url)
    # then anonymous is sent to log in, everyone else gets 404
    if user is None:
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == 404


def test_page_lists_each_worker_with_totals(
    paying_client: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    # given a client who paid さくら ¥130,000 (¥100,000 with withholding) and another worker ¥20,000
    browser = _as(paying_client["client"])
    # when they open the page (this year by default)
    with django_assert_max_num_queries(12):
        response = browser.get(PAGE)
    # then each worker appears once with paid and withheld, plus a total, and a CSV link for the year
    assert response.status_code == 200
    html = response.content.decode()
    withheld = withholding_tax(100_000)
    assert withheld > 0
    assert "中村 さくら" in html
    assert "¥130,000" in html
    assert "¥150,000" in html  # total paid
    assert f"¥{withheld:,}" in html
    assert "ほかの人" not in html
    assert _csv_url(2026) in html
    assert html.count("<h1") == 1


def test_other_year_is_empty(paying_client: dict[str, Any]) -> None:
    # given payments made only in 2026 (this year of the frozen clock)
    browser = _as(paying_client["client"])
    # when the client asks for 2025, a year the year list does not offer
    response = browser.get(PAGE, {"year": "2025"})
    # then the page shows this year instead of an error
    assert response.context["year"] == 2026
    # and the CSV of 2025 has only the header and a zero total
    rows = list(csv.reader(io.StringIO(browser.get(_csv_url(2025)).content.decode("utf-8-sig"))))
    assert rows[1:] == [["2025", "合計", "", "0", "0"]]


def test_csv_has_bom_rows_totals_and_no_formulas(paying_client: dict[str, Any]) -> None:
    # given the client of the fixture
    # when they download 2026 as CSV
    response = _as(paying_client["client"]).get(_csv_url(2026))
    # then it is an attachment, UTF-8 with a BOM so Excel reads Japanese correctly
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "payment-records-2026.csv" in response["Content-Disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    withheld = withholding_tax(100_000)
    sakura, formula = paying_client["sakura"], paying_client["formula"]
    assert rows[0] == ["年", "ワーカー", "ワーカーID", "支払金額(円)", "源泉徴収税額(円)"]
    assert sorted(rows[1:-1]) == sorted(
        [
            ["2026", "中村 さくら", str(sakura.pk), "130000", str(withheld)],
            # a name that Excel would run as a formula is kept as text
            ["2026", "'=HYPERLINK(1)", str(formula.pk), "20000", "0"],
        ]
    )
    assert rows[-1] == ["2026", "合計", "", "150000", str(withheld)]


def test_csv_year_out_of_range_is_404(paying_client: dict[str, Any]) -> None:
    # given a client
    # when they ask for a year no record can have
    response = _as(paying_client["client"]).get(_csv_url(1999))
    # then 404
    assert response.status_code == 404


def test_receipt_list_links_to_the_page(paying_client: dict[str, Any]) -> None:
    # given a client
    # when they open their receipts
    response = _as(paying_client["client"]).get("/payments/receipts/")
    # then the payment records page is one link away
    assert PAGE in response.content.decode()
