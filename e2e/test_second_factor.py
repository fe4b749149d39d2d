"""The second factor for staff and municipal people, in a real browser: the set-up page a password-only
session is held on, and the code asked again before special-care data is shown. Each page: axe 0 violations."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest

from hataraku.accounts.tests.factories import PASSWORD, MunicipalFactory, StaffFactory, UserFactory
from hataraku.accounts.tests.mfa import totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.mark.parametrize("factory", [StaffFactory, MunicipalFactory], ids=["staff", "municipal"])
def test_a_password_only_session_is_held_on_the_set_up_page(page, axe, factory):
    # given a staff or municipal person without a second factor
    person = factory()
    # when she logs in with the password alone
    page.goto(page.base_url + "/accounts/login/")
    page.get_by_label("メールアドレス").fill(person.email)
    page.get_by_label(re.compile(r"^パスワード")).fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="ログイン", exact=True).click()
    # then she lands on the set-up page, told why, and it is accessible
    assert page.url.endswith("/accounts/2fa/")
    assert "パスワードに加えて2段階認証" in page.content()
    axe(page, label="set-up")
    # and any other page sends her back there
    page.goto(page.base_url + "/dashboard/")
    assert page.url.endswith("/accounts/2fa/")


def test_special_care_data_asks_for_the_code_again(page, axe, login, frozen_clock):
    # given a staff member logged in with password and TOTP code
    staff = StaffFactory()
    worker = UserFactory()
    login(staff.email, PASSWORD)
    assert page.url.endswith("/dashboard/")
    # and ten minutes later
    frozen_clock.set(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=10))
    # when she opens a worker's special-care page
    page.goto(page.base_url + f"/profile/staff/w/{worker.pk}/sensitive/")
    # then the code is asked first, on an accessible page
    assert "/accounts/2fa/reauthenticate/" in page.url
    axe(page, label="reauthenticate")
    # when she types it (allauth stamps it with the real time, so the platform clock comes back to now),
    # then she reaches the page
    frozen_clock.set(dt.datetime.now(dt.UTC))
    page.locator("input[name=code]").fill(totp_code(staff))
    with page.expect_navigation():
        page.locator("form[action$='/accounts/2fa/reauthenticate/'] [type=submit]").click()
    assert page.url.endswith(f"/profile/staff/w/{worker.pk}/sensitive/")
