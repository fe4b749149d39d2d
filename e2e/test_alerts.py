"""Saved searches and bookmarks in a real browser, as 佐藤 美咲 (screen-reader user, keyboard only): save the
job list's search, bookmark a job with ☆ 「あとで見る」 (htmx keeps focus on the button), and see the pages —
axe 0 violations on each."""

from __future__ import annotations

from typing import Any

import pytest

from e2e.keyboard import press_to_navigate, tab_to
from hataraku.alerts.models import Bookmark, SavedSearch
from hataraku.core import demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_misaki_saves_a_search_and_bookmarks_a_job_by_keyboard(
    page: Any, axe: Any, login: Any, frozen_clock: Any
) -> None:
    # given the demo, and 美咲 signed in, on the job list filtered to jobs without meetings
    people = demo.load()
    misaki = people["misaki"]
    login(misaki.email, demo.DEMO_PASSWORD)
    page.goto(page.base_url + "/jobs/?no_meetings=on")
    axe(page, label="job list with a filter")
    # when she reaches 「この条件を保存」 with Tab and presses Enter
    tab_to(page, css="a", text="この条件を保存", limit=200)
    press_to_navigate(page)
    axe(page, label="save this search")
    # then the page says what she saves, in the job list's words
    assert "打ち合わせなし" in page.locator("main").inner_text()
    # when she names it, turns alerts on, and saves — all by keyboard
    tab_to(page, css="#id_name")
    page.keyboard.press("Control+A")
    page.keyboard.type("打ち合わせのない仕事")
    tab_to(page, css="#id_alerts_on")
    page.keyboard.press("Space")
    tab_to(page, css="button[type=submit]", text="保存する")
    press_to_navigate(page)
    axe(page, label="saved searches")
    # then it is stored as the job list's search and listed
    saved = SavedSearch.objects.get(worker=misaki, name="打ち合わせのない仕事")
    assert saved.query == "no_meetings=on" and saved.alerts_on
    assert "打ち合わせのない仕事" in page.locator("main").inner_text()
    # when she opens its settings page and the delete page (she does not delete)
    page.goto(page.base_url + f"/jobs/saved-searches/{saved.pk}/")
    axe(page, label="saved search settings")
    page.goto(page.base_url + f"/jobs/saved-searches/{saved.pk}/delete/")
    axe(page, label="saved search delete")
    # when she goes back to the list and presses ☆ あとで見る on a job she has not saved yet
    page.goto(page.base_url + "/jobs/")
    button = page.locator('button.bookmark-toggle__button[aria-pressed="false"]').first
    name = button.inner_text().split(":", 1)[1].strip()
    tab_to(page, css="button.bookmark-toggle__button", text=f"あとで見る: {name}", exact=False, limit=250)
    page.keyboard.press("Enter")
    # then htmx swaps the toggle alone: pressed, and focus stays on it
    page.wait_for_selector('button.bookmark-toggle__button[aria-pressed="true"]:focus')
    assert page.evaluate("document.activeElement.getAttribute('aria-pressed')") == "true"
    assert Bookmark.objects.filter(worker=misaki, job__title=name).exists()
    axe(page, label="job list after a bookmark")
    # and 「保存した仕事」 lists it beside the demo's bookmark
    page.goto(page.base_url + "/jobs/bookmarks/")
    axe(page, label="saved jobs")
    text = page.locator("main").inner_text()
    assert name in text and "児童書の原稿校正" in text
