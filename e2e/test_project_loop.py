"""The whole project loop as two personas: ひだまり出版 posts a job; 中村 さくら proposes; the terms are shown
and agreed; the first milestone is funded; she delivers; the client accepts; she is paid (balance
visible); both review. axe 0 violations on every page; the worker's part by keyboard only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from hataraku.accounts.tests.factories import PASSWORD, ClientFactory, StaffFactory, UserFactory
from hataraku.contracts.models import Contract
from hataraku.core import clock
from hataraku.ledger.selectors import worker_balances
from hataraku.payments.models import ProviderFunding
from hataraku.payments.services import funding_confirm

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


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


def _key_activate(page: Any, locator: Any) -> None:
    """Focus a control and press Enter: no mouse."""
    locator.focus()
    _go(page, lambda: page.keyboard.press("Enter"))


def _key_type(page: Any, locator: Any, text: str) -> None:
    locator.focus()
    page.keyboard.type(text)


def _logout(page: Any) -> None:
    _go(page, lambda: page.get_by_role("button", name="ログアウト").click())


def test_whole_project_loop(page, axe, login):
    client = ClientFactory(display_name="ひだまり出版 担当者", company_name="株式会社ひだまり出版")
    sakura = UserFactory(display_name="中村 さくら")
    today = clock.today()

    # given the client posts and publishes a job
    login(client.email, PASSWORD)
    page.goto(page.base_url + "/jobs/new/")
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
    _go(page, lambda: page.get_by_role("button", name="公開する").click())
    axe(page, label="published job")
    job_url = page.url
    _logout(page)

    # when 中村 さくら proposes, by keyboard
    login(sakura.email, PASSWORD)
    page.goto(job_url)
    _key_activate(page, page.get_by_role("link", name="この仕事に応募する"))
    axe(page, label="proposal form")
    _key_type(page, page.get_by_label("提案金額(円)"), "15000")
    page.get_by_label("納品予定日").fill((today + dt.timedelta(days=20)).isoformat())
    _key_type(page, page.get_by_label("クライアントへのメッセージ"), "お昼寝の時間と夜に進めます。")
    _key_activate(page, page.get_by_role("button", name="この内容で応募する"))
    axe(page, label="proposal (worker)")
    _logout(page)

    # and the client offers a contract and agrees to the terms
    login(client.email, PASSWORD)
    page.goto(job_url + "proposals/")
    _go(page, lambda: page.get_by_role("link", name="中村 さくら").click())
    _go(page, lambda: page.get_by_role("button", name="契約を提案する").click())
    axe(page, label="contract offered (client)")
    contract = Contract.objects.get()
    _go(page, lambda: page.get_by_role("link", name="取引条件を確認して合意する").click())
    axe(page, label="terms (client)")
    _go(page, lambda: page.get_by_role("button", name="この条件に合意する").click())
    _logout(page)

    # then 中村 さくら reads the terms and agrees, by keyboard
    login(sakura.email, PASSWORD)
    page.goto(page.base_url + "/contracts/")
    axe(page, label="contract list (worker)")
    _key_activate(page, page.get_by_role("link", name="新刊の紹介文の作成"))
    _key_activate(page, page.get_by_role("link", name="取引条件を確認して合意する"))
    assert "支払期日" in page.content()
    axe(page, label="terms (worker)")
    _key_activate(page, page.get_by_role("button", name="この条件に合意する"))
    assert "契約が成立しました" in page.content()
    contract.refresh_from_db()
    assert contract.status == "active"
    _logout(page)

    # when the client funds the first milestone by bank transfer and opens the transfer details
    login(client.email, PASSWORD)
    page.goto(page.base_url + f"/contracts/{contract.pk}/")
    _go(page, lambda: page.get_by_role("button", name="1を仮払いする").click())
    axe(page, label="funding requested")
    transfer = ProviderFunding.objects.get(escrow=contract.milestones.get().escrow)
    _go(
        page,
        lambda: page.get_by_role(
            "link", name=f"1の振込先と受付番号({transfer.reference_code})を見る"
        ).click(),
    )
    assert transfer.reference_code in page.content()
    axe(page, label="transfer details (client)")
    _logout(page)
    # and staff confirm the transfer (what the staff queue's button does); no periodic task runs after it
    funding_confirm(provider_funding=transfer, actor=StaffFactory())

    # then 中村 さくら sees at once that she may start, and delivers, by keyboard
    login(sakura.email, PASSWORD)
    page.goto(page.base_url + f"/contracts/{contract.pk}/")
    assert "作業を始められます" in page.content()
    _key_activate(page, page.get_by_role("link", name="1を納品する"))
    axe(page, label="deliver (worker)")
    _key_type(page, page.get_by_label("納品のメッセージ"), "3冊分の紹介文です。ご確認ください。")
    _key_activate(page, page.get_by_role("button", name="納品する"))
    axe(page, label="delivered (worker)")
    _logout(page)

    # and the client accepts
    login(client.email, PASSWORD)
    page.goto(page.base_url + f"/contracts/{contract.pk}/")
    _go(page, lambda: page.get_by_role("link", name="1の納品物を確認する").click())
    axe(page, label="review delivery (client)")
    _go(page, lambda: page.get_by_role("button", name="検収して支払う").click())
    contract.refresh_from_db()
    assert contract.status == "completed"
    page.goto(page.base_url + f"/contracts/{contract.pk}/")
    _go(page, lambda: page.get_by_role("link", name="相手を評価する").click())
    axe(page, label="review form (client)")
    for group in ("スキル", "仕事の質", "スケジュール", "コミュニケーション", "また一緒に仕事をしたいか"):
        page.get_by_role("group", name=group).get_by_label("5(とても良い)").check()
    _go(page, lambda: page.get_by_role("button", name="評価を送る").click())
    _logout(page)

    # then 中村 さくら sees her balance and reviews, by keyboard
    login(sakura.email, PASSWORD)
    assert worker_balances(sakura).available > 0
    page.goto(page.base_url + f"/contracts/{contract.pk}/")
    axe(page, label="completed contract (worker)")
    _key_activate(page, page.get_by_role("link", name="受け取った報酬を見る"))
    assert f"¥{worker_balances(sakura).available:,}" in page.content()
    axe(page, label="earnings (worker)")
    page.go_back()
    _key_activate(page, page.get_by_role("link", name="相手を評価する"))
    for group in ("スキル", "仕事の質", "スケジュール", "コミュニケーション", "また一緒に仕事をしたいか"):
        radio = page.get_by_role("group", name=group).get_by_label("5(とても良い)")
        radio.focus()
        page.keyboard.press("Space")
    _key_activate(page, page.get_by_role("button", name="評価を送る"))
    axe(page, label="reviews submitted (worker)")
    from hataraku.reviews.models import Review

    assert Review.objects.filter(contract=contract).count() == 2
