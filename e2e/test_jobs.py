"""Jobs in a real browser: a client writes and publishes a job, a worker finds it with the filters and
proposes, the client shortlists. axe 0 violations on every page; the list and job page reflow at 320 px."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from hataraku.accounts.tests.factories import PASSWORD, ClientFactory, UserFactory
from hataraku.core import clock
from hataraku.jobs.categories import ensure_categories
from hataraku.jobs.models import Job, Proposal

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _no_horizontal_overflow(page: Any) -> bool:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0


def _logout(page: Any) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="ログアウト").click()
    page.wait_for_load_state("load")


def test_client_posts_worker_proposes_client_shortlists(page, axe, login):
    client = ClientFactory(display_name="ひだまり出版 担当者", company_name="株式会社ひだまり出版")
    worker = UserFactory(display_name="中村 さくら")
    ensure_categories()
    today = clock.today()

    # given the client writes a job
    login(client.email, PASSWORD)
    page.goto(page.base_url + "/jobs/new/")
    axe(page, label="job form")
    page.get_by_label("タイトル").fill("読者アンケートの入力")
    page.get_by_label("仕事の内容").fill("## 内容\n紙のアンケートを表に入力します。")
    page.get_by_label("カテゴリ").select_option(label="事務・データ入力 / データ入力")
    page.get_by_label("求めるスキル").fill("タイピング")
    page.get_by_label("固定報酬", exact=True).check()
    page.get_by_label("予算の下限(円・固定報酬)").fill("10000")
    page.get_by_label("予算の上限(円・固定報酬)").fill("15000")
    page.get_by_label("作業時間の目安(時間)").fill("8")
    page.get_by_label("納期").fill((today + dt.timedelta(days=30)).isoformat())
    page.get_by_label("応募締切").fill((today + dt.timedelta(days=7)).isoformat())
    page.get_by_label("打ち合わせなし", exact=True).check()
    page.get_by_label("初心者歓迎", exact=True).check()
    # a first try with a wrong budget shows the error summary and saves nothing
    page.get_by_label("予算の下限(円・固定報酬)").fill("20000")
    page.get_by_role("button", name="下書きを保存する").click()
    assert page.get_by_role("alert").is_visible()
    assert "予算の上限は下限以上" in page.get_by_role("alert").inner_text()
    axe(page, label="job form with errors")
    assert Job.objects.count() == 0
    page.get_by_label("予算の下限(円・固定報酬)").fill("10000")
    with page.expect_navigation():
        page.get_by_role("button", name="下書きを保存する").click()
    page.wait_for_load_state("load")
    axe(page, label="draft job page")
    # when they publish it
    with page.expect_navigation():
        page.get_by_role("button", name="公開する").click()
    page.wait_for_load_state("load")
    axe(page, label="published job page")
    job = Job.objects.get()
    assert job.status == "published"
    _logout(page)

    # then a worker finds it with the filters and proposes
    login(worker.email, PASSWORD)
    page.goto(page.base_url + "/jobs/")
    axe(page, label="job list")
    page.get_by_label("打ち合わせなし", exact=True).check()
    page.get_by_label("途中で中断できる").check()
    with page.expect_navigation():
        page.get_by_role("button", name="この条件でさがす").click()
    page.wait_for_load_state("load")
    axe(page, label="filtered job list")
    with page.expect_navigation():
        page.get_by_role("link", name="読者アンケートの入力").click()
    page.wait_for_load_state("load")
    axe(page, label="job page (worker)")
    page.get_by_role("link", name="この仕事に応募する").click()
    axe(page, label="proposal form")
    page.get_by_label("提案金額(円)").fill("12000")
    page.get_by_label("納品予定日").fill((today + dt.timedelta(days=20)).isoformat())
    page.get_by_label("クライアントへのメッセージ").fill("子どもが寝ている時間に30分ずつ進めます。")
    page.get_by_label("マイルストーン(任意)").fill(
        f"前半 / 6000 / {(today + dt.timedelta(days=10)).isoformat()}\n"
        f"後半 / 6000 / {(today + dt.timedelta(days=20)).isoformat()}"
    )
    with page.expect_navigation():
        page.get_by_role("button", name="この内容で応募する").click()
    page.wait_for_load_state("load")
    axe(page, label="proposal page (worker)")
    proposal = Proposal.objects.get()
    assert proposal.milestones.count() == 2
    page.goto(page.base_url + "/jobs/proposals/")
    axe(page, label="my proposals")
    _logout(page)

    # and the client shortlists the proposal
    login(client.email, PASSWORD)
    page.goto(page.base_url + f"/jobs/{job.pk}/proposals/")
    axe(page, label="proposals for the job")
    with page.expect_navigation():
        page.get_by_role("link", name="中村 さくら").click()
    page.wait_for_load_state("load")
    axe(page, label="proposal page (client)")
    with page.expect_navigation():
        page.get_by_role("button", name="候補に入れる").click()
    page.wait_for_load_state("load")
    axe(page, label="shortlisted proposal")
    proposal.refresh_from_db()
    assert proposal.status == "shortlisted"
    page.get_by_role("link", name="お断りする").click()
    axe(page, label="decline form")


@pytest.mark.parametrize("which", ["list", "detail"])
def test_job_list_and_page_reflow_at_320px(page, axe, login, which):
    from hataraku.jobs.tests.factories import JobFactory

    job = JobFactory(
        title="とても長いタイトルの仕事でも折り返して読めることを確かめるための仕事",
        accessibility_notes="資料は読み上げで読めます。",
    )
    worker = UserFactory()
    login(worker.email, PASSWORD)
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(page.base_url + ("/jobs/" if which == "list" else f"/jobs/{job.pk}/"))
    assert _no_horizontal_overflow(page)
    axe(page, label=f"{which} at 320px")


def test_other_jobs_pages_have_no_axe_violations(page, axe, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from hataraku.accounts import services
    from hataraku.accounts.tests.factories import StaffFactory
    from hataraku.jobs.tests.factories import JobFactory, ProposalFactory

    # given a client with a job, a worker with a pending identity document, and staff
    job = JobFactory()
    worker = UserFactory(display_name="佐藤 美咲")
    pending = services.verification_submit(
        user=worker,
        document=SimpleUploadedFile("id.png", b"\x89PNG\r\n\x1a\n" + b"0" * 32, content_type="image/png"),
    )
    ProposalFactory(job=job, worker=worker)
    staff = StaffFactory()
    client_pages = [
        "/jobs/mine/",
        f"/jobs/{job.pk}/edit/",
        f"/jobs/invite/?worker={worker.pk}",
        "/jobs/verification/",
    ]
    # when each person opens their pages, then axe finds nothing
    login(job.client.email, PASSWORD)
    for path in client_pages:
        page.goto(page.base_url + path)
        axe(page, label=path)
    _logout(page)
    login(worker.email, PASSWORD)
    page.goto(page.base_url + "/jobs/verification/")
    assert "確認しています" in page.content()
    axe(page, label="verification pending")
    _logout(page)
    login(staff.email, PASSWORD)
    for path in ("/jobs/staff/verifications/", f"/jobs/staff/verifications/{pending.pk}/"):
        page.goto(page.base_url + path)
        axe(page, label=path)


def test_job_list_pagination_passes_axe_and_reflows(page, axe, login):
    from hataraku.jobs.tests.factories import JobFactory

    # given more jobs than fit on one page
    for i in range(52):
        JobFactory(title=f"データ入力の仕事{i:02d}", beginner_welcome=True)
    login(UserFactory().email, PASSWORD)
    # when a worker filters and moves to the second page by keyboard
    page.goto(page.base_url + "/jobs/?beginner_welcome=on")
    nav = page.get_by_role("navigation", name="仕事一覧のページ")
    link = nav.get_by_role("link", name="次のページ")
    link.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # then the filter is kept, the current page is marked, and axe finds nothing, also at 320 px
    assert "beginner_welcome=on" in page.url and "page=2" in page.url
    assert nav.locator('[aria-current="page"]').inner_text().startswith("2")
    axe(page, label="job list page 2")
    page.set_viewport_size({"width": 320, "height": 640})
    assert _no_horizontal_overflow(page)
    axe(page, label="job list page 2 at 320px")


def test_worker_filters_the_job_list_by_keyboard(page, axe, login):
    """Issue 11 item 4: the new filters by keyboard alone, the search in the URL, a bad range told in the
    error summary with the list still there; axe 0 violations throughout."""
    from e2e.keyboard import press_to_navigate, tab_to
    from hataraku.core.wages import ensure_shipped_tables
    from hataraku.jobs.tests.factories import JobFactory
    from hataraku.profiles.tests.factories import WorkerProfileFactory

    # given the shipped minimum wages (a transactional test empties every table), a worker in 高知 and three jobs
    ensure_shipped_tables()
    worker: Any = WorkerProfileFactory(prefecture="39", user__display_name="山本 健一").user
    hourly = {"pay_type": "hourly", "budget_min": None, "budget_max": None, "weekly_hour_cap": 8}
    JobFactory(
        title="高知の書店で在庫確認",
        onsite_prefecture="39",
        hourly_rate_min=1100,
        hourly_rate_max=1300,
        **hourly,
    )
    JobFactory(title="時給の安い入力", hourly_rate_min=800, hourly_rate_max=900, **hourly)
    JobFactory(title="在宅の帳簿チェック", budget_min=20_000, budget_max=30_000, estimated_hours=10)
    login(worker.email, PASSWORD)
    page.goto(page.base_url + "/jobs/")
    axe(page, label="job list with the new filters")

    # when she tabs to 「報酬の下限」, types an amount, ticks 「時給換算が最低賃金以上」 with Space and submits with Enter
    tab_to(page, css="#id_pay_min")
    page.keyboard.type("1000")
    tab_to(page, css="#id_min_wage")
    page.keyboard.press("Space")
    tab_to(page, css="#id_prefecture")
    page.keyboard.press("ArrowDown")  # すべて → 在宅のみ
    tab_to(page, css="#id_pay_min", limit=120)
    press_to_navigate(page, "Enter")
    # then the URL holds the search and the list holds only the remote job at or above 高知's minimum wage
    assert "pay_min=1000" in page.url and "min_wage=on" in page.url and "prefecture=remote" in page.url
    results = page.locator(".job-list").inner_text()
    assert "在宅の帳簿チェック" in results
    assert "時給の安い入力" not in results and "高知の書店で在庫確認" not in results
    assert page.get_by_text("高知県の最低賃金 1,023円").is_visible()
    axe(page, label="job list filtered by keyboard")

    # when she opens the same URL with 高知 chosen instead (a shared link), the on-site job is there
    page.goto(page.base_url + "/jobs/?prefecture=39&min_wage=on")
    assert "高知の書店で在庫確認" in page.locator(".job-list").inner_text()

    # when she types a deadline range the wrong way round and presses Enter
    page.goto(page.base_url + "/jobs/?prefecture=39")
    tab_to(page, css="#id_deadline_from", limit=120)
    page.keyboard.type("01312027")  # Chromium's date field takes the digits of mm/dd/yyyy in order
    tab_to(page, css="#id_deadline_to")
    page.keyboard.type("12102026")
    press_to_navigate(page, "Enter")
    # then the error summary says so in Japanese, links to the field, and the list is still shown
    summary = page.get_by_role("alert")
    assert summary.is_visible()
    assert "「この日まで」は、「この日から」と同じ日か" in summary.inner_text()
    assert "高知の書店で在庫確認" in page.locator(".job-list").inner_text()
    axe(page, label="job list with a filter error")
