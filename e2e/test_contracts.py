"""Contract pages in a real browser: terms, contract, deliver and accept flows; axe 0 violations and
320 px reflow on every page; the worker's part by keyboard."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest

from hataraku.accounts.tests.factories import PASSWORD
from hataraku.contracts import services
from hataraku.contracts.constants import AccommodationKind, MilestoneStatus
from hataraku.contracts.models import HourlyWeek, Milestone
from hataraku.contracts.tests.factories import (
    StaffFactory,
    active_contract,
    funded_milestone,
    offered_contract,
)
from hataraku.core import clock

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _categories() -> None:
    # transaction=True tests flush the database between tests, data migrations included: put the fixed
    # category tree back with the jobs app's own loader.
    import importlib

    from django.apps import apps

    importlib.import_module("hataraku.jobs.migrations.0002_categories").load(apps, None)


def audit_page(page, axe, label: str) -> None:
    page.wait_for_load_state("load")
    assert page.get_by_role("heading", level=1).count() == 1, f"one <h1> on {label}"
    axe(page, label=label)
    page.set_viewport_size({"width": 320, "height": 640})
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"horizontal scroll at 320 px on {label}"
    page.set_viewport_size({"width": 1280, "height": 900})


def test_terms_page_and_agreement_by_keyboard(page, axe, login):
    # given an offered contract with withholding (company client, writing work)
    contract = offered_contract(category_slug="writing-proofread", milestones=2, amount=40_000)
    login(contract.worker.email, PASSWORD)
    # when the worker opens the terms
    page.goto(page.base_url + f"/contracts/{contract.pk}/terms/")
    audit_page(page, axe, "terms")
    for item in ("業務の内容", "報酬の額", "支払期日", "委託をした日", "給付を受領する場所", "源泉徴収税額"):
        assert page.get_by_text(item).first.is_visible()
    # and agrees with the keyboard alone
    page.get_by_role("button", name="この条件に合意する").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # then the contract page says so
    assert "相手の合意をお待ちください" in page.content()
    audit_page(page, axe, "contract offered")
    contract.refresh_from_db()
    assert contract.agreed_by_worker_at is not None


def test_deliver_and_accept_pages(page, axe, login):
    # given an active contract whose first milestone is funded
    contract = active_contract(milestones=2, amount=30_000)
    m = funded_milestone(contract)
    login(contract.worker.email, PASSWORD)
    page.goto(page.base_url + "/contracts/")
    audit_page(page, axe, "contract list")
    page.goto(page.base_url + f"/contracts/{contract.pk}/")
    audit_page(page, axe, "contract (worker)")
    # when the worker delivers, by keyboard
    page.get_by_role("link", name="1を納品する").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    audit_page(page, axe, "deliver")
    page.get_by_label("納品のメッセージ").fill("前半を納品します。ご確認ください。")
    page.get_by_role("button", name="納品する").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    audit_page(page, axe, "milestone (worker, delivered)")
    m.refresh_from_db()
    assert m.status == MilestoneStatus.DELIVERED
    # when the client reviews and accepts
    page.context.clear_cookies()
    login(contract.client.email, PASSWORD)
    page.goto(page.base_url + f"/contracts/{contract.pk}/milestones/{m.pk}/")
    audit_page(page, axe, "milestone review (client)")
    with page.expect_navigation():
        page.get_by_role("link", name="検収して支払う").click()
    audit_page(page, axe, "acceptance summary")
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("^確定して .* を支払う$")).click()
    audit_page(page, axe, "milestone accepted")
    m.refresh_from_db()
    assert m.status == MilestoneStatus.RELEASED
    page.goto(page.base_url + f"/contracts/{contract.pk}/")
    audit_page(page, axe, "contract (client)")


def test_deliver_error_for_unfunded_milestone(page, axe, login):
    contract = active_contract()
    m = contract.milestones.get()
    login(contract.worker.email, PASSWORD)
    page.goto(page.base_url + f"/contracts/{contract.pk}/milestones/{m.pk}/deliver/")
    page.get_by_label("納品のメッセージ").fill("できました")
    with page.expect_navigation():
        page.get_by_role("button", name="納品する").click()
    assert page.get_by_role("alert").is_visible()
    assert "仮払いされていないため" in page.content()
    audit_page(page, axe, "deliver error")
    assert Milestone.objects.get(pk=m.pk).status == MilestoneStatus.PENDING


def test_other_contract_pages(page, axe, login):
    # given an active fixed contract and an hourly one with a dispute, plus an overdue accommodation
    contract = active_contract()
    m = contract.milestones.get()
    services.accommodation_request(
        contract=contract,
        actor=contract.worker,
        kind=AccommodationKind.PAUSE,
    )
    hourly = active_contract(hourly=True, worker=contract.worker, client=contract.client, amount=1_200)
    services.time_entry_add(
        contract=hourly, actor=hourly.worker, work_date=clock.today(), minutes=60, memo="入力作業"
    )
    week = HourlyWeek.objects.get(contract=hourly)
    services.dispute_open(contract=hourly, actor=hourly.client, reason="確認したいことがあります", week=week)
    login(contract.worker.email, PASSWORD)
    for path, label in [
        (f"/contracts/{contract.pk}/accommodations/new/", "accommodation"),
        (f"/contracts/{contract.pk}/changes/new/", "change request"),
        (f"/contracts/{contract.pk}/milestones/{m.pk}/", "milestone pending"),
        (f"/contracts/{hourly.pk}/", "hourly contract"),
        (f"/contracts/{hourly.pk}/time/", "time entry"),
        (f"/contracts/{contract.pk}/disputes/new/?milestone={m.pk}", "dispute form"),
    ]:
        page.goto(page.base_url + path)
        audit_page(page, axe, label)
    # the client sees the accommodation answer form on the contract page
    page.context.clear_cookies()
    login(contract.client.email, PASSWORD)
    page.goto(page.base_url + f"/contracts/{contract.pk}/")
    audit_page(page, axe, "contract with accommodation (client)")
    # staff pages
    clock.set_time(clock.now() + dt.timedelta(days=4))
    staff = StaffFactory()
    page.context.clear_cookies()
    login(staff.email, PASSWORD)
    for path, label in [
        ("/contracts/staff/disputes/", "staff disputes"),
        ("/contracts/staff/accommodations/", "staff accommodations"),
    ]:
        page.goto(page.base_url + path)
        audit_page(page, axe, label)
    with page.expect_navigation():
        page.get_by_role("main").get_by_role("link", name="仲介中の紛争").click()
    with page.expect_navigation():
        page.get_by_role("link", name=hourly.title).click()
    audit_page(page, axe, "staff dispute")


def test_accommodation_with_a_preview_by_keyboard(page, axe, login):
    contract = active_contract()
    login(contract.worker.email, PASSWORD)
    page.goto(page.base_url + f"/contracts/{contract.pk}/")
    # press 1: the request link; press 2: check what the client will see; press 3: send
    page.get_by_role("link", name="納期の延長・一時休止をお願いする").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.get_by_role("button", name="クライアントに届く内容を確認する").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "延長の希望" in page.content()
    audit_page(page, axe, "accommodation preview")
    page.get_by_role("button", name="この内容で送る").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "お願いを送りました" in page.content()
    audit_page(page, axe, "after accommodation")


def test_hourly_week_submitted_corrected_and_approved(page, axe, login):
    # given an hourly contract with two hours logged today
    contract = active_contract(hourly=True, amount=1_200)
    services.time_entry_add(
        contract=contract, actor=contract.worker, work_date=clock.today(), minutes=120, memo="伝票の入力"
    )
    week = HourlyWeek.objects.get(contract=contract)
    week_path = f"/contracts/{contract.pk}/weeks/{week.pk}/"
    # when the worker opens the contract page, she sees until when she can log, and submits early by keyboard
    login(contract.worker.email, PASSWORD)
    page.goto(page.base_url + f"/contracts/{contract.pk}/")
    assert "まで記録できます" in page.content()
    audit_page(page, axe, "hourly contract with loggable weeks")
    page.get_by_role("button", name="からの週を今すぐ提出する").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "提出しました" in page.content()
    audit_page(page, axe, "submitted week (worker)")
    # when the client asks for a correction on the week page, an empty note is refused kindly first
    page.context.clear_cookies()
    login(contract.client.email, PASSWORD)
    page.goto(page.base_url + week_path)
    assert "自動で承認されます" in page.content()
    audit_page(page, axe, "submitted week (client)")
    with page.expect_navigation():
        page.get_by_role("button", name="修正を依頼する").click()
    assert page.get_by_role("alert").count() >= 1
    audit_page(page, axe, "correction request error")
    page.get_by_label("直してほしいところ").fill("1時間半の約束でした")
    with page.expect_navigation():
        page.get_by_role("button", name="修正を依頼する").click()
    # when the worker proposes 90 minutes instead of 120
    page.context.clear_cookies()
    login(contract.worker.email, PASSWORD)
    page.goto(page.base_url + week_path)
    audit_page(page, axe, "correction requested (worker)")
    with page.expect_navigation():
        page.get_by_role("link", name="作業時間の修正を申し出る").click()
    audit_page(page, axe, "time correction form")
    page.get_by_label("「伝票の入力」").fill("90")
    page.get_by_label("修正の理由").fill("ご指摘のとおりでした")
    with page.expect_navigation():
        page.get_by_role("button", name="修正を申し出る").click()
    # then the client accepts it and approves the week: 90 minutes are billed
    page.context.clear_cookies()
    login(contract.client.email, PASSWORD)
    page.goto(page.base_url + week_path)
    audit_page(page, axe, "pending correction (client)")
    with page.expect_navigation():
        page.get_by_role("button", name="修正を承諾する").click()
    with page.expect_navigation():
        page.get_by_role("button", name="の週を承認する").click()
    week.refresh_from_db()
    assert (week.status, week.billed_minutes) == ("billed", 90)
