"""The pure week rules: one window, the whole week, the grid and the Japanese summary."""

from __future__ import annotations

import datetime as dt

import pytest

from hataraku.profiles.availability import (
    Window,
    format_range,
    summarise_week,
    total_minutes,
    week_errors,
    week_grid,
    window_errors,
    window_length,
)


def w(day: int, start: str, end: str, crosses: bool = False) -> Window:
    return Window(day, dt.time.fromisoformat(start), dt.time.fromisoformat(end), crosses)


def test_empty_week_says_nothing_registered():
    # given no windows / when summarised / then it says so kindly
    assert summarise_week([]) == "まだ登録されていません"


def test_weekdays_with_the_same_windows_are_grouped_as_heijitsu():
    # given Mon–Fri 9:30–11:00 and 13:00–14:30, entered out of order
    windows = [w(d, "13:00", "14:30") for d in range(5)] + [w(d, "09:30", "11:00") for d in range(5)]
    # when summarised / then one group, earliest first, with the weekly total (5 × 3 h)
    assert summarise_week(windows) == "平日 9:30–11:00, 13:00–14:30 / 週15時間"


def test_weekend_group_and_other_days_joined_with_nakaguro():
    # given Mon/Wed/Fri 10–15 and Sat/Sun 9–10
    windows = [w(d, "10:00", "15:00") for d in (0, 2, 4)] + [w(d, "09:00", "10:00") for d in (5, 6)]
    assert summarise_week(windows) == "月・水・金 10:00–15:00 / 土日 9:00–10:00 / 週17時間"


def test_every_day_and_minutes_in_the_total():
    windows = [w(d, "21:00", "21:30") for d in range(7)]
    assert summarise_week(windows) == "毎日 21:00–21:30 / 週3時間30分"


def test_crossing_midnight_is_written_with_yoku():
    # given Friday 22:00 to 1:00 the next day
    windows = [w(4, "22:00", "01:00", crosses=True)]
    # then the summary says 翌 and counts 3 hours
    assert summarise_week(windows) == "金 22:00–翌1:00 / 週3時間"


def test_until_midnight_needs_no_flag_and_reads_24():
    window = w(0, "21:00", "00:00")
    assert window_errors(window) == []
    assert format_range(window) == "21:00–24:00"
    assert window_length(window) == 180


@pytest.mark.parametrize(
    ("window", "fragment"),
    [
        (w(0, "10:00", "10:00"), "開始と終了が同じ"),
        (w(0, "22:00", "01:00"), "日付をまたぐ"),
        (w(0, "10:00", "11:00", crosses=True), "日付をまたいでいません"),
    ],
)
def test_bad_single_windows_get_japanese_errors(window, fragment):
    # when checked / then exactly one error, which tells how to fix it
    errors = window_errors(window)
    assert len(errors) == 1
    assert fragment in errors[0]


def test_end_before_start_is_fine_when_marked_as_crossing():
    assert window_errors(w(4, "22:00", "01:00", crosses=True)) == []


def test_overlap_on_the_same_day_is_named():
    errors = week_errors([w(0, "09:00", "11:00"), w(0, "10:30", "12:00")])
    assert errors == [
        "「月曜日 9:00–11:00」と「月曜日 10:30–12:00」が重なっています。どちらかを直すか、1つにまとめてください。"
    ]


def test_overlap_across_midnight_into_the_next_day():
    # given Friday 22:00–翌1:00 and Saturday 0:30–2:00
    errors = week_errors([w(4, "22:00", "01:00", True), w(5, "00:30", "02:00")])
    assert len(errors) == 1 and "重なっています" in errors[0]


def test_sunday_night_wraps_to_monday_morning():
    errors = week_errors([w(6, "23:00", "01:00", True), w(0, "00:30", "01:30")])
    assert len(errors) == 1


def test_touching_windows_do_not_overlap():
    assert week_errors([w(4, "22:00", "01:00", True), w(5, "01:00", "02:00"), w(4, "20:00", "22:00")]) == []


def test_total_over_168_hours_is_refused():
    # given eight windows of 23 hours (184 h): more than a week holds
    windows = [w(d % 7, "00:00", "23:00") for d in range(8)]
    # then the week error speaks of 168 hours before listing overlaps
    errors = week_errors(windows)
    assert len(errors) == 1 and "168時間" in errors[0]


def test_total_minutes_counts_crossing_windows_once():
    assert total_minutes([w(4, "22:00", "01:00", True), w(0, "13:00", "14:30")]) == 270


def test_grid_marks_the_next_morning_for_a_crossing_window():
    grid = week_grid([w(6, "23:00", "01:00", True)])
    # Sunday 23:00 and Monday 00:00 light up; nothing else
    assert grid[23].cells[6] is True
    assert grid[0].cells[0] is True
    lit = sum(cell for row in grid for cell in row.cells)
    assert lit == 2
