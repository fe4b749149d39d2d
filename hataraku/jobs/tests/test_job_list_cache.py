"""The job list keeps each card's markup per process (selectors.JobCard.html), keyed by every value the card
shows and the language. These tests open the list once (so the cards are kept), change something, and check
that the next request shows the change at once — and that nothing about one viewer reaches another."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hataraku.accounts.tests.factories import StaffFactory
from hataraku.jobs import selectors, services
from hataraku.jobs.constants import JobStatus, PayType
from hataraku.jobs.models import Job

from .factories import JobFactory, ProposalFactory, UserFactory, verified

pytestmark = pytest.mark.django_db


def job_list(client: Any, **cookies: str) -> str:
    for name, value in cookies.items():
        client.cookies[name] = value
    response = client.get(reverse("jobs:list"))
    assert response.status_code == 200
    return str(response.content.decode())


def edit(job: Job, **changes: Any) -> None:
    data = {f.name: getattr(job, f.name) for f in fields(services.JobInput) if f.name != "meetings"}
    services.job_update(job=job, actor=job.client, data=services.JobInput(**{**data, **changes}))


@pytest.fixture
def worker(client: Any) -> Any:
    person = UserFactory()
    client.force_login(person)
    return person


def test_an_edited_job_shows_its_new_words_on_the_next_request(client, worker):
    # given a job whose card the list has already shown (and kept)
    job = JobFactory(title="アンケートの入力", budget_min=10_000, budget_max=20_000)
    assert "アンケートの入力" in job_list(client)
    # when its client edits the title and the budget
    edit(job, title="名刺の入力", budget_min=30_000, budget_max=40_000)
    # then the next request shows the new card, not the kept one
    body = job_list(client)
    assert "名刺の入力" in body and "¥30,000〜¥40,000" in body
    assert "アンケートの入力" not in body


def test_a_closed_or_deleted_job_leaves_the_list_at_once(client, worker):
    # given two jobs the list has shown
    closing = JobFactory(title="募集を終える仕事")
    deleting = JobFactory(title="消える仕事")
    body = job_list(client)
    assert "募集を終える仕事" in body and "消える仕事" in body
    # when one is closed by its client and staff delete the other
    services.job_transition(job=closing, actor=closing.client, to=JobStatus.CLOSED)
    services.job_delete(job=deleting, actor=StaffFactory())
    # then neither is listed
    body = job_list(client)
    assert "募集を終える仕事" not in body and "消える仕事" not in body


def test_a_new_proposal_and_a_newly_verified_client_show_on_the_kept_card(client, worker):
    # given a job with no proposals from a client who is not verified, already shown
    job = JobFactory(title="件数の変わる仕事")
    # (the cards only: the filter form offers 「本人確認済みの依頼者」)
    body = job_list(client).split('id="job-results"')[1]
    assert "応募 0件" in body and "本人確認済み" not in body
    # when someone proposes and the client's identity is approved
    ProposalFactory(job=job)
    verified(job.client)
    # then the card says so
    body = job_list(client).split('id="job-results"')[1]
    assert "応募 1件" in body and "本人確認済み" in body


def test_the_card_follows_the_language_switch(client, worker):
    # given a fixed-fee job shown in Japanese (the default)
    JobFactory(pay_type=PayType.FIXED)
    assert "固定報酬" in job_list(client)
    # when the person switches to English, and back
    english = job_list(client, django_language="en")
    japanese = job_list(client, django_language="ja")
    # then each answer is wholly in its language
    assert "Fixed fee" in english and "固定報酬" not in english
    assert "固定報酬" in japanese and "Fixed fee" not in japanese


def test_a_job_for_verified_workers_never_reaches_a_worker_who_is_not(client):
    # given a job only verified workers may see, listed (and kept) for a verified worker
    JobFactory(title="確認済みの方だけの仕事", verified_only=True)
    client.force_login(verified(UserFactory()))
    assert "確認済みの方だけの仕事" in job_list(client)
    # when a worker who is not verified opens the list in the same process
    client.force_login(UserFactory())
    # then the job is not there
    assert "確認済みの方だけの仕事" not in job_list(client)


def test_the_header_counts_are_each_persons_own(client):
    # given a worker with an unread notice, whose page has been rendered
    from hataraku.messaging.tests.factories import NotificationFactory

    reader = UserFactory()
    NotificationFactory(user=reader)
    client.force_login(reader)
    assert "未読 1" in job_list(client)
    # when another worker opens the same page
    client.force_login(UserFactory())
    # then she sees no unread badge
    assert "未読 1" not in job_list(client)


def test_cards_from_rows_and_from_jobs_are_the_same_markup(worker):
    # given a job as the job list reads it (rows) and as the matching app holds it (a Job)
    job = JobFactory(accessibility_notes="読み上げ可", beginner_welcome=True, weekly_hour_cap=None)
    ProposalFactory(job=job)
    rows = list(selectors.job_card_rows(selectors.job_list(viewer=worker)))
    jobs = list(selectors.job_list(viewer=worker))
    # when both are made into cards
    from_rows = selectors.cards_from_rows(rows)
    from_jobs = selectors.job_cards(jobs, verified_ids=set())
    # then they are the same card
    assert from_rows == from_jobs
    assert "資料のアクセシビリティに配慮あり" in from_rows[0].html and "応募 1件" in from_rows[0].html


def test_the_first_page_needs_no_count_and_more_jobs_need_no_more_queries(
    client, worker, django_assert_num_queries
):
    # given a list with three jobs, opened once
    for _ in range(3):
        JobFactory()
    job_list(client)
    with CaptureQueriesContext(connection) as few:
        job_list(client)
    # when twenty more jobs are published
    for _ in range(20):
        JobFactory()
    # then the list of 23 takes exactly as many queries as the list of 3 (no per-card query, no COUNT)
    with django_assert_num_queries(len(few.captured_queries)):
        body = job_list(client)
    assert body.count('class="card job-card"') == 23
    assert not any(
        q["sql"].startswith('SELECT COUNT(*) AS "__count" FROM "jobs_job"') for q in few.captured_queries
    )
