"""The client's notes on unusual proposals (issue 7 item 8) in a real browser: said in words, not colour
alone, and axe finds nothing on the list or the proposal page."""

from __future__ import annotations

import datetime as dt

import pytest

from hataraku.accounts.tests.factories import PASSWORD
from hataraku.core import clock
from hataraku.jobs.categories import ensure_categories
from hataraku.jobs.tests.factories import JobFactory, ProposalFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_client_reads_the_notes_on_a_far_over_budget_late_proposal(page, axe, login):
    # given a job up to ¥20,000 due in 30 days, and a proposal asking ¥50,000 to deliver after it
    ensure_categories()
    job = JobFactory(budget_min=10_000, budget_max=20_000, deadline=clock.today() + dt.timedelta(days=30))
    proposal = ProposalFactory(job=job, amount=50_000, delivery_date=clock.today() + dt.timedelta(days=40))

    # when the client opens the list of proposals and the proposal
    login(job.client.email, PASSWORD)
    page.goto(page.base_url + f"/jobs/{job.pk}/proposals/")
    axe(page, label="proposal list with notes")
    listing = page.locator(".proposal-flags").inner_text()
    page.goto(page.base_url + f"/jobs/proposals/{proposal.pk}/")
    axe(page, label="proposal with notes")

    # then both pages say what is unusual, in words
    for text in (listing, page.locator(".proposal-flags").inner_text()):
        assert "予算の上限(¥20,000)の2倍を超える金額です。" in text
        assert "より後の納品予定です。" in text
