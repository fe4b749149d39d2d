"""Issue 10, item 6: the proposal form shows the worker's take-home as she types (htmx) and with a
「計算する」 button without JavaScript; the client's proposal list points out amounts far from the budget."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from hataraku.accounts.tests.mfa import login_as
from hataraku.core import clock, money
from hataraku.core.money import format_yen
from hataraku.jobs import selectors
from hataraku.jobs.constants import PayType
from hataraku.jobs.models import Proposal

from .factories import JobFactory, ProposalFactory, UserFactory, category

pytestmark = pytest.mark.django_db


def _writing_job(**kwargs: Any) -> Any:
    # a company client and a kind of work on which withholding applies (所得税法 第204条)
    return JobFactory(category=category("writing-article"), **kwargs)


def test_the_take_home_is_the_ledgers_split_of_the_amount() -> None:
    # given a writing job of a company client (withholding applies)
    job = _writing_job()
    # when the take-home of ¥4,000 is asked
    take_home = selectors.proposal_take_home(job=job, amount=4_000)
    # then it is `money.fee_breakdown` of that amount, the arithmetic the ledger posts
    expected = money.fee_breakdown(4_000, withholding=True, on=clock.today())
    assert (take_home.fee, take_home.fee_tax, take_home.withholding, take_home.net) == (
        expected.fee,
        expected.fee_tax,
        expected.withholding,
        expected.net,
    )
    assert take_home.fee + take_home.fee_tax == 880  # the ¥880 of the issue: 20 % and its tax


def test_milestones_are_split_one_payment_at_a_time_on_the_running_total() -> None:
    job = _writing_job()
    take_home = selectors.proposal_take_home(job=job, amount=150_000, milestone_amounts=[90_000, 60_000])
    first = money.fee_breakdown(90_000, withholding=True, on=clock.today())
    second = money.fee_breakdown(60_000, withholding=True, on=clock.today(), cumulative_before=90_000)
    assert take_home.net == first.net + second.net and len(take_home.parts) == 2


def test_the_preview_answers_a_fragment_and_writes_nothing(client: Any) -> None:
    # given a worker on a job's proposal form
    job = _writing_job()
    worker = UserFactory()
    login_as(client, worker)
    expected = selectors.proposal_take_home(job=job, amount=4_000)
    # when htmx asks the take-home for ¥4,000 (a GET)
    response = client.get(reverse("jobs:propose_preview", args=[job.pk]), {"amount": "4000"})
    # then the fragment shows the fee, withholding and net, and no proposal was written
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert format_yen(expected.net) in html and format_yen(expected.withholding) in html
    assert not Proposal.objects.exists()


def test_the_form_carries_the_htmx_preview_and_a_calculate_button(client: Any) -> None:
    job = _writing_job()
    login_as(client, UserFactory())
    html = client.get(reverse("jobs:propose", args=[job.pk])).content.decode()
    assert f'hx-get="{reverse("jobs:propose_preview", args=[job.pk])}"' in html
    assert "htmx.min.js" in html and 'value="preview"' in html and "計算する" in html


def test_calculate_without_javascript_shows_the_take_home_and_sends_nothing(client: Any) -> None:
    # given a worker who typed only an amount
    job = _writing_job()
    login_as(client, UserFactory())
    expected = selectors.proposal_take_home(job=job, amount=4_000)
    # when she presses 「計算する」
    response = client.post(reverse("jobs:propose", args=[job.pk]), {"amount": "4000", "action": "preview"})
    html = response.content.decode()
    # then the page shows her take-home, keeps what she typed, shows no error, and sends nothing
    assert response.status_code == 200
    assert format_yen(expected.net) in html and 'value="4000"' in html
    assert "入力してください" not in html
    assert not Proposal.objects.exists()


def test_the_client_is_told_of_an_amount_far_under_the_budget() -> None:
    job = JobFactory(budget_min=20_000, budget_max=30_000)
    low = ProposalFactory(job=job, amount=9_000)
    fair = ProposalFactory(job=job, amount=10_000)
    assert selectors.proposal_flags(low) == ["予算の下限(¥20,000)の半分より低い金額です。"]
    assert selectors.proposal_flags(fair) == []


def test_the_proposal_list_says_far_over_budget_and_late_in_words(client: Any) -> None:
    # given a ¥20–30k job and a ¥50,000,000 proposal delivered after the deadline
    job = JobFactory(budget_min=20_000, budget_max=30_000)
    ProposalFactory(job=job, amount=50_000_000, delivery_date=job.deadline + dt.timedelta(days=3))
    login_as(client, job.client)
    html = client.get(reverse("jobs:job_proposals", args=[job.pk])).content.decode()
    assert "予算の上限(¥30,000)の2倍を超える金額です。" in html and "より後の納品予定です。" in html
    assert job.pay_type == PayType.FIXED


def test_offering_a_contract_shows_a_summary_first_and_offers_on_the_second_press(client: Any) -> None:
    from hataraku.contracts.models import Contract

    # given a client reading a proposal of ¥4,000 on her writing job
    job = _writing_job()
    proposal = ProposalFactory(job=job, amount=4_000)
    login_as(client, job.client)
    url = reverse("jobs:proposal_offer", args=[proposal.pk])
    expected = selectors.proposal_take_home(job=job, amount=4_000)
    # when she presses 「契約を提案する」 (a link to the summary), or an old form's POST arrives
    html = client.get(url).content.decode()
    client.post(url, {"idempotency_key": "old-form"})
    # then no contract exists yet; the summary shows the worker's take-home and what binds
    assert not Contract.objects.exists()
    assert (
        "契約を提案する前の確認" in html and format_yen(expected.net) in html and "取り消せないこと" in html
    )
    # when she confirms (twice: a double click)
    form = {"idempotency_key": "summary-key", "confirmed": "yes"}
    client.post(url, form)
    client.post(url, form)
    # then one contract is offered
    assert Contract.objects.filter(proposal=proposal).count() == 1
