"""The feasibility rules, without a database: windows, holidays, exceptions, deadlines, calls, blocks."""

from __future__ import annotations

import datetime as dt

import pytest

from hataraku.core.clock import TOKYO
from hataraku.core.durations import duration_text
from hataraku.matching.feasibility import (
    Call,
    JobNeeds,
    Slot,
    Verdict,
    WorkerTime,
    assess,
    is_holiday,
)

# Tuesday 1 December 2026, 10:00 in Tokyo (the frozen_clock moment).
NOW = dt.datetime(2026, 12, 1, 10, 0, tzinfo=TOKYO)


def t(text: str) -> dt.time:
    return dt.time.fromisoformat(text)


def every(days: range | list[int], start: str, end: str) -> tuple[Slot, ...]:
    return tuple(Slot(d, t(start), t(end)) for d in days)


WEEKDAYS = range(5)


def job(hours: float, deadline_days: int, **kw: object) -> JobNeeds:
    return JobNeeds(
        effort_minutes=int(hours * 60),
        deadline=NOW.date() + dt.timedelta(days=deadline_days),
        **kw,  # type: ignore[arg-type]
    )


def test_enough_time_is_can_with_the_hours_in_words() -> None:
    # given 平日 19:00–22:00 (15 h a week) and a 10-hour job due in 14 days
    worker = WorkerTime(windows=every(WEEKDAYS, "19:00", "22:00"))
    # when
    result = assess(worker, job(10, 14), NOW)
    # then
    assert result.verdict == Verdict.CAN
    assert result.reason == "締切までに使える時間: 33時間 / 必要: 10時間"


def test_not_enough_time_is_cannot_with_the_issue_wording() -> None:
    # given 4 evenings of 3 h before the deadline on Friday, 20 h needed
    worker = WorkerTime(windows=every(WEEKDAYS, "19:00", "22:00"))
    result = assess(worker, job(20, 3), NOW)  # Tue, Wed, Thu, Fri evenings
    assert result.verdict == Verdict.CANNOT
    assert result.reason == "締切までに使える時間: 12時間 / 必要: 20時間"


def test_just_enough_is_tight() -> None:
    worker = WorkerTime(windows=every(WEEKDAYS, "19:00", "22:00"))
    result = assess(worker, job(11, 3), NOW)
    assert result.verdict == Verdict.TIGHT
    assert result.feasible


def test_a_window_across_midnight_counts_its_hours_after_midnight() -> None:
    # given one window Tuesday 22:00–翌2:00 and a deadline of Tuesday itself
    worker = WorkerTime(windows=(Slot(1, t("22:00"), t("02:00")),))
    # when the deadline is Wednesday, all 4 hours count; when it is Tuesday, only 2 (until midnight)
    assert assess(worker, job(4, 1), NOW).available_minutes == 240
    assert assess(worker, job(4, 0), NOW).available_minutes == 120


def test_a_window_ending_at_midnight_is_until_midnight() -> None:
    worker = WorkerTime(windows=(Slot(1, t("21:00"), t("00:00")),))
    assert assess(worker, job(1, 0), NOW).available_minutes == 180


def test_a_deadline_today_counts_only_what_is_left_of_today() -> None:
    # given 09:00–12:00 today and it is 10:00 now
    worker = WorkerTime(windows=(Slot(1, t("09:00"), t("12:00")),))
    result = assess(worker, job(3, 0), NOW)
    assert result.available_minutes == 120
    assert result.verdict == Verdict.CANNOT


def test_a_deadline_in_the_past_cannot() -> None:
    worker = WorkerTime(windows=every(WEEKDAYS, "09:00", "17:00"))
    assert assess(worker, job(1, -1), NOW).reason == "納期を過ぎています"


def test_a_public_holiday_uses_the_sunday_windows() -> None:
    # given 2026-11-23 (勤労感謝の日, a Monday) and a worker free only on weekday mornings
    holiday_now = dt.datetime(2026, 11, 23, 6, 0, tzinfo=TOKYO)
    assert is_holiday(holiday_now.date())
    weekday_only = WorkerTime(windows=every(WEEKDAYS, "09:00", "12:00"))
    sunday_only = WorkerTime(windows=(Slot(6, t("09:00"), t("12:00")),))
    due_today = JobNeeds(effort_minutes=60, deadline=holiday_now.date())
    # then the Monday window does not open on the holiday, the Sunday one does
    assert assess(weekday_only, due_today, holiday_now).available_minutes == 0
    assert assess(sunday_only, due_today, holiday_now).available_minutes == 180


def test_an_exception_day_has_no_windows() -> None:
    worker = WorkerTime(windows=every(WEEKDAYS, "19:00", "22:00"), days_off=frozenset({dt.date(2026, 12, 2)}))
    assert assess(worker, job(1, 3), NOW).available_minutes == 9 * 60  # Tue, Thu, Fri


def test_hours_already_committed_come_off_each_week() -> None:
    # given 15 h of windows a week, a weekly limit of 10 h and 8 h already committed
    worker = WorkerTime(
        windows=every(WEEKDAYS, "19:00", "22:00"), max_hours_per_week=10, committed_hours_per_week=8
    )
    # Dec 7–13 is one whole week: 2 h left in it
    due = JobNeeds(effort_minutes=60, deadline=dt.date(2026, 12, 13))
    monday = dt.datetime(2026, 12, 7, 0, 0, tzinfo=TOKYO)
    assert assess(worker, due, monday).available_minutes == 120
    free = WorkerTime(windows=every(WEEKDAYS, "19:00", "22:00"), max_hours_per_week=10)
    assert assess(free, due, monday).available_minutes == 600


