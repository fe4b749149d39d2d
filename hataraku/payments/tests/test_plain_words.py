"""Issue 10, item 4: every money table names the job and the milestone or week, never an internal
reference (`milestone:1`, `demo:…`, `E4`); withdrawing is one click from the earnings page; the earnings
page has a chart by month with the same numbers in a table beside it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hataraku.accounts.tests.mfa import login_as
from hataraku.contracts import services as contracts
from hataraku.contracts.tests.factories import active_contract, deliver, funded_milestone
from hataraku.core import clock
from hataraku.core.money import format_yen
from hataraku.ledger.models import Settlement
from hataraku.payments import selectors

from .factories import BankAccountFactory

pytestmark = pytest.mark.django_db

INTERNAL = re.compile(r"milestone:\d|week:\d|bonus:\d|demo:|\bE\d+\b")


def _paid_milestones(n: int = 1, **kwargs: Any) -> Any:
    """A contract of `n` milestones (one when `n` is 0), each funded, delivered and accepted."""
    contract = active_contract(milestones=n, **kwargs)
    for _milestone in range(max(n, 1)):
        milestone = deliver(funded_milestone(contract))
        contracts.milestone_accept(milestone=milestone, actor=contract.client)
    return contract


def _get(client: Any, user: Any, url: str) -> tuple[str, int]:
    login_as(client, user)
    with CaptureQueriesContext(connection) as queries:
        html = client.get(url).content.decode()
    return html, len(queries)


def test_money_tables_name_the_job_and_milestone_never_a_reference(client: Any) -> None:
    # given a contract whose milestone was funded, delivered and paid
    contract = _paid_milestones(0)
    milestone = contract.milestones.get()
    # when the worker and the client open their money pages
    pages = [
        (contract.worker, reverse("payments:earnings")),
        (contract.worker, reverse("payments:invoice_list")),
        (contract.client, reverse("payments:funding")),
        (contract.client, reverse("payments:receipt_list")),
    ]
    for user, url in pages:
        html, _count = _get(client, user, url)
        # then each names the job and the milestone, and shows no internal reference
        assert contract.title in html and milestone.title in html, url
        assert not INTERNAL.search(re.sub(r"<[^>]+>", " ", html)), url


def test_the_money_tables_name_their_rows_without_a_query_per_row(client: Any) -> None:
    # given a worker paid for one milestone, and the queries of her earnings page
    first = _paid_milestones(0)
    _html, few = _get(client, first.worker, reverse("payments:earnings"))
    # when she is paid on three more contracts, one of them in two milestones
    _paid_milestones(0, worker=first.worker)
    _paid_milestones(0, worker=first.worker)
    _paid_milestones(2, worker=first.worker)
    html, many = _get(client, first.worker, reverse("payments:earnings"))
    # then the page names five rows with the same number of queries
    assert Settlement.objects.filter(worker=first.worker).count() == 5
    assert html.count("のマイルストーン") >= 5
    assert many <= few  # the first request also loads the session; never one more per row


def test_withdrawing_is_one_click_from_the_earnings_page(client: Any) -> None:
    # given a paid worker with a bank account
    contract = _paid_milestones(0)
    BankAccountFactory(worker=contract.worker)
    # when she opens her earnings / then the payout form is one link away
    html, _count = _get(client, contract.worker, reverse("payments:earnings"))
    assert f'href="{reverse("payments:payout_request")}"' in html and "出金を申し込む" in html


def test_the_earnings_chart_is_by_month_and_its_table_says_the_same(client: Any) -> None:
    # given a worker paid this month
    contract = _paid_milestones(0)
    net = Settlement.objects.get(worker=contract.worker).worker_net
    months = selectors.earnings_by_month(contract.worker)
    # then twelve months, this one last, hold the payment
    assert len(months) == 12 and months[-1].month.month == clock.today().month and months[-1].net == net
    # and the page's chart has a name and says each month; the table beside it has the same amount
    html, _count = _get(client, contract.worker, reverse("payments:earnings"))
    assert "月ごとの受取額の棒グラフ" in html and 'role="img"' in html
    desc = re.search(r'<desc id="chart-desc">(.*?)</desc>', html, re.S)
    assert desc and format_yen(net) in desc.group(1)
    table = html[html.index("グラフと同じ金額") :]
    assert format_yen(net) in table
