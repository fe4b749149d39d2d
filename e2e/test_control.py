"""In a real browser: a worker hides a client by keyboard alone and undoes it (issue 10 item 7), and a
client ranks the worker directory for her job and invites the best fit (issue 11 item 6). axe finds
nothing on any page visited."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from e2e.keyboard import press_to_navigate, tab_and_follow, tab_to
from hataraku.accounts.tests.factories import PASSWORD
from hataraku.jobs.categories import ensure_categories
from hataraku.jobs.models import Invitation
from hataraku.jobs.tests.factories import ClientFactory, JobFactory
from hataraku.profiles.models import ClientBlock
from hataraku.profiles.tests.factories import AvailabilityWindowFactory, WorkerFactory, WorkerProfileFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_worker_hides_a_client_by_keyboard_and_undoes_it(page: Any, axe: Any, login: Any) -> None:
    # given a worker and a client whose job she keeps being shown
    ensure_categories()
    worker = WorkerFactory(display_name="佐藤 美咲")
    WorkerProfileFactory(user=worker)
    pushy = ClientFactory(display_name="押田")
    job = JobFactory(client=pushy, title="しつこい依頼の入力作業")
    JobFactory(title="ふつうの入力作業")
    login(worker.email, PASSWORD)
    page.on("dialog", lambda dialog: dialog.accept())  # the data-confirm question: she says yes

    # when she opens the job and, by keyboard only, hides the client's jobs
    page.goto(page.base_url + f"/jobs/{job.pk}/")
    axe(page, label="job page with the worker's controls")
    tab_to(page, css="button", text="このクライアントの仕事を表示しない")
    press_to_navigate(page)

    # then she is back on the job page with a kind confirmation, and the list no longer shows his job
    page.get_by_text("このクライアントの仕事を、一覧とおすすめに表示しないようにしました。").wait_for()
    axe(page, label="job page after hiding")
    page.goto(page.base_url + "/jobs/")
    listed = page.content()
    assert "ふつうの入力作業" in listed and "しつこい依頼の入力作業" not in listed

    # when she opens her settings page from the account menu and undoes it, by keyboard
    tab_and_follow(page, css="a", text="表示と連絡を止めたクライアント")
    axe(page, label="hidden clients settings")
    tab_to(page, css="button", text="元に戻す", exact=False)
    press_to_navigate(page)

    # then the client is no longer hidden and his job is back in her list
    page.get_by_text("元に戻しました。").wait_for()
    axe(page, label="hidden clients after undo")
    assert not ClientBlock.objects.filter(worker=worker).exists()
    page.goto(page.base_url + "/jobs/")
    assert "しつこい依頼の入力作業" in page.content()


def test_a_client_ranks_workers_for_her_job_and_invites_one(page: Any, axe: Any, login: Any) -> None:
    # given a client's open job needing Excel and WordPress, and two workers of different fit
    ensure_categories()
    boss = ClientFactory(display_name="依頼田")
    job = JobFactory(client=boss, title="表とサイトの更新", skills=["Excel", "WordPress"], estimated_hours=6)
    best = WorkerFactory(display_name="合田 花子")
    WorkerProfileFactory(user=best, skills=["Excel", "WordPress"])
    for day in range(5):
        AvailabilityWindowFactory(user=best, weekday=day, start=dt.time(19), end=dt.time(22))
    other = WorkerFactory(display_name="足立 一郎")
    WorkerProfileFactory(user=other, skills=["翻訳"])
    AvailabilityWindowFactory(user=other, weekday=0, start=dt.time(13), end=dt.time(14))

    # when she opens the directory, picks her job and sorts
    login(boss.email, PASSWORD)
    page.goto(page.base_url + "/jobs/workers/")
    axe(page, label="worker directory")
    page.get_by_label("この仕事に合う順に並べる").select_option(str(job.pk))
    with page.expect_navigation():
        page.get_by_role("button", name="しぼりこむ").click()

    # then the better fit comes first, saying why, and nothing about her time but hours and bands
    axe(page, label="worker directory ranked for a job")
    cards = page.locator(".worker-directory > li")
    assert "合田 花子" in cards.nth(0).inner_text()
    assert "スキル一致: 2/2" in cards.nth(0).inner_text()
    assert "締切までの時間に合う" in cards.nth(0).inner_text()

    # when she invites the best fit from there
    with page.expect_navigation():
        page.get_by_role("link", name="合田 花子さんをスカウトする").click()
    axe(page, label="invite with worker and job chosen")
    with page.expect_navigation():
        page.get_by_role("button", name="スカウトを送る").click()

    # then the invitation went out for that job through the usual flow
    page.get_by_text("スカウトを送りました。").wait_for()
    assert Invitation.objects.filter(job=job, worker=best).count() == 1