def test_five_hours_a_week_never_does_forty_hours_in_three_days() -> None:
    worker = WorkerTime(windows=every(WEEKDAYS, "09:00", "10:00"), max_hours_per_week=5, min_block_minutes=60)
    result = assess(worker, job(40, 3), NOW)
    assert result.verdict == Verdict.CANNOT
    assert result.reason.startswith("締切までに使える時間: ")
    assert "必要: 40時間" in result.reason


def test_pieces_shorter_than_the_jobs_block_do_not_count() -> None:
    worker = WorkerTime(windows=every(WEEKDAYS, "13:00", "13:45"))
    assert assess(worker, job(1, 7, min_block_minutes=60), NOW).available_minutes == 0
    assert assess(worker, job(1, 7, min_block_minutes=30), NOW).available_minutes > 0


def test_a_job_that_cannot_be_interrupted_uses_whole_blocks_only() -> None:
    # given 90-minute windows and a 60-minute block: 60 usable each, not 90
    worker = WorkerTime(windows=(Slot(2, t("13:00"), t("14:30")),))
    result = assess(worker, job(2, 6, min_block_minutes=60, interruptible=False), NOW)
    assert result.available_minutes == 60
    assert "途中で中断できない作業" in " ".join(result.reasons)


CALL_WED_10 = Call(dt.datetime(2026, 12, 2, 10, 0, tzinfo=TOKYO), 30)


def test_a_weekday_morning_call_outside_evening_windows_is_cannot_with_the_reason() -> None:
    evening = WorkerTime(windows=every(WEEKDAYS, "19:00", "22:00"), accepts_voice=True, accepts_video=True)
    result = assess(evening, job(2, 20, has_calls=True, calls=(CALL_WED_10,)), NOW)
    assert result.verdict == Verdict.CANNOT
    assert result.reason == "打ち合わせ(平日10:00)があなたの時間帯の外です"


def test_a_call_exactly_at_the_windows_edges_is_inside() -> None:
    # given a window 10:00–10:30 and a call 10:00–10:30 (starts at its start, ends at its end)
    worker = WorkerTime(windows=every(WEEKDAYS, "10:00", "10:30"), accepts_voice=True)
    assert assess(worker, job(1, 20, has_calls=True, calls=(CALL_WED_10,)), NOW).feasible
    # and a call one minute longer is outside
    longer = Call(CALL_WED_10.starts_at, 31)
    assert not assess(worker, job(1, 20, has_calls=True, calls=(longer,)), NOW).feasible
    # and a window that ends exactly when the call starts does not hold it
    before = WorkerTime(windows=every(WEEKDAYS, "09:00", "10:00"), accepts_voice=True)
    assert not assess(before, job(1, 20, has_calls=True, calls=(CALL_WED_10,)), NOW).feasible


def test_a_call_after_midnight_inside_a_window_from_the_evening_before() -> None:
    worker = WorkerTime(windows=(Slot(1, t("22:00"), t("02:00")),), accepts_video=True)
    late = Call(dt.datetime(2026, 12, 2, 1, 0, tzinfo=TOKYO), 60)
    assert assess(worker, job(1, 14, has_calls=True, calls=(late,)), NOW).feasible


def test_calls_already_past_are_not_checked() -> None:
    worker = WorkerTime(windows=every(WEEKDAYS, "19:00", "22:00"), accepts_voice=True)
    past = Call(dt.datetime(2026, 11, 30, 10, 0, tzinfo=TOKYO), 30)
    assert assess(worker, job(1, 14, has_calls=True, calls=(past,)), NOW).feasible


@pytest.mark.parametrize(
    ("voice", "video", "modes", "ok"),
    [
        (False, False, frozenset(), False),
        (True, False, frozenset(), True),
        (False, True, frozenset({"voice"}), False),
        (True, False, frozenset({"voice"}), True),
        (False, True, frozenset({"voice", "video"}), True),
    ],
)
def test_call_modes_must_match(voice: bool, video: bool, modes: frozenset[str], ok: bool) -> None:
    worker = WorkerTime(windows=every(WEEKDAYS, "09:00", "17:00"), accepts_voice=voice, accepts_video=video)
    result = assess(worker, job(1, 14, has_calls=True, call_modes=modes, calls=(CALL_WED_10,)), NOW)
    assert result.feasible is ok


def test_text_only_worker_hears_why() -> None:
    worker = WorkerTime(windows=every(WEEKDAYS, "09:00", "17:00"))
    result = assess(worker, job(1, 14, has_calls=True, call_modes=frozenset({"voice"})), NOW)
    assert result.reason.startswith("この仕事の打ち合わせは音声通話です")


def test_no_meetings_worker_cannot_take_a_job_with_calls() -> None:
    worker = WorkerTime(windows=every(WEEKDAYS, "09:00", "17:00"), accepts_voice=True, no_meetings=True)
    assert assess(worker, job(1, 14, has_calls=True), NOW).verdict == Verdict.CANNOT


def test_durations_read_in_the_language_of_the_page() -> None:
    from django.utils import translation

    assert [duration_text(m) for m in (90, 45, 720, 0)] == ["1時間30分", "45分", "12時間", "0分"]
    with translation.override("en"):
        assert [duration_text(m) for m in (90, 45, 720, 315)] == [
            "1 h 30 min",
            "45 min",
            "12 h",
            "5 h 15 min",
        ]
