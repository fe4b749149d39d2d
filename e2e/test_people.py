"""Staff manage people in our own pages (issue 10, item 8), in a real browser: a staff member logs in with
password and TOTP code, finds a person, and grants the municipal role for 日南市; the person is told by
e-mail. Every page visited: axe 0 violations. Also the report form and the suspended person's banner."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core import mail

from hataraku.accounts import people
from hataraku.accounts.models import Municipality, User
from hataraku.accounts.tests.factories import PASSWORD, StaffFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def audit(page, axe, label: str) -> None:
    page.wait_for_load_state("load")
    assert page.get_by_role("heading", level=1).count() == 1, label
    axe(page, label=label)


def test_staff_grant_the_municipal_role_through_the_ui(page, axe, login) -> None:
    # Given a staff member, 日南市, and the person who will run the city's program
    staff = StaffFactory(display_name="サポート 太郎")
    Municipality.objects.create(name="日南市", jis_code="452041", prefecture="45")
    person = UserFactory(email="officer@nichinan.example.jp", display_name="日南 花子", is_worker=False)
    login(staff.email, PASSWORD)
    # When staff open the people page from the dashboard and search for the person
    page.goto(page.base_url + "/dashboard/")
    page.get_by_text("運営スタッフのページ").click()
    with page.expect_navigation():
        page.get_by_role("link", name="利用者の管理(役割・一時停止・2段階認証)").click()
    audit(page, axe, "people search")
    page.get_by_label("メールアドレス・名前・ID").fill("nichinan")
    with page.expect_navigation():
        page.get_by_role("button", name="さがす").click()
    audit(page, axe, "people results")
    page.screenshot(path="/tmp/people-search.png", full_page=True)
    with page.expect_navigation():
        page.get_by_role("link", name="日南 花子").click()
    audit(page, axe, "person")
    # And choose 日南市 and grant the role
    page.get_by_label("所属する自治体").select_option(label="宮崎県日南市(452041)")
    page.get_by_label("部署(任意)").fill("商工・マーケティング課")
    with page.expect_navigation():
        page.get_by_role("button", name="自治体パートナーにする").click()
    # Then the page says it is done, the role shows, and the person was told by e-mail
    audit(page, axe, "person after grant")
    page.screenshot(path="/tmp/people-person.png", full_page=True)
    assert page.get_by_text("自治体パートナーの役割を設定し、ご本人にメールで知らせました。").is_visible()
    person = User.objects.get(pk=person.pk)
    assert person.is_municipal_staff and person.municipality is not None
    assert person.municipality.jis_code == "452041"
    assert [m.to for m in mail.outbox if "自治体パートナー" in m.subject] == [[person.email]]
    # And the other staff pages pass axe too
    for path in (
        f"/me/staff/people/{person.pk}/suspension/",
        f"/me/staff/people/{person.pk}/second-factor/",
        "/me/staff/municipalities/",
        "/me/staff/reports/",
    ):
        page.goto(page.base_url + path)
        audit(page, axe, path)
    page.goto(page.base_url + f"/me/staff/people/{person.pk}/second-factor/")
    page.screenshot(path="/tmp/people-mfa.png", full_page=True)


def test_report_a_user_and_see_it_in_the_queue(page, axe, login) -> None:
    # Given a worker who reports a person, and staff
    reporter = UserFactory(display_name="中村 さくら")
    person = UserFactory(display_name="宣伝 ばかり")
    staff = StaffFactory()
    login(reporter.email, PASSWORD)
    page.goto(page.base_url + f"/me/report/user/{person.pk}/")
    audit(page, axe, "report form")
    page.get_by_label("迷惑な宣伝・スパム").check()
    page.get_by_label("くわしい内容(任意・「その他」のときは必須)").fill("同じ宣伝が何度も届きます")
    with page.expect_navigation():
        page.get_by_role("button", name="報告を送る").click()
    assert page.get_by_text("運営に報告しました").is_visible()
    # When staff open the queue and resolve it
    page.context.clear_cookies()
    login(staff.email, PASSWORD)
    page.goto(page.base_url + "/me/staff/reports/")
    audit(page, axe, "reports queue")
    assert page.get_by_text("未対応 1 件").is_visible()
    with page.expect_navigation():
        page.get_by_role("link", name="確認する").click()
    audit(page, axe, "report")
    page.screenshot(path="/tmp/people-report.png", full_page=True)
    page.get_by_label("対応のメモ(運営スタッフだけが読みます)").fill("注意のメッセージを送りました")
    with page.expect_navigation():
        page.get_by_role("button", name="対応済みにする").click()
    # Then the queue is empty
    assert page.get_by_text("未対応の報告はありません。").is_visible()


def test_the_suspended_person_sees_why(page, axe, login) -> None:
    person = UserFactory()
    staff = StaffFactory()
    from django.db import transaction

    with transaction.atomic():
        people.account_suspend(
            person=person, actor=staff, reason="外部での直接取引を求めるメッセージが続いたため"
        )
    login(person.email, PASSWORD)
    page.goto(page.base_url + "/dashboard/")
    banner = page.get_by_role("region", name="このアカウントは一時停止中です。")
    assert banner.is_visible()
    audit(page, axe, "dashboard suspended")
    page.screenshot(path="/tmp/people-banner.png", full_page=False)
    with page.expect_navigation():
        banner.get_by_role("link", name="一時停止について詳しく見る").click()
    audit(page, axe, "suspension page")
    assert page.get_by_text("外部での直接取引を求めるメッセージが続いたため").is_visible()
    page.screenshot(path="/tmp/people-suspension.png", full_page=True)
