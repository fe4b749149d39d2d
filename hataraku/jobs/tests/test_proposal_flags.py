"""Issue 7 item 8: a proposal far over the budget, or delivering after the job's deadline, is pointed out to
the client in plain words (not colour alone)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hataraku.jobs import selectors
from hataraku.jobs.constants import PayType

from .factories import JobFactory, ProposalFactory

pytestmark = pytest.mark.django_db

OVER_BUDGET = "予算の上限(¥20,000)の2倍を超える金額です。"
LATE = "仕事の納期(12月31日)より後の納品予定です。"


def _job(**kwargs):  # type: ignore[no-untyped-def]
    # frozen at 2026-12-01: budget up to ¥20,000, deadline 31 December
    return JobFactory(budget_min=10_000, budget_max=20_000, deadline=dt.date(2026, 12, 31), **kwargs)


@pytest.mark.parametrize(
    ("amount", "delivery", "flags"),
    [
        (40_000, dt.date(2026, 12, 31), []),
        (40_001, dt.date(2026, 12, 31), [OVER_BUDGET]),
        (15_000, dt.date(2027, 1, 1), [LATE]),
        (100_000, dt.date(2027, 1, 10), [OVER_BUDGET, LATE]),
    ],
)
def test_flags_name_what_is_unusual_in_plain_words(amount, delivery, flags):
    # given a proposal on a fixed-price job
    proposal = ProposalFactory(job=_job(), amount=amount, delivery_date=delivery)

    # when the client's notes are worked out
    # then exactly twice the budget and delivering on the deadline pass; anything beyond is named
    assert selectors.proposal_flags(proposal) == flags


def test_an_hourly_rate_is_compared_with_the_top_hourly_rate():
    # given an hourly job paying up to ¥1,500 an hour
    job = JobFactory(
        pay_type=PayType.HOURLY,
        budget_min=None,
        budget_max=None,
        hourly_rate_min=1_000,
        hourly_rate_max=1_500,
        weekly_hour_cap=10,
    )

    # when a worker asks ¥3,001 an hour, or ¥3,000
    too_much = ProposalFactory(job=job, amount=3_001)
    twice = ProposalFactory(job=job, amount=3_000)

    # then only the first is pointed out, in terms of the hourly rate
    assert selectors.proposal_flags(too_much) == ["時給の上限(¥1,500)の2倍を超える金額です。"]
    assert selectors.proposal_flags(twice) == []


def test_the_client_sees_the_flags_on_the_list_and_the_proposal(client):
    # given a proposal asking ¥50,000 and delivering on 10 January for a job up to ¥20,000 due 31 December
    job = _job()
    proposal = ProposalFactory(job=job, amount=50_000, delivery_date=dt.date(2027, 1, 10))
    ordinary = ProposalFactory(job=job, amount=18_000, delivery_date=dt.date(2026, 12, 20))
    client.force_login(job.client)

    # when the client opens the list of proposals and each proposal
    listing = client.get(reverse("jobs:job_proposals", args=[job.pk])).content.decode()
    detail = client.get(reverse("jobs:proposal_detail", args=[proposal.pk])).content.decode()
    calm = client.get(reverse("jobs:proposal_detail", args=[ordinary.pk])).content.decode()

    # then both pages say it in words, once per unusual proposal; the ordinary one carries no note
    assert listing.count(OVER_BUDGET) == 1 and listing.count(LATE) == 1
    assert OVER_BUDGET in detail and LATE in detail
    assert "ご確認ください" not in calm


def test_the_worker_does_not_see_the_clients_notes(client):
    # given the worker who sent a late proposal
    proposal = ProposalFactory(job=_job(), amount=15_000, delivery_date=dt.date(2027, 1, 10))
    client.force_login(proposal.worker)

    # when she opens her proposal
    page = client.get(reverse("jobs:proposal_detail", args=[proposal.pk])).content.decode()

    # then the notes meant for the client are not shown to her
    assert LATE not in page


def test_the_list_adds_no_query_per_proposal(client):
    # given a job with two flagged proposals, opened once by its client
    job = _job()
    for _ in range(2):
        ProposalFactory(job=job, amount=50_000)
    client.force_login(job.client)
    url = reverse("jobs:job_proposals", args=[job.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as two:
        client.get(url)

    # when six more arrive and the list is opened again
    for _ in range(6):
        ProposalFactory(job=job, amount=50_000)
    with CaptureQueriesContext(connection) as eight:
        page = client.get(url).content.decode()

    # then the flags cost no extra query per proposal (each proposal already has its job)
    assert page.count(OVER_BUDGET) == 8
    assert len(eight.captured_queries) == len(two.captured_queries)
