"""Ending a funded milestone by agreement, a bonus and an added milestone in a real browser: axe 0
violations and 320 px reflow on every page; proposing and accepting by keyboard."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from hataraku.accounts.tests.factories import PASSWORD
from hataraku.contracts.constants import BonusStatus, CancellationStatus
from hataraku.contracts.models import Bonus, MilestoneCancellation
from hataraku.contracts.tests.factories import funded_milestone
from hataraku.core import clock

from .test_contracts import audit_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _setup() -> Iterator[None]:
    import importlib

    from django.apps import apps
    from django.core.cache import cache

    cache.clear()
    importlib.import_module("hataraku.jobs.migrations.0002_categories").load(apps, None)
    yield
    cache.clear()


def test_cancellation_by_agreement_bonus_and_added_milestone(page, axe, login):
    # given an active contract of two milestones, the first funded
    m = funded_milestone(amount=20_000, milestones=2)
    contract = m.contract
    login(contract.client.email, PASSWORD)
    # when the client opens the cancellation form from the contract page, by keyboard
    page.goto(page.base_url + f"/contracts/{contract.pk}/")
    page.get_by_role("link", name="1の取りやめを相談する").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    audit_page(page, axe, "cancellation form")
    # and sends an amount above the milestone: the error summary names the limit
    page.get_by_label("ワーカーへの支払額(円・税込)").fill("99999")
    page.get_by_label("取りやめたい理由").fill("先方の事情で途中までになりました。")
    with page.expect_navigation():
        page.get_by_role("button", name="この内容で相手に申し出る").click()
    assert page.get_by_role("alert").is_visible()
    audit_page(page, axe, "cancellation form with errors")
    page.get_by_label("ワーカーへの支払額(円・税込)").fill("6000")
    with page.expect_navigation():
        page.get_by_role("button", name="この内容で相手に申し出る").click()
    proposal = MilestoneCancellation.objects.get()
    # then the worker sees it with her right to decline, and accepts by keyboard
    page.context.clear_cookies()
    login(contract.worker.email, PASSWORD)
    page.goto(page.base_url + f"/contracts/{contract.pk}/")
    audit_page(page, axe, "contract with a cancellation (worker)")
    assert "あなたが承諾しない限り、報酬は減りません" in page.content()
    page.get_by_role("button", name="この内容で取りやめに合意する").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    proposal.refresh_from_db()
    assert proposal.status == CancellationStatus.ACCEPTED
    # when the client gives a bonus: the take-home first, then confirm
    page.context.clear_cookies()
    login(contract.client.email, PASSWORD)
    page.goto(page.base_url + f"/contracts/{contract.pk}/bonuses/new/")
    audit_page(page, axe, "bonus form")
    page.get_by_label("ボーナスの金額(円・税込)").fill("10000")
    page.get_by_label("ワーカーへのメッセージ(任意)").fill("ありがとうございました。")
    with page.expect_navigation():
        page.get_by_role("button", name="受取額を確かめる").click()
    audit_page(page, axe, "bonus preview")
    assert "ワーカーの受取額" in page.content()
    with page.expect_navigation():
        page.get_by_role("button", name="確定して支払いに進む").click()
    assert Bonus.objects.get().status == BonusStatus.AWAITING_PAYMENT
    audit_page(page, axe, "contract with a bonus (client)")
    # and proposes one more milestone
    page.goto(page.base_url + f"/contracts/{contract.pk}/milestones/new/")
    audit_page(page, axe, "milestone add form")
    page.get_by_label("追加するマイルストーンの名前").fill("追加の校正")
    page.get_by_label("金額(円・税込)").fill("5000")
    page.get_by_label("納期").fill((clock.today() + dt.timedelta(days=20)).isoformat())
    with page.expect_navigation():
        page.get_by_role("button", name="追加を申し出る").click()
    assert "マイルストーンの追加: 追加の校正" in page.content()
