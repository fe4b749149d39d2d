"""Error and edge pages are pages too: Japanese, kind, and 0 axe violations."""

from __future__ import annotations

import pytest
from django.urls import reverse

from hataraku.accounts.tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_not_found_page(page, axe):
    response = page.goto(page.base_url + "/no-such-page/")
    assert response is not None and response.status == 404
    assert page.get_by_role("heading", level=1).inner_text() == "ページが見つかりません"
    axe(page)


def test_not_found_page_for_a_signed_in_person(page, axe, login):
    user = UserFactory()
    login(user.email, PASSWORD)
    response = page.goto(page.base_url + "/contracts/999999/")
    assert response is not None and response.status == 404
    assert page.get_by_role("link", name="ホームへ戻る").is_visible()
    axe(page)


def test_inactive_account_page(page, axe):
    page.goto(page.base_url + reverse("account_inactive"))
    assert page.get_by_role("heading", level=1).count() == 1
    axe(page)


def test_set_password_page_for_an_account_without_one(page, axe):
    # given someone whose password was never set (e.g. an account staff created), signed in
    from django.test import Client

    user = UserFactory()
    user.set_unusable_password()
    user.save()
    django_client = Client()
    django_client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": django_client.cookies["sessionid"].value, "url": page.base_url}]
    )
    # when they open the set-password page
    page.goto(page.base_url + reverse("account_set_password"))
    # then it is that page (not a redirect to log-in), and it is accessible
    assert page.url.endswith(reverse("account_set_password"))
    assert page.get_by_role("heading", level=1).count() == 1
    axe(page)
