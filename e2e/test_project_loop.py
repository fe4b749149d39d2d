"""The whole project loop as two demo personas: 株式会社ひだまり出版 posts a job; 中村 さくら proposes; the
terms are shown and agreed; the first milestone is funded (staff confirm the bank transfer in their
queue); she delivers; the client accepts; she is paid (balance visible on her earnings page); both
review. axe 0 violations on every page opened; 中村 さくら's part uses the keyboard alone (after
`page.goto` only `page.keyboard`: Tab, typing, Enter and Space)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest

from e2e.keyboard import press_to_navigate, tab_and_follow, tab_to, type_date
from hataraku.contracts.models import Contract
from hataraku.core import clock
from hataraku.core.demo import DEMO_PASSWORD, ensure_people
from hataraku.ledger.selectors import worker_balances
from hataraku.payments.models import ProviderFunding
from hataraku.reviews.models import Review

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RATINGS = ("スキル", "仕事の質", "スケジュール", "コミュニケーション", "また一緒に仕事をしたいか")


@pytest.fixture(autouse=True)
def _setup() -> Iterator[None]:
    import importlib

    from django.apps import apps
    from django.core.cache import cache

    # transaction=True flushes data migrations between tests: restore the category tree.
    importlib.import_module("hataraku.jobs.migrations.0002_categories").load(apps, None)
    cache.clear()
    yield
    cache.clear()


def _go(page: Any, action: Any) -> None:
    with page.expect_navigation():
        action()
    page.wait_for_load_state("load")


def _open(page: Any, path: str) -> None:
    page.goto(page.base_url + path)
    page.wait_for_load_state("load")


def _logout(page: Any, axe: Any) -> None:
    _go(page, lambda: page.get_by_role("button", name="ログアウト").click())
    axe(page, label="after log-out")


def _keyboard_logout(page: Any, axe: Any) -> None:
    tab_and_follow(page, css="button", text="ログアウト", exact=True)
    axe(page, label="after log-out (keyboard)")


def _shown_available(page: Any) -> int:
    """The 出金できる amount as the earnings page shows it."""
    text = page.locator("dt", has_text="出金できる").locator("xpath=following-sibling::dd[1]").inner_text()
    return int(re.sub(r"[^0-9]", "", text))


def test_whole_project_loop(page, axe, login, keyboard_login):
    people = ensure_people()
    client, sakura, staff = people["hidamari"], people["sakura"], people["staff"]
    today = clock.today()
    _open(page, "/accounts/login/")
    axe(page, label="log-in")

    # given ひだまり出版 writes a job, saves the draft and publishes it
    login(client.email, DEMO_PASSWORD)
    axe(page, label="after log-in (client)")
    _open(page, "/jobs/new/")
    axe(page, label="job form (client)")
    page.get_by_label("タイトル").fill("新刊の紹介文の作成")
    page.get_by_label("仕事の内容").fill("新刊3冊の紹介文(各400字)を書いてください。")
    page.get_by_label("カテゴリ").select_option(label="ライティング / 記事作成")
    page.get_by_label("求めるスキル").fill("文章作成")
    page.get_by_label("固定報酬", exact=True).check()
    page.get_by_label("予算の下限(円・固定報酬)").fill("10000")
    page.get_by_label("予算の上限(円・固定報酬)").fill("20000")
    page.get_by_label("作業時間の目安(時間)").fill("6")
    page.get_by_label("納期").fill((today + dt.timedelta(days=30)).isoformat())
    page.get_by_label("応募締切").fill((today + dt.timedelta(days=7)).isoformat())
    page.get_by_label("打ち合わせなし", exact=True).check()
    _go(page, lambda: page.get_by_role("button", name="下書きを保存する").click())
    axe(page, label="job draft (client)")
    _go(page, lambda: page.get_by_role("button", name="公開する").click())
    axe(page, label="published job (client)")
    job_url = page.url
    _logout(page, axe)

    # when 中村 さくら opens the job and proposes, by keyboard
    keyboard_login(sakura.email, DEMO_PASSWORD)
    axe(page, label="after log-in (sakura)")
    page.goto(job_url)
    page.wait_for_load_state("load")
    axe(page, label="job (worker)")
    tab_and_follow(page, css="a", text="この仕事に応募する")
    axe(page, label="proposal form (worker)")
    tab_to(page, css="#id_amount")
    page.keyboard.type("15000")
    tab_to(page, css="#id_delivery_date")
    type_date(page, today + dt.timedelta(days=20))
    tab_to(page, css="#id_message")
    page.keyboard.type("お昼寝の時間と夜に進めます。")
    tab_and_follow(page, css="button[type=submit]", text="この内容で応募する")
    axe(page, label="proposal sent (worker)")
    _keyboard_logout(page, axe)

    # and the client reads the proposals, offers a contract and agrees to the terms
    login(client.email, DEMO_PASSWORD)
    axe(page, label="after log-in (client)")
    _open(page, job_url.removeprefix(page.base_url) + "proposals/")
    axe(page, label="proposal list (client)")
    _go(page, lambda: page.get_by_role("link", name="中村 さくら").click())
    axe(page, label="proposal detail (client)")
    _go(page, lambda: page.get_by_role("link", name="契約を提案する").click())
    axe(page, label="offer summary (client)")
    _go(page, lambda: page.get_by_role("button", name="確定して契約を提案する").click())
    axe(page, label="contract offered (client)")
    contract = Contract.objects.get()
    _go(page, lambda: page.get_by_role("link", name="取引条件を確認して合意する").click())
    axe(page, label="terms (client)")
    _go(page, lambda: page.get_by_role("button", name="この条件に合意する").click())
    axe(page, label="contract after the client agreed (client)")
    _logout(page, axe)

    # then 中村 さくら reads the terms and agrees, by keyboard
    keyboard_login(sakura.email, DEMO_PASSWORD)
    axe(page, label="after log-in (sakura)")
    _open(page, "/contracts/")
    axe(page, label="contract list (worker)")
    tab_and_follow(page, css="a", text="新刊の紹介文の作成")
    axe(page, label="contract (worker)")
    tab_and_follow(page, css="a", text="取引条件を確認して合意する")
    assert "支払期日" in page.content()
    axe(page, label="terms (worker)")
    tab_and_follow(page, css="button[type=submit]", text="この条件に合意する")
    assert "契約が成立しました" in page.content()
    axe(page, label="contract agreed (worker)")
    contract.refresh_from_db()
    assert contract.status == "active"
    _keyboard_logout(page, axe)

    # when the client funds the first milestone by bank transfer and opens the transfer details
    login(client.email, DEMO_PASSWORD)
    axe(page, label="after log-in (client)")
    _open(page, f"/contracts/{contract.pk}/")
    axe(page, label="active contract (client)")
    _go(page, lambda: page.get_by_role("link", name="1を仮払いする").click())
    axe(page, label="funding summary (client)")
    _go(page, lambda: page.get_by_role("button", name="確定して ¥15,000 を仮払いする").click())
    axe(page, label="funding requested (client)")
    transfer = ProviderFunding.objects.get(escrow=contract.milestones.get().escrow)
    _go(
        page,
        lambda: page.get_by_role(
            "link", name=f"1の振込先と受付番号({transfer.reference_code})を見る"
        ).click(),
    )
    assert transfer.reference_code in page.content()
    axe(page, label="transfer details (client)")
    _logout(page, axe)

    # and staff confirm the transfer in their queue (no periodic task runs after it)
    login(staff.email, DEMO_PASSWORD)
    axe(page, label="after log-in (staff)")
    _open(page, "/payments/staff/transfers/")
    axe(page, label="transfer queue (staff)")
    _go(page, lambda: page.get_by_role("button", name=f"入金を確認 {transfer.reference_code}").click())
    assert "入金を確認しました" in page.content()
    axe(page, label="transfer confirmed (staff)")
    _logout(page, axe)

    # then 中村 さくら sees at once that she may start, and delivers, by keyboard
    keyboard_login(sakura.email, DEMO_PASSWORD)
    axe(page, label="after log-in (sakura)")
    _open(page, f"/contracts/{contract.pk}/")
    assert "作業を始められます" in page.content()
    axe(page, label="funded contract (worker)")
    tab_and_follow(page, css="a", text="1を納品する")
    axe(page, label="deliver (worker)")
    tab_to(page, css="#id_message")
    page.keyboard.type("3冊分の紹介文です。ご確認ください。")
    tab_and_follow(page, css="button[type=submit]", text="納品する", exact=True)
    axe(page, label="delivered (worker)")
    _keyboard_logout(page, axe)

    # and the client accepts the delivery and reviews her
    login(client.email, DEMO_PASSWORD)
    axe(page, label="after log-in (client)")
    _open(page, f"/contracts/{contract.pk}/")
    axe(page, label="delivered contract (client)")
    _go(page, lambda: page.get_by_role("link", name="1の納品物を確認する").click())
    axe(page, label="review delivery (client)")
    _go(page, lambda: page.get_by_role("link", name="検収して支払う").click())
    axe(page, label="acceptance summary (client)")
    _go(page, lambda: page.get_by_role("button", name="確定して ¥15,000 を支払う").click())
    axe(page, label="accepted (client)")
    contract.refresh_from_db()
    assert contract.status == "completed"
    _open(page, f"/contracts/{contract.pk}/")
    axe(page, label="completed contract (client)")
    _go(page, lambda: page.get_by_role("link", name="相手を評価する").click())
    axe(page, label="review form (client)")
    for group in RATINGS:
        page.get_by_role("group", name=group).get_by_label("5(とても良い)").check()
    _go(page, lambda: page.get_by_role("button", name="評価を送る").click())
    axe(page, label="review sent (client)")
    _logout(page, axe)

    # then 中村 さくら sees her balance on her earnings page and reviews, by keyboard
    keyboard_login(sakura.email, DEMO_PASSWORD)
    axe(page, label="after log-in (sakura)")
    _open(page, f"/contracts/{contract.pk}/")
    axe(page, label="completed contract (worker)")
    tab_and_follow(page, css="a", text="受け取った報酬を見る")
    axe(page, label="earnings (worker)")
    shown = _shown_available(page)
    assert shown > 0
    assert shown == worker_balances(sakura).available
    page.go_back()
    page.wait_for_load_state("load")
    tab_and_follow(page, css="a", text="相手を評価する")
    axe(page, label="review form (worker)")
    for _group in RATINGS:
        # Tab enters each radio group at its first radio, 5(とても良い); Space chooses it.
        tab_to(page, css='input[type=radio][value="5"]')
        page.keyboard.press("Space")
        assert page.evaluate("document.activeElement.checked") is True
    tab_to(page, css="button[type=submit]", text="評価を送る")
    press_to_navigate(page)
    axe(page, label="reviews submitted (worker)")
    assert Review.objects.filter(contract=contract).count() == 2
