"""Pure functions about weekly availability windows: validation, overlap, the week grid and the Japanese
summary. No database here, so the rules are tested quickly and reused by forms, services and selectors.

A window is a weekday plus a local (Asia/Tokyo) start and end time. A window whose end is earlier than
its start runs into the next day ("Fri 22:00–01:00"), but only when the person has said so with
`crosses_midnight`: an end before the start is far more often a typo than a night shift. An end of 00:00
means "until midnight" and needs no flag.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from hataraku.core.durations import per_week

from .constants import MAX_HOURS_PER_WEEK, MINUTES_PER_DAY, MINUTES_PER_WEEK, WEEKDAY_SHORT, Weekday


class WindowLike(Protocol):
    @property
    def weekday(self) -> int: ...
    @property
    def start(self) -> dt.time: ...
    @property
    def end(self) -> dt.time: ...
    @property
    def crosses_midnight(self) -> bool: ...


@dataclass(frozen=True)
class Window:
    weekday: int
    start: dt.time
    end: dt.time
    crosses_midnight: bool = False


def _minutes(t: dt.time) -> int:
    return t.hour * 60 + t.minute


def window_length(w: WindowLike) -> int:
    """Length in minutes. Assumes `window_errors(w)` is empty."""
    start, end = _minutes(w.start), _minutes(w.end)
    if end == 0:
        end = MINUTES_PER_DAY
    if end > start:
        return end - start
    return end + MINUTES_PER_DAY - start


def window_offset(w: WindowLike) -> int:
    """Minutes from Monday 00:00 to the start of the window."""
    return int(w.weekday) * MINUTES_PER_DAY + _minutes(w.start)


def window_errors(w: WindowLike) -> list[str]:
    """What is wrong with one window on its own, in words the person can act on."""
    start, end = _minutes(w.start), _minutes(w.end)
    if start == end:
        return [_("開始と終了が同じ時刻です。終了の時刻を直してください。")]
    if end == 0:
        return []  # until midnight
    if end < start and not w.crosses_midnight:
        return [
            _(
                "終了が開始より前になっています。夜中の0時をまたぐ時間帯なら「日付をまたぐ」に"
                "チェックを入れてください。そうでなければ時刻を直してください。"
            )
        ]
    if end > start and w.crosses_midnight:
        return [
            _(
                "この時間帯は日付をまたいでいません。「日付をまたぐ」のチェックを外すか、"
                "時刻を直してください。"
            )
        ]
    return []


def format_time(t: dt.time) -> str:
    return f"{t.hour}:{t.minute:02d}"


def format_range(w: WindowLike) -> str:
    start, end = _minutes(w.start), _minutes(w.end)
    if end == 0 and start != 0:
        return f"{format_time(w.start)}–24:00"
    if end < start:
        return f"{format_time(w.start)}–" + _("翌%(time)s") % {"time": format_time(w.end)}
    return f"{format_time(w.start)}–{format_time(w.end)}"


def describe_window(w: WindowLike) -> str:
    return f"{Weekday(int(w.weekday)).label} {format_range(w)}"


def _overlap(a: WindowLike, b: WindowLike) -> bool:
    # Positions on a circular week, so Sunday 23:00–翌1:00 meets Monday 00:30.
    oa, la = window_offset(a), window_length(a)
    ob, lb = window_offset(b), window_length(b)
    return (ob - oa) % MINUTES_PER_WEEK < la or (oa - ob) % MINUTES_PER_WEEK < lb


def overlapping_pairs(windows: Sequence[WindowLike]) -> list[tuple[int, int]]:
    pairs: list[tuple[int, int]] = []
    for i in range(len(windows)):
        for j in range(i + 1, len(windows)):
            if _overlap(windows[i], windows[j]):
                pairs.append((i, j))
    return pairs


def total_minutes(windows: Iterable[WindowLike]) -> int:
    return sum(window_length(w) for w in windows)


def week_errors(windows: Sequence[WindowLike]) -> list[str]:
    """What is wrong with the week as a whole. Each window must already be valid on its own."""
    if total_minutes(windows) > MAX_HOURS_PER_WEEK * 60:
        return [_("時間帯の合計が1週間(168時間)を超えています。重なっている時間帯がないか確認してください。")]
    return [
        _("「%(a)s」と「%(b)s」が重なっています。どちらかを直すか、1つにまとめてください。")
        % {"a": describe_window(windows[i]), "b": describe_window(windows[j])}
        for i, j in overlapping_pairs(windows)
    ]


def _day_group_name(days: tuple[int, ...]) -> str:
    if days == (0, 1, 2, 3, 4, 5, 6):
        return _("毎日")
    if days == (0, 1, 2, 3, 4):
        return _("平日")
    if days == (5, 6):
        return _("土日")
    return pgettext("list separator", "・").join(str(WEEKDAY_SHORT[d]) for d in days)


def format_total(minutes: int) -> str:
    """週15時間 (core.durations: the one way a length of time is written, in the reader's language)."""
    return per_week(minutes)


def summarise_week(windows: Iterable[WindowLike]) -> str:
    """The week in one line of Japanese, e.g. "平日 9:30–11:00, 13:00–14:30 / 週15時間".

    Days with exactly the same windows are grouped (平日, 土日, 毎日, or 月・水・金), groups in weekday order.
    """
    items = list(windows)
    if not items:
        return _("まだ登録されていません")
    by_day: dict[int, list[WindowLike]] = {}
    for w in items:
        by_day.setdefault(int(w.weekday), []).append(w)
    signature: dict[int, tuple[str, ...]] = {
        day: tuple(format_range(w) for w in sorted(ws, key=lambda w: _minutes(w.start)))
        for day, ws in by_day.items()
    }
    groups: dict[tuple[str, ...], list[int]] = {}
    for day in sorted(signature):
        groups.setdefault(signature[day], []).append(day)
    parts = [
        f"{_day_group_name(tuple(days))} {', '.join(ranges)}"
        for ranges, days in sorted(groups.items(), key=lambda item: item[1][0])
    ]
    parts.append(format_total(total_minutes(items)))
    return " / ".join(parts)


@dataclass(frozen=True)
class GridRow:
    hour: int
    cells: tuple[bool, ...]  # Monday … Sunday


def week_grid(windows: Iterable[WindowLike]) -> list[GridRow]:
    """24 rows × 7 days; a cell is on when any part of that hour is inside a window. Windows that run
    past midnight light up the next day's first hours (Sunday night wraps to Monday)."""
    on = [[False] * 7 for _hour in range(24)]
    for w in windows:
        offset, length = window_offset(w), window_length(w)
        first_slot = offset // 60
        last_slot = (offset + length - 1) // 60
        for slot in range(first_slot, last_slot + 1):
            slot %= 7 * 24
            on[slot % 24][slot // 24] = True
    return [GridRow(hour=h, cells=tuple(on[h])) for h in range(24)]


# Times of day a client can read at a glance (Asia/Tokyo wall clock, minutes from 00:00). 夜 runs past
# midnight until 5:00; each band is listed with its copy one day later so a window that crosses midnight
# is matched on both sides.
DAY_BANDS: tuple[tuple[str, tuple[tuple[int, int], ...]], ...] = (
    ("morning", ((5 * 60, 10 * 60),)),
    ("daytime", ((10 * 60, 16 * 60),)),
    ("evening", ((16 * 60, 19 * 60),)),
    ("night", ((0, 5 * 60), (19 * 60, 29 * 60))),
)


def band_label(band: str) -> str:
    return {"morning": _("朝"), "daytime": _("昼"), "evening": _("夕方"), "night": _("夜")}[band]


def day_bands(windows: Iterable[WindowLike]) -> list[str]:
    """Which bands (morning, daytime, evening, night — in that order) any window touches. Only the
    times are read: nothing about why a person is free then."""
    touched: set[str] = set()
    for w in windows:
        start = _minutes(w.start)
        end = start + window_length(w)
        for band, spans in DAY_BANDS:
            for lo, hi in spans:
                if any(
                    start < b_hi and b_lo < end
                    for b_lo, b_hi in ((lo, hi), (lo + MINUTES_PER_DAY, hi + MINUTES_PER_DAY))
                ):
                    touched.add(band)
    return [band for band, _spans in DAY_BANDS if band in touched]
