"""Issue 10 item 7: each proposal shows the client who the worker is — links to her public profile and
reviews, the verified badge, and a summary of her week (hours and 朝/昼/夕方/夜) — never reasons and never
accessibility details."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hataraku.profiles.constants import AccessibilityNeed
from hataraku.profiles.tests.factories import (
    AvailabilityWindowFactory,
    WorkConditionsFactory,
    WorkerProfileFactory,
)

from .factories import JobFactory, ProposalFactory, verified

pytestmark = pytest.mark.django_db

SUMMARY = re.compile(r'<span class="availability-summary">(.*?)</span>', re.S)


def _worker_with_week(**profile):  # type: ignore[no-untyped-def]
    worker = WorkerProfileFactory(**profile).user
    # Mon 7:00–9:00 (朝) and Wed 20:00–01:00 (夜): 7 hours a week
    AvailabilityWindowFactory(user=worker, weekday=0, start=dt.time(7, 0), end=dt.time(9, 0))
    AvailabilityWindowFactory(
        user=worker, weekday=2, start=dt.time(20, 0), end=dt.time(1, 0), crosses_midnight=True
    )
    return worker


def test_the_list_links_profile_and_reviews_and_summarises_the_week(client):
    # given a proposal from a verified worker free on Monday mornings and Wednesday nights
    worker = _worker_with_week()
    verified(worker)
    proposal = ProposalFactory(worker=worker)
    client.force_login(proposal.job.client)

    # when the client opens the list and the proposal
    for url in (
        reverse("jobs:job_proposals", args=[proposal.job_id]),
        reverse("jobs:proposal_detail", args=[proposal.pk]),
    ):
        html = client.get(url).content.decode()

        # then the page links to her profile and reviews, shows the badge and hours with bands
        assert reverse("profiles:public", args=[worker.pk]) in html
        assert reverse("reviews:user", args=[worker.pk]) in html
        assert "本人確認済み" in html
        assert SUMMARY.findall(html) == ["働ける時間: 週7時間 (朝・夜)"]


def test_the_summary_never_carries_accessibility_or_reasons(client):
    # given a worker who shares her accessibility needs publicly
    worker = _worker_with_week()
    WorkConditionsFactory(
        user=worker,
        accessibility_needs=[AccessibilityNeed.SCREEN_READER, AccessibilityNeed.DEAF_HOH],
        show_accessibility_publicly=True,
    )
    proposal = ProposalFactory(worker=worker)
    client.force_login(proposal.job.client)

    # when the client reads the list and the proposal
    pages = [
        client.get(reverse("jobs:job_proposals", args=[proposal.job_id])).content.decode(),
        client.get(reverse("jobs:proposal_detail", args=[proposal.pk])).content.decode(),
    ]

    # then the summary holds only hours and bands
    for html in pages:
        (summary,) = SUMMARY.findall(html)
        assert summary == "働ける時間: 週7時間 (朝・夜)"
        for label in [*AccessibilityNeed.labels, "育児", "介護", "体調", "理由", "配慮"]:
            assert str(label) not in summary


def test_a_hidden_summary_shows_hikoukai(client):
    # given a worker who chose to hide her availability
    worker = _worker_with_week(availability_hidden=True)
    proposal = ProposalFactory(worker=worker)
    client.force_login(proposal.job.client)

    # when the client opens the list and the proposal
    listing = client.get(reverse("jobs:job_proposals", args=[proposal.job_id])).content.decode()
    detail = client.get(reverse("jobs:proposal_detail", args=[proposal.pk])).content.decode()

    # then both say 非公開 and give no hours
    assert SUMMARY.findall(listing) == ["働ける時間: 非公開"]
    assert SUMMARY.findall(detail) == ["働ける時間: 非公開"]


def test_the_list_reads_summaries_in_a_fixed_number_of_queries(client):
    # given a job with one proposal, then with five
    job = JobFactory()
    ProposalFactory(job=job, worker=_worker_with_week())
    client.force_login(job.client)
    url = reverse("jobs:job_proposals", args=[job.pk])
    client.get(url)  # first request of a session reads a few things once
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _i in range(4):
        ProposalFactory(job=job, worker=_worker_with_week())

    # when the list is read again
    with CaptureQueriesContext(connection) as five:
        html = client.get(url).content.decode()

    # then the number of statements does not grow with the proposals
    assert len(SUMMARY.findall(html)) == 5
    assert len(five) == len(one)


def test_someone_else_gets_404(client):
    # given a proposal, and another client
    proposal = ProposalFactory(worker=_worker_with_week())
    other = JobFactory().client
    client.force_login(other)

    # when the other client asks for the list or the proposal
    # then both are not found
    assert client.get(reverse("jobs:job_proposals", args=[proposal.job_id])).status_code == 404
    assert client.get(reverse("jobs:proposal_detail", args=[proposal.pk])).status_code == 404


def test_the_worker_does_not_see_her_own_summary_on_her_proposal(client):
    # given a worker's proposal
    worker = _worker_with_week()
    proposal = ProposalFactory(worker=worker)
    client.force_login(worker)

    # when she opens it
    html = client.get(reverse("jobs:proposal_detail", args=[proposal.pk])).content.decode()

    # then the client-facing summary is not shown to her
    assert SUMMARY.findall(html) == []
