"""Issue 11 "Done when": the personas over the demo data, with the clock on a known weekday (Tuesday
2026-12-01 10:00 in Tokyo). Each asserts the verdict and the reason the card shows."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from hataraku.core import demo
from hataraku.matching.feasibility import Verdict
from hataraku.matching.selectors import recommendations_for
from hataraku.profiles import services
from hataraku.profiles.availability import Window
from hataraku.profiles.models import WorkConditions

pytestmark = pytest.mark.django_db

WEEKDAY_MORNING_CALL = "自社サイトのWordPress更新(平日10:00に定例の通話)"
VOICE_JOB = "海外著者との打ち合わせメモの英訳(音声通話あり)"
FORTY_HOURS = "社内マニュアルの全面改訂(急ぎ・40時間)"
SMALL_JOB = "売上表の数式チェック(ゆっくりで大丈夫です)"


@pytest.fixture
def people(frozen_clock: Any) -> dict[str, Any]:
    return demo.load()


def _by_title(worker: Any, *, show_all: bool = True) -> dict[str, Any]:
    return {r.job.title: r for r in recommendations_for(worker, show_all=show_all).items}


def test_evening_caller_never_sees_a_weekday_morning_call_as_doable(people: dict[str, Any]) -> None:
    # given 小林 由美, who accepts voice and video calls but works weekday evenings and Saturday mornings
    yumi = people["yumi"]
    conditions = WorkConditions.objects.get(user=yumi)
    assert conditions.accepts_voice and conditions.accepts_video and not conditions.no_meetings
    # when she opens her list
    default = _by_title(yumi, show_all=False)
    everything = _by_title(yumi)
    # then the job with calls on weekday mornings is hidden, and shown with its reason when she asks
    assert WEEKDAY_MORNING_CALL not in default
    card = everything[WEEKDAY_MORNING_CALL].feasibility
    assert card.verdict == Verdict.CANNOT
    assert card.reason == "打ち合わせ(平日10:00)があなたの時間帯の外です"


def test_it_is_her_windows_not_a_flag(people: dict[str, Any]) -> None:
    # given the same 由美 with weekday-morning windows instead
    yumi = people["yumi"]
    services.availability_replace(
        user=yumi,
        windows=[Window(weekday=d, start=dt.time(9), end=dt.time(12)) for d in range(5)],
    )
    # then the weekday 10:00 calls fit, and the job is doable
    assert _by_title(yumi)[WEEKDAY_MORNING_CALL].feasibility.feasible


def test_misaki_sees_no_job_that_needs_voice_calls(people: dict[str, Any]) -> None:
    # given 佐藤 美咲, text only; the voice job's call (Wednesday 14:00) is inside her windows
    misaki = people["misaki"]
    # when
    default = _by_title(misaki, show_all=False)
    everything = _by_title(misaki)
    # then no job that needs voice calls is offered as doable, and the card says why
    assert VOICE_JOB not in default
    assert everything[VOICE_JOB].feasibility.reason.startswith("この仕事の打ち合わせは音声通話です")
    for rec in default.values():
        assert rec.job.meeting_style != "scheduled_calls", rec.job.title


def test_misaki_who_accepts_voice_can_take_the_voice_job(people: dict[str, Any]) -> None:
    misaki = people["misaki"]
    WorkConditions.objects.filter(user=misaki).update(accepts_voice=True)
    assert VOICE_JOB in _by_title(misaki, show_all=False)


def test_five_hours_a_week_never_sees_forty_hours_in_three_days(people: dict[str, Any]) -> None:
    # given 伊藤 真一, five hours a week in one-hour blocks
    shinichi = people["shinichi"]
    # when
    default = _by_title(shinichi, show_all=False)
    everything = _by_title(shinichi)
    # then the 40-hour job due in three days is hidden, with the hours in words when shown
    assert FORTY_HOURS not in default
    card = everything[FORTY_HOURS].feasibility
    assert card.verdict == Verdict.CANNOT
    assert card.reason.startswith("締切までに使える時間: ") and card.reason.endswith("/ 必要: 40時間")
    # and the small, unhurried job comes first
    assert next(iter(default)) == SMALL_JOB
