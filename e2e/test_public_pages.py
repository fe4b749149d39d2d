"""Public pages in a real browser: Japanese first, English switch, axe 0 violations, 320 px reflow."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PUBLIC_PAGES = [
    "/",
    "/accessibility/",
    "/privacy/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page_has_no_axe_violations(page, axe, path):
    page.goto(page.base_url + path)
    assert page.locator("html").get_attribute("lang") == "ja"
    axe(page)


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page_reflows_at_320px(page, path):
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(page.base_url + path)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0


def test_english_switch_by_keyboard(page, axe):
    page.goto(page.base_url + "/")
    page.get_by_role("button", name="English").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state("load")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text() == "A place where anyone can choose to work"
    axe(page)


def test_skip_link_is_first_and_moves_focus_to_main(page):
    page.goto(page.base_url + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "本文へ移動"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
