"""One journey with the keyboard alone, as 佐藤 美咲 would make it: sign up, confirm the address from the
mail, reach the work-conditions page and register a weekly window, then check the saved window and the
text summary. After `page.goto` (for the start page and for the link in the mail) only `page.keyboard`
is used; focus is read back from the page the way a screen reader announces it. axe runs on every page."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.core import mail

from e2e.keyboard import tab_to, type_time
from hataraku.accounts.models import User
from hataraku.profiles.models import AvailabilityWindow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def focused_id(page) -> str:
    return page.evaluate("document.activeElement.id")


def test_sign_up_and_register_a_window_with_the_keyboard_only(page, axe):
    # given the sign-up page
    page.goto(page.base_url + "/accounts/signup/")
    axe(page, label="signup")

    # when the person fills it in with Tab and typing
    tab_to(page, css="#id_email")
    page.keyboard.type("misaki.kb@example.jp")
    tab_to(page, css="#id_display_name")
    page.keyboard.type("佐藤 美咲")
    tab_to(page, css="#id_password1")
    page.keyboard.type("yomiage-de-hataraku-2026")
    tab_to(page, css="#id_password2")
    page.keyboard.type("yomiage-de-hataraku-2026")
    # the worker checkbox is on by default; they only check it is
    tab_to(page, css="input[type=checkbox]")
    assert page.evaluate("document.activeElement.checked") is True
    tab_to(page, css="button[type=submit]", text="登録する")
    page.keyboard.press("Enter")

    # then they are asked to confirm their address
    page.wait_for_url("**/accounts/confirm-email/")
    axe(page, label="verification sent")

    # when they open the link from the mail and confirm with the keyboard
    assert mail.outbox, "no verification mail"
    found = re.search(r"/accounts/confirm-email/[^/\s]+/", str(mail.outbox[-1].body))
    assert found is not None, mail.outbox[-1].body
    page.goto(page.base_url + found.group(0))
    axe(page, label="confirm email")
    tab_to(page, css="button[type=submit]", text="確認する")
    page.keyboard.press("Enter")

    # then they land on the dashboard, logged in
    page.wait_for_url("**/dashboard/")
    assert "佐藤 美咲" in page.get_by_role("heading", level=1).inner_text()
    axe(page, label="dashboard")

    # when they follow the menu to the work conditions
    tab_to(page, css="a", text="働ける時間帯")
    page.keyboard.press("Enter")
    page.wait_for_url("**/profile/conditions/")
    assert "まだ登録されていません" in page.locator("[data-week-summary]").inner_text()
    axe(page, label="conditions (empty)")

    # and add a Friday 22:00 to 1:00 window, crossing midnight
    tab_to(page, css="#id_windows-0-weekday")
    for _ in range(5):  # 曜日を選ぶ → 月 → 火 → 水 → 木 → 金
        page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.value") == "4"
    page.keyboard.press("Tab")
    assert focused_id(page) == "id_windows-0-start"
    type_time(page, "22:00")
    tab_to(page, css="#id_windows-0-end")
    type_time(page, "01:00")
    tab_to(page, css="#id_windows-0-crosses_midnight")
    page.keyboard.press("Space")
    assert page.evaluate("document.activeElement.checked") is True
    tab_to(page, css="button[type=submit]", text="保存する")
    page.keyboard.press("Enter")

    # then the window is saved and the page says so in words
    page.wait_for_selector(".message--success")
    assert "働ける時間帯を保存しました" in page.locator(".messages").inner_text()
    assert page.locator("[data-week-summary]").inner_text() == "金 22:00–翌1:00 / 週3時間"
    user = User.objects.get(email="misaki.kb@example.jp")
    window = AvailabilityWindow.objects.get(user=user)
    assert (window.weekday, window.start.isoformat(), window.end.isoformat(), window.crosses_midnight) == (
        4,
        "22:00:00",
        "01:00:00",
        True,
    )
    axe(page, label="conditions (saved)")
