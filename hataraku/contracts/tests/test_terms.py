"""The Freelance Act terms as pure functions: payment date at its 60-day boundary, tax breakdown, text."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from hataraku.contracts import terms
from hataraku.contracts.constants import ACCEPTANCE_DAYS, PAYMENT_CYCLE_DAYS

DELIVERY = dt.date(2026, 12, 1)


def test_payment_date_is_delivery_plus_acceptance_plus_cycle():
    # given the default acceptance period and payment cycle
    # when the payment date is computed
    due = terms.payment_due_date(delivery_date=DELIVERY, acceptance_days=ACCEPTANCE_DAYS)
    # then it is the sum of both periods after the delivery date
    assert due == DELIVERY + dt.timedelta(days=ACCEPTANCE_DAYS + PAYMENT_CYCLE_DAYS)


@pytest.mark.parametrize(
    ("acceptance_days", "cycle", "expected_offset"),
    [
        (56, 3, 59),  # exactly on the limit: kept
        (57, 3, 59),  # one day over: clamped to the 60th day counting the receipt day
        (90, 30, 59),  # far over: clamped
        (55, 3, 58),  # one day under: kept
    ],
)
def test_payment_date_never_later_than_60_days_after_receipt(acceptance_days, cycle, expected_offset):
    # given an acceptance period and cycle around the legal limit
    # when the payment date is computed
    due = terms.payment_due_date(
        delivery_date=DELIVERY, acceptance_days=acceptance_days, payment_cycle_days=cycle
    )
    # then it never passes the 60th day (receipt day counted as day 1)
    assert due == DELIVERY + dt.timedelta(days=expected_offset)
    assert (due - DELIVERY).days + 1 <= 60


def test_inspection_date_is_delivery_plus_acceptance_days():
    assert terms.inspection_date(delivery_date=DELIVERY, acceptance_days=7) == dt.date(2026, 12, 8)


def test_fee_breakdown_without_withholding():
    # given a tax-inclusive fee of ¥33,000, the contract's first milestone, no withholding
    fee = terms.fee_breakdown(33_000, withholding=False, on=DELIVERY)
    # then it contains ¥3,000 consumption tax, and Hataraku's fee is 20 % + 10 % tax on it
    assert fee == {
        "amount": 33_000,
        "consumption_tax": 3_000,
        "amount_excluding_tax": 30_000,
        "withholding": 0,
        "platform_fee": 6_600 + 660,
        "net_payment": 33_000 - 7_260,
    }


def test_fee_breakdown_with_withholding_on_the_whole_payment():
    # given a tax-inclusive fee of ¥30,001 subject to withholding
    fee = terms.fee_breakdown(30_001, withholding=True, on=DELIVERY)
    # then 10.21 % of the payment is withheld, rounded down, and the fee tier is the first one
    assert fee["consumption_tax"] == 2_727  # 30,001 × 10 / 110 = 2727.4
    assert fee["withholding"] == 3_063  # 30,001 × 0.1021 = 3063.1
    assert fee["platform_fee"] == 6_000 + 600
    assert fee["net_payment"] == 30_001 - 3_063 - 6_600


def test_later_milestones_use_the_lower_fee_tiers():
    # given ¥100,000 already in earlier milestones, a ¥50,000 milestone is charged 10 %, not 20 %
    fee = terms.fee_breakdown(50_000, withholding=False, cumulative_before=100_000, on=DELIVERY)
    assert fee["platform_fee"] == 5_000 + 500


def _data(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = dict(
        contract_title="記事の校正",
        description="10本の記事の校正",
        client_name="株式会社ひだまり出版",
        worker_name="中村 さくら",
        commissioned_on=DELIVERY,
        kind="fixed",
        acceptance_days=7,
        withholding=True,
        milestones=[
            {"order": 1, "title": "前半", "amount": 10_000, "due_date": dt.date(2026, 12, 10)},
            {"order": 2, "title": "後半", "amount": 20_000, "due_date": dt.date(2026, 12, 20)},
        ],
    )
    base.update(overrides)
    return terms.build_terms_data(**base)


def test_terms_data_has_every_item_the_act_requires():
    # given a two-milestone contract
    data = _data()
    # then every art. 3 item is present
    assert data["client_name"] == "株式会社ひだまり出版"
    assert data["worker_name"] == "中村 さくら"
    assert data["commissioned_on"] == "2026-12-01"
    assert data["delivery_place"] == "Hataraku 上の納品機能"
    assert data["payment_method"] == "エスクロー(仮払い)経由の振込"
    assert data["total"]["amount"] == 30_000
    first = data["milestones"][0]
    assert first["delivery_date"] == "2026-12-10"
    assert first["inspection_date"] == "2026-12-17"
    assert first["payment_date"] == "2026-12-20"


def test_rendered_text_and_hash_change_with_the_terms():
    # given two versions differing only in a due date
    text_a = terms.render_terms_text(_data())
    text_b = terms.render_terms_text(
        _data(milestones=[{"order": 1, "title": "前半", "amount": 10_000, "due_date": dt.date(2026, 12, 11)}])
    )
    # then the texts name the items and their hashes differ
    for label in (
        "業務の内容",
        "報酬の額",
        "支払期日",
        "委託をした日",
        "給付を受領する場所",
        "検査を完了する期日",
        "源泉徴収税額",
    ):
        assert label in text_a
    assert terms.text_hash(text_a) != terms.text_hash(text_b)
    assert len(terms.text_hash(text_a)) == 64


def test_hourly_terms_state_rate_cap_and_tax_without_a_zero_total():
    # given an hourly contract subject to withholding
    data = _data(kind="hourly", milestones=[], hourly_rate=1_500, weekly_hour_cap=10)
    text = terms.render_terms_text(data)
    # then the rate, the cap and the tax rules are stated, and no ¥0 total is shown
    assert "時間単価 ¥1,500" in text
    assert "週の上限 10 時間" in text
    assert "時間単価は消費税(10%)込みの額です" in text
    assert "源泉徴収税額" in text
    assert "合計 ¥0" not in text
    # and the three dates art. 3 asks for are stated for every week, with the 60-day limit
    for item in (
        "給付を受領する期日: 作業時間の記録を提出した日",
        "提出から7日以内",
        "報酬の支払期日",
        "60日以内",
    ):
        assert item in text
    assert "Hataraku の手数料" in text


def test_hourly_terms_page_says_what_the_agreed_text_says(client):
    # given an hourly contract with withholding, seen as the worker before agreeing
    from django.template.loader import render_to_string

    data = _data(kind="hourly", milestones=[], hourly_rate=1_500, weekly_hour_cap=10)
    # when the terms page body is rendered from the same snapshot
    html = render_to_string(
        "contracts/terms.html",
        {"data": data, "terms": None, "contract": _FakeContract(), "is_latest": True},
    )
    # then the page names withholding, the fee and the weekly dates, as the stored text does
    assert "源泉徴収税額(報酬の10.21%" in html
    assert "給付を受領する期日: 作業時間の記録を提出した日" in html
    assert "Hataraku の手数料(受注者負担)" in html
    # and a version written before these rules existed shows none of them (its stored text has none)
    older = {k: v for k, v in data.items() if k not in ("hourly_withholding_rule", "fee_rule")}
    html = render_to_string(
        "contracts/terms.html",
        {"data": older, "terms": None, "contract": _FakeContract(), "is_latest": True},
    )
    assert "源泉徴収税額(報酬の10.21%" not in html and "Hataraku の手数料(受注者負担)" not in html


class _FakeContract:
    pk = 1
    title = "返品伝票の入力"


def test_fee_breakdown_without_a_date_uses_the_platform_clock(frozen_clock, monkeypatch):
    from decimal import Decimal

    from hataraku.core import money

    # given a second fee schedule (a flat 10 %) that starts in 2030, and the platform clock set to 2030
    later = money.FeeSchedule(
        effective_from=dt.date(2030, 1, 1),
        project_tiers=(money.FeeTier(above=0, rate=Decimal("0.10")),),
        task_rate=Decimal("0.10"),
    )
    monkeypatch.setattr(money, "FEE_SCHEDULES", (*money.FEE_SCHEDULES, later))
    frozen_clock.set(dt.datetime(2030, 1, 2, 10, 0))
    # when the breakdown is computed without naming the day
    breakdown = terms.fee_breakdown(50_000, withholding=False)
    # then the schedule in force on the clock's day applies (not the machine's real date)
    assert breakdown == terms.fee_breakdown(50_000, withholding=False, on=dt.date(2030, 1, 2))
    assert (
        breakdown["platform_fee"]
        != terms.fee_breakdown(50_000, withholding=False, on=dt.date(2026, 12, 1))["platform_fee"]
    )
