"""The ranking's order and its words, without a database."""

from __future__ import annotations

import datetime as dt

from hataraku.core.clock import TOKYO
from hataraku.core.wages import WageFloor
from hataraku.matching.feasibility import Feasibility, Verdict
from hataraku.matching.ranking import (
    ClientRecord,
    JobFacts,
    Pay,
    WorkerFacts,
    order_key,
    rank_one,
)

NOW = dt.datetime(2026, 12, 1, 10, 0, tzinfo=TOKYO)
TOKYO_FLOOR = WageFloor("13", 1226, 2025, dt.date(2025, 10, 3), "test")
CAN = Feasibility(Verdict.CAN, ("締切までに使える時間: 30時間 / 必要: 10時間",), 1800, 600)
TIGHT = Feasibility(Verdict.TIGHT, ("締切までに使える時間: 11時間 / 必要: 10時間",), 660, 600)
CANNOT = Feasibility(Verdict.CANNOT, ("締切までに使える時間: 2時間 / 必要: 10時間",), 120, 600)


def facts(job_id: int = 1, **kw: object) -> JobFacts:
    base: dict[str, object] = {
        "job_id": job_id,
        "skills": (),
        "text": "",
        "pay": Pay(1500, 2000),
        "beginner_welcome": False,
        "published_at": NOW - dt.timedelta(days=10),
        "deadline": dt.date(2026, 12, 31),
    }
    base.update(kw)
    return JobFacts(**base)  # type: ignore[arg-type]


WORKER = WorkerFacts(skills=("翻訳", "校正"), beginner=True, floor=TOKYO_FLOOR)


def test_pay_below_the_floor_is_said_with_the_table_year() -> None:
    ranked = rank_one(
        worker=WORKER, job=facts(pay=Pay(500, 900)), client=ClientRecord(), feasibility=CAN, now=NOW
    )
    assert ranked.below_floor
    assert "時給換算 約500〜900円。東京都の最低賃金 1,226円(2025年度の表)を下回ります" in ranked.why


def test_skills_listed_by_the_job_beat_skills_only_in_its_title() -> None:
    listed = rank_one(
        worker=WORKER, job=facts(skills=("翻訳",)), client=ClientRecord(), feasibility=CAN, now=NOW
    )
    titled = rank_one(
        worker=WORKER, job=facts(text="英語の翻訳"), client=ClientRecord(), feasibility=CAN, now=NOW
    )
    none = rank_one(worker=WORKER, job=facts(), client=ClientRecord(), feasibility=CAN, now=NOW)
    assert listed.score > titled.score > none.score
    assert "あなたのスキル(翻訳)を求めています" in listed.why


def test_skills_match_across_full_and_half_width() -> None:
    worker = WorkerFacts(skills=("ＷＥＢデザイン",), beginner=False, floor=None)
    ranked = rank_one(
        worker=worker, job=facts(skills=("Webデザイン",)), client=ClientRecord(), feasibility=CAN, now=NOW
    )
    assert ranked.why[1].startswith("あなたのスキル")


def test_feasible_first_whatever_the_score() -> None:
    rich = facts(1, skills=("翻訳",), pay=Pay(5000, 6000))
    plain = facts(2)
    cannot = rank_one(worker=WORKER, job=rich, client=ClientRecord(), feasibility=CANNOT, now=NOW)
    tight = rank_one(worker=WORKER, job=rich, client=ClientRecord(), feasibility=TIGHT, now=NOW)
    can = rank_one(worker=WORKER, job=plain, client=ClientRecord(), feasibility=CAN, now=NOW)
    ordered = sorted(
        [(cannot, rich), (tight, rich), (can, plain)], key=lambda pair: order_key("recommended", *pair)
    )
    assert [r.feasibility.verdict for r, _j in ordered] == [Verdict.CAN, Verdict.TIGHT, Verdict.CANNOT]
    for order in ("newest", "deadline", "pay"):
        assert order_key(order, can, plain) < order_key(order, cannot, rich)


def test_can_do_anyway_ranks_as_feasible() -> None:
    overridden = Feasibility(Verdict.CANNOT, CANNOT.reasons, 120, 600, overridden=True)
    ranked = rank_one(worker=WORKER, job=facts(), client=ClientRecord(), feasibility=overridden, now=NOW)
    assert ranked.tier == 0
    assert ranked.why[0] == "あなたが「それでもできる」と選んだ仕事です"


def test_a_reliable_client_beginner_fit_and_freshness_each_say_so() -> None:
    client = ClientRecord(on_time_payment_rate=1.0, median_days_to_acceptance=2, average_rating=4.6)
    ranked = rank_one(
        worker=WORKER,
        job=facts(beginner_welcome=True, published_at=NOW - dt.timedelta(hours=5)),
        client=client,
        feasibility=CAN,
        now=NOW,
    )
    assert "検収が期日どおりのクライアントです(100%)" in ranked.why
    assert "クライアントの評価 4.6" in ranked.why
    assert "初心者歓迎です" in ranked.why
    assert "新着の仕事です" in ranked.why
    unknown = rank_one(worker=WORKER, job=facts(), client=ClientRecord(), feasibility=CAN, now=NOW)
    assert ranked.score > unknown.score


def test_accessible_materials_come_first_for_a_screen_reader_user() -> None:
    reader = WorkerFacts(skills=(), beginner=False, floor=None, needs_accessible_materials=True)
    with_notes = rank_one(
        worker=reader, job=facts(accessible_materials=True), client=ClientRecord(), feasibility=CAN, now=NOW
    )
    without = rank_one(worker=reader, job=facts(), client=ClientRecord(), feasibility=CAN, now=NOW)
    assert with_notes.score > without.score
    assert "資料のアクセシビリティに配慮があります" in with_notes.why
