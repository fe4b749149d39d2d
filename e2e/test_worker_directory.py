"""The worker directory (issue 10 item 7) in a real browser: a client filters, picks a worker and sends
an invitation without typing a worker ID; axe finds nothing on either page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from hataraku.accounts.tests.factories import PASSWORD
from hataraku.jobs.categories import ensure_categories
from hataraku.jobs.constants import JobStatus
from hataraku.jobs.models import Invitation
from hataraku.jobs.tests.factories import JobFactory
from hataraku.profiles.tests.factories import AvailabilityWindowFactory, WorkerProfileFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_client_finds_a_worker_in_the_directory_and_invites_her(page, axe, login):
    # given a client with a published job, and a worker who does Excel in the mornings
    ensure_categories()
    job = JobFactory(status=JobStatus.PUBLISHED, title="月次の集計表づくり")
    profile: Any = WorkerProfileFactory(skills=["Excel"])
    worker = profile.user
    worker.display_name = "朝田 花子"
    worker.save()
    AvailabilityWindowFactory(user=worker, start=dt.time(8, 0), end=dt.time(10, 0))

    # when the client filters the directory by skill and morning, and presses the invite button
    login(job.client.email, PASSWORD)
    page.goto(page.base_url + "/jobs/workers/")
    axe(page, label="worker directory")
    page.get_by_label("スキル").fill("Excel")
    page.get_by_label("働ける時間帯").select_option("morning")
    page.get_by_role("button", name="しぼりこむ").click()
    axe(page, label="worker directory filtered")
    page.get_by_role("link", name="朝田 花子さんをスカウトする").click()
    axe(page, label="invite with the worker chosen")
    page.get_by_label("スカウトする仕事").select_option(str(job.pk))
    page.get_by_role("button", name="スカウトを送る").click()

    # then the invitation is sent to her, for that job
    page.get_by_text("スカウトを送りました。").wait_for()
    assert Invitation.objects.filter(job=job, worker=worker).count() == 1
