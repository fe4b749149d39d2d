"""The money overviews (moved from the ledger, which keeps only the bookkeeping): who may see which page,
what they see, and how many queries it takes."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hataraku.accounts.tests.mfa import login_as
from hataraku.ledger import services
from hataraku.ledger.constants import FundingSource
from hataraku.ledger.tests.factories import (
    ClientFactory,
    MunicipalFactory,
    StaffFactory,
    WorkerFactory,
    funded_escrow,
    key,
)

pytestmark = pytest.mark.django_db

ROUTES = ["payments:earnings", "payments:funding", "payments:staff"]
ALLOWED = {
    "payments:earnings": {"worker", "other_worker"},
    "payments:funding": {"client"},
    "payments:staff": {"staff"},
}


@pytest.fixture
def people() -> dict[str, Any]:
    return {
        "worker": WorkerFactory(),
        "other_worker": WorkerFactory(),
        "client": ClientFactory(),
        "municipal": MunicipalFactory(),
        "staff": StaffFactory(),
    }


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("role", ["anonymous", "worker", "other_worker", "client", "municipal", "staff"])
def test_access_matrix(route: str, role: str, people: dict[str, Any], client: Client) -> None:
    # given a person in `role`
    if role != "anonymous":
        login_as(client, people[role])
    # when they open the page
    response = client.get(reverse(route))
    # then: their own page, a log-in redirect for the anonymous, 404 for every other role
    if role == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    elif role in ALLOWED[route]:
        assert response.status_code == 200
    else:
        assert response.status_code == 404


def _money(people: dict[str, Any]) -> None:
    worker, client_user = people["worker"], people["client"]
    escrow = funded_escrow(120_000, client=client_user, worker=worker, withholding=True)
    services.escrow_release(escrow=escrow, amount=100_000, worker=worker, actor=None, idempotency_key=key())
    services.escrow_fund(
        escrow=escrow, amount=5_000, source=FundingSource.BANK_TRANSFER, actor=None, idempotency_key=key()
    )


def test_earnings_shows_only_the_workers_own_money(
    people: dict[str, Any], client: Client, frozen_clock: Any
) -> None:
    # given a release of ¥100,000 to the worker (fee 20,000, tax 2,000, withholding 10,210)
    _money(people)
    # when the worker opens their earnings
    login_as(client, people["worker"])
    html = client.get(reverse("payments:earnings")).content.decode()
    # then the chart and the table show the same numbers, and the payment record is there
    assert "¥67,790" in html  # available
    assert "¥20,000" in html  # pending (still held)
    assert html.count("¥67,790") >= 3  # card, svg/desc, table
    assert '<title id="chart-title">' in html
    assert "¥10,210" in html
    assert "株式会社テスト" in html
    # when another worker opens theirs / then none of it shows
    login_as(client, people["other_worker"])
    other = client.get(reverse("payments:earnings")).content.decode()
    assert "¥67,790" not in other and "milestone:" not in other


def test_funding_lists_the_clients_escrows_and_fundings(people: dict[str, Any], client: Client) -> None:
    # given the client's escrow with ¥20,000 held and ¥5,000 pending
    _money(people)
    ClientFactory()  # someone else, who must not appear
    # when they open the funding page
    login_as(client, people["client"])
    html = client.get(reverse("payments:funding")).content.decode()
    # then both amounts and the pending state show
    assert "¥20,000" in html and "¥5,000" in html and "入金待ち" in html


def test_staff_overview_balances(people: dict[str, Any], client: Client) -> None:
    # given some money moved
    _money(people)
    # when staff open the overview
    login_as(client, people["staff"])
    response = client.get(reverse("payments:staff"))
    # then debits equal credits and the withholding payable shows
    assert response.context["total_debit"] == response.context["total_credit"] > 0
    assert "¥10,210" in response.content.decode()


@pytest.mark.parametrize(("route", "role"), [("payments:earnings", "worker"), ("payments:funding", "client")])
def test_list_pages_do_not_grow_queries_with_rows(
    route: str, role: str, people: dict[str, Any], client: Client, django_assert_max_num_queries: Any
) -> None:
    # given one escrow, and the query count of the page
    _money(people)
    login_as(client, people[role])
    client.get(reverse(route))
    with CaptureQueriesContext(connection) as first:
        client.get(reverse(route))
    # when five more escrows are added
    for _ in range(5):
        _money(people)
    # then the page needs no more queries than before
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get(reverse(route))
