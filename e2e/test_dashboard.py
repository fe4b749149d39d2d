"""The dashboard as a to-do list, in a real browser: 田中翔太 sees his returned delivery, ひだまり出版 sees the
delivery to inspect with the day it is accepted automatically, a new worker sees the first-steps guide,
closes it and it is gone. axe 0 violations on every page, at desktop width and at 375 px."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hataraku.accounts.tests.factories import PASSWORD, UserFactory
from hataraku.core.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/dash")


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def demo_people(transactional_db: Any) -> dict[str, Any]:
    from hataraku.core import demo

    return demo.load()


def _audit_both_widths(page: Any, axe: Any, label: str) -> None:
    page.wait_for_load_state("load")
    assert page.get_by_role("heading", level=1).count() == 1
    axe(page, label=label)
    if SHOTS.is_dir():
        page.screenshot(path=str(SHOTS / f"{label}-desktop.png"), full_page=True)
    page.set_viewport_size({"width": 375, "height": 812})
    axe(page, label=f"{label} 375px")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"horizontal scroll at 375 px on {label}"
    if SHOTS.is_dir():
        page.screenshot(path=str(SHOTS / f"{label}-375.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_shota_sees_his_returned_delivery(page, axe, login, demo_people) -> None:
    # given the demo, where 田中翔太's proofreading was sent back once
    login("shota@demo.hataraku.jp", DEMO_PASSWORD)
    # when he opens his dashboard
    page.goto(page.base_url + "/dashboard/")
    _audit_both_widths(page, axe, "dashboard-shota")
    # then the returned delivery is a to-do with its due date, and it leads to the milestone
    item = page.locator('[data-todo="contracts.delivery_returned"]')
    assert item.count() == 1
    assert "社内報12月号の校正" in item.inner_text() and "納期" in item.inner_text()
    with page.expect_navigation():
        item.get_by_role("link").click()
    assert "/milestones/" in page.url


def test_hidamari_sees_the_delivery_to_inspect_and_its_automatic_acceptance(
    page, axe, login, demo_people
) -> None:
    # given the demo, where 中村さくら delivered the first part of the book blurbs
    login("hidamari@demo.hataraku.jp", DEMO_PASSWORD)
    # when ひだまり出版 opens the dashboard
    page.goto(page.base_url + "/dashboard/")
    _audit_both_widths(page, axe, "dashboard-hidamari")
    # then the delivery is there with the day it is accepted if nobody answers
    item = page.locator('[data-todo="contracts.delivery_to_inspect"]')
    assert item.count() == 1
    text = item.inner_text()
    assert "紹介文 前半3冊" in text and "自動で検収される日" in text
    assert item.locator("time").get_attribute("datetime")


def test_staff_see_every_queue(page, axe, login, demo_people) -> None:
    login("staff@demo.hataraku.jp", DEMO_PASSWORD)
    page.goto(page.base_url + "/dashboard/")
    _audit_both_widths(page, axe, "dashboard-staff")
    for key in ("accounts.staff_verifications", "contracts.staff_disputes", "payments.staff_transfers"):
        assert page.locator(f'[data-todo="{key}"]').count() == 1


def test_new_worker_sees_the_first_steps_closes_them_and_they_are_gone(page, axe, login) -> None:
    # given a worker who has just signed up
    worker = UserFactory(display_name="新人 ワーカー")
    login(worker.email, PASSWORD)
    # when she opens her dashboard
    page.goto(page.base_url + "/dashboard/")
    _audit_both_widths(page, axe, "dashboard-new-worker")
    # then the guide is there, the first step is next
    guide = page.locator("[data-onboarding]")
    assert guide.count() == 1
    assert "次はこれ" in guide.locator('[data-step="conditions"]').inner_text()
    # when she closes it
    with page.expect_navigation():
        page.get_by_role("button", name="この案内を閉じる(あとで戻せます)").click()
    # then it is gone, and the way back is offered
    assert page.locator("[data-onboarding]").count() == 0
    assert page.get_by_role("button", name="はじめの手順をもう一度表示する").count() == 1
    _audit_both_widths(page, axe, "dashboard-new-worker-skipped")
