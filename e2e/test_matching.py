"""「あなたにできる仕事」 in a real browser, as 小林 由美 (evening caller) on Tuesday 2026-12-01: axe 0
violations, the switch that shows the jobs she cannot do (with reasons), and marks — all by keyboard."""

from __future__ import annotations

from typing import Any

import pytest

from e2e.keyboard import press_to_navigate, tab_to
from hataraku.core import demo
from hataraku.matching.models import JobMark

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MORNING_CALL_JOB = "自社サイトのWordPress更新(平日10:00に定例の通話)"


def test_evening_caller_by_keyboard(page: Any, axe: Any, login: Any, frozen_clock: Any) -> None:
    # given the demo, and 由美 signed in
    people = demo.load()
    login(people["yumi"].email, demo.DEMO_PASSWORD)
    # when she opens her list
    page.goto(page.base_url + "/jobs/for-you/")
    axe(page, label="recommendations")
    cards = page.locator(".match-card")
    # then the weekday-morning-call job is not there, and the page says some are hidden
    assert MORNING_CALL_JOB not in page.locator("main").inner_text()
    assert "表示していません" in page.locator("main").inner_text()
    first_count = cards.count()
    # when she ticks the switch with the keyboard and submits
    tab_to(page, css="#match-all")
    page.keyboard.press("Space")
    tab_to(page, css="button[type=submit]", text="この条件で表示")
    press_to_navigate(page)
    axe(page, label="recommendations, all")
    # then that job is shown with its reason on the card
    card = page.locator(".match-card", has_text=MORNING_CALL_JOB)
    assert "できない" in card.inner_text()
    assert "打ち合わせ(平日10:00)があなたの時間帯の外です" in card.inner_text()
    assert cards.count() > first_count
    # when she says 「それでもできる」 on it, by keyboard
    tab_to(page, css="button", text=f"それでもできる: {MORNING_CALL_JOB}")
    press_to_navigate(page)
    axe(page, label="recommendations after a mark")
    # then it is stored for her, and ranked as doable
    assert JobMark.objects.filter(worker=people["yumi"], kind="can_do").count() == 1
    card = page.locator(".match-card", has_text=MORNING_CALL_JOB)
    assert "あなたが「それでもできる」と選んだ仕事です" in card.inner_text()
