"""Profile and work-conditions pages in a real browser: axe 0 violations and 320 px reflow on every page,
as a worker (and the staff-only sensitive view as staff)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from hataraku.core import clock
from hataraku.profiles import services
from hataraku.profiles.availability import Window
from hataraku.profiles.tests.factories import (
    PASSWORD,
    DateExceptionFactory,
    StaffFactory,
    WorkConditionsFactory,
    WorkerFactory,
    WorkerProfileFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def audit_page(page, axe, label: str) -> None:
    page.wait_for_load_state("load")
    assert page.get_by_role("heading", level=1).count() == 1, f"one <h1> on {label}"
    axe(page, label=label)
    page.set_viewport_size({"width": 320, "height": 640})
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"horizontal scroll at 320 px on {label}"
    page.set_viewport_size({"width": 1280, "height": 900})


@pytest.fixture
def worker():
    user = WorkerFactory.create(display_name="中村 さくら")
    WorkerProfileFactory.create(user=user, invoice_number="T5040001006938")
    WorkConditionsFactory.create(
        user=user,
        quiet_start=dt.time(22),
        quiet_end=dt.time(7),
        accessibility_needs=["screen_reader"],
        show_accessibility_publicly=True,
    )
    services.availability_replace(
        user=user,
        windows=[Window(d, dt.time(13), dt.time(14, 30)) for d in range(5)]
        + [Window(4, dt.time(22), dt.time(1), True)],
    )
    DateExceptionFactory.create(user=user, date=clock.today() + dt.timedelta(days=3), note="通院")
    services.sensitive_reasons_save(
        user=user, categories=["childcare"], note="子どもが2人", consent_given=True
    )
    return user


WORKER_PAGES = [
    "/profile/",
    "/profile/conditions/",
    "/profile/conditions/preferences/",
    "/profile/conditions/exceptions/",
    "/profile/sensitive/",
]


@pytest.mark.parametrize("path", WORKER_PAGES)
def test_worker_pages(page, axe, login, worker, path):
    # given a logged-in worker with a full profile / when they open the page / then it passes
    login(worker.email, PASSWORD)
    page.goto(page.base_url + path)
    assert page.url == page.base_url + path
    audit_page(page, axe, path)


def test_public_profile_page(page, axe, login, worker):
    login(worker.email, PASSWORD)
    page.goto(page.base_url + f"/profile/w/{worker.pk}/")
    assert "インボイス登録済み" in page.content()
    assert "子どもが2人" not in page.content()
    audit_page(page, axe, "public profile")


def test_pages_with_errors(page, axe, login, worker):
    # given a worker / when each form is sent with a mistake / then the error page passes too
    login(worker.email, PASSWORD)
    page.goto(page.base_url + "/profile/")
    page.get_by_label("適格請求書発行事業者の登録番号(インボイス)").fill("T123")
    page.get_by_role("button", name="保存する", exact=True).click()
    page.wait_for_selector(".error-summary")
    audit_page(page, axe, "profile with errors")

    page.goto(page.base_url + "/profile/conditions/")
    page.locator("#id_windows-0-end").fill("12:00")
    page.locator("#id_windows-0-start").fill("12:00")
    page.get_by_role("button", name="保存する", exact=True).click()
    page.wait_for_selector(".error-summary")
    assert "開始と終了が同じ時刻です" in page.content()
    audit_page(page, axe, "conditions with errors")

    page.get_by_role("button", name="時間帯を追加").click()
    page.wait_for_selector("#id_windows-6-weekday")
    assert page.evaluate("document.activeElement.id") == "id_windows-6-weekday"
    audit_page(page, axe, "conditions after add")

    page.goto(page.base_url + "/profile/conditions/preferences/")
    page.get_by_label("1週間に働ける時間の上限(時間)").fill("200")
    page.get_by_role("button", name="保存する", exact=True).click()
    page.wait_for_selector(".error-summary")
    audit_page(page, axe, "preferences with errors")

    page.goto(page.base_url + "/profile/sensitive/")
    page.get_by_role("button", name="同意して保存する").click()
    page.wait_for_selector(".error-summary")
    audit_page(page, axe, "sensitive without consent")


def test_staff_sensitive_view(page, axe, login, worker):
    staff = StaffFactory.create()
    login(staff.email, PASSWORD)
    page.goto(page.base_url + f"/profile/staff/w/{worker.pk}/sensitive/")
    # a GET shows only the purpose form
    assert "子どもが2人" not in page.content()
    audit_page(page, axe, "staff sensitive purpose form")
    page.get_by_label("閲覧する目的").select_option("inquiry")
    page.get_by_label("目的の説明(任意)").fill("問い合わせ #12")
    with page.expect_navigation():
        page.get_by_role("button", name="記録して表示する").click()
    assert "子どもが2人" in page.content()
    audit_page(page, axe, "staff sensitive view")


def test_client_sees_the_verified_badge_and_scouts_by_keyboard(page, axe, login, worker):
    from hataraku.accounts.tests.factories import ClientFactory, verified
    from hataraku.jobs.tests.factories import JobFactory

    # given a verified worker and a client with a published job
    verified(worker)
    client = ClientFactory.create()
    JobFactory(client=client, title="読者アンケートの入力")
    # when the client opens the worker's public profile
    login(client.email, PASSWORD)
    page.goto(page.base_url + f"/profile/w/{worker.pk}/")
    # then the badge shows and the page passes at both widths
    assert "本人確認済み" in page.content()
    audit_page(page, axe, "public profile (client)")
    # when they follow the scout link by keyboard, then the invitation form names the worker
    link = page.get_by_role("link", name="この人をスカウトする")
    link.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "中村 さくら さん" in page.content()
    assert page.get_by_label("ワーカーID").input_value() == str(worker.pk)
    axe(page, label="invite from profile")
