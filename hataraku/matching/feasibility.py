"""Can this worker do this job by its deadline, in the way she can work? Pure functions, no database.

The answer is できる / ぎりぎり / できない with reasons in plain Japanese. The rules, in the order checked:

1. **Calls.** A job with scheduled calls needs a worker who takes calls (not 「打ち合わせなし」) in a mode the
   job can use (voice, video; a job that names none takes either). Text is always possible on Hataraku.
2. **Every scheduled call inside her windows.** Each future call must lie wholly inside one of her windows
   on its date (a call that starts exactly when a window starts, or ends exactly when it ends, is inside).
   Her day-off and busy dates have no windows; a public holiday has her Sunday windows.
3. **Time before the deadline.** Her windows from now to the end of the deadline day (Asia/Tokyo), minus
   day-off/busy dates, public holidays treated as Sundays (「日曜・祝日」, the usual Japanese pattern: most
   people who are free on Sundays are free on holidays, and most weekday schedules — day care, a
   part-time job — stop on holidays). A piece of a window counts only if it is at least as long as the
   job's shortest block and her own; a job that cannot be interrupted uses whole blocks only. Each week
   (Monday–Sunday) counts at most her weekly limit (or her windows' total, if she set none), less the
   hours she has already committed to active contracts.
4. **Work on site.** A job with work on site in a prefecture (`onsite_prefecture`, a JIS code) is できない
   for a worker who lives in another one (「現地(高知県)での作業があります。お住まいの地域と違います」).
   A worker who has not said where she lives gets at most ぎりぎり, with a reason that asks her to set
   it on her profile: hiding the job would hide the jobs near her too, and できる would be a guess.
5. **Verdict.** Usable time ≥ 1.25 × needed: できる; ≥ needed: ぎりぎり; else できない — always with
   「締切までに使える時間: 12時間 / 必要: 20時間」.

A window is a weekday and Tokyo wall-clock times; an end at or before its start runs into the next day
(an end of 00:00 means "until midnight").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

import jpholiday
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hataraku.core import prefectures
from hataraku.core.clock import TOKYO
from hataraku.core.durations import duration_text

# Ample time: this much more than needed is できる; between 1× and this, ぎりぎり.
COMFORT_RATIO = 1.25
# Scan at most this far ahead (job deadlines are at most two years ahead: core.dates).
MAX_HORIZON_DAYS = 800
SUNDAY = 6


class Verdict(StrEnum):
    CAN = "can"
    TIGHT = "tight"
    CANNOT = "cannot"

    @property
    def label(self) -> str:
        return str(VERDICT_LABELS[self])


VERDICT_LABELS = {
    Verdict.CAN: gettext_lazy("できる"),
    Verdict.TIGHT: gettext_lazy("ぎりぎり"),
    Verdict.CANNOT: gettext_lazy("できない"),
}


@dataclass(frozen=True)
class Slot:
    """One weekly window, Monday = 0, Tokyo wall clock."""

    weekday: int
    start: dt.time
    end: dt.time


@dataclass(frozen=True)
class WorkerTime:
    windows: tuple[Slot, ...]
    days_off: frozenset[dt.date] = frozenset()
    max_hours_per_week: float | None = None
    committed_hours_per_week: float = 0
    min_block_minutes: int | None = None
    accepts_voice: bool = False
    accepts_video: bool = False
    no_meetings: bool = False
    prefecture: str = ""  # where she lives, a JIS code; "" = she has not said


@dataclass(frozen=True)
class Call:
    starts_at: dt.datetime  # aware
    minutes: int


@dataclass(frozen=True)
class JobNeeds:
    effort_minutes: int
    deadline: dt.date  # work may go on until the end of this day, Tokyo time
    has_calls: bool = False
    call_modes: frozenset[str] = frozenset()  # "voice", "video"; empty: either
    calls: tuple[Call, ...] = ()
    min_block_minutes: int = 30
    interruptible: bool = True
    onsite_prefecture: str = ""  # JIS code of a prefecture where part of the work is done; "" = remote


@dataclass(frozen=True)
class Feasibility:
    verdict: Verdict
    reasons: tuple[str, ...]
    available_minutes: int
    needed_minutes: int
    # Set when the worker said 「それでもできる」: ranked as feasible, reasons kept for her to see.
    overridden: bool = False

    @property
    def feasible(self) -> bool:
        return self.overridden or self.verdict != Verdict.CANNOT

    @property
    def reason(self) -> str:
        return self.reasons[0] if self.reasons else ""

    @property
    def label(self) -> str:
        return self.verdict.label


@dataclass(frozen=True)
class Piece:
    start: dt.datetime
    end: dt.datetime

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)


@dataclass
class WorkerCalendar:
    """Her windows laid out on real dates from `now` on, computed once per worker and reused for every job
    (the ranking asks about hundreds of jobs for one worker)."""

    worker: WorkerTime
    now: dt.datetime
    _by_date: dict[dt.date, list[Piece]] = field(default_factory=dict)
    # Usable minutes depend on a job only through (deadline, shortest block, interruptible), and calls
    # only through their start and length: thousands of jobs share a few hundred of each, so each is
    # worked out once per request (the ranking asks for every candidate job).
    _usable: dict[tuple[dt.date, int, bool], int] = field(default_factory=dict)
    _outside: dict[tuple[dt.datetime, int], bool] = field(default_factory=dict)
    # The sentence 「締切までに使える時間: … / 必要: …」 by (available, needed): one request, one language.
    _time_reasons: dict[tuple[int, int], str] = field(default_factory=dict)
    # Running sums of whole weeks' usable minutes per (block, interruptible), from this week on.
    _week_sums: dict[tuple[int, bool], list[int]] = field(default_factory=dict)
    # Each week's pieces as lengths from now (usable_minutes_many), by its Monday.
    _lengths: dict[dt.date, tuple[list[list[tuple[int, int]]], int]] = field(default_factory=dict)

    def pieces_starting_on(self, day: dt.date) -> list[Piece]:
        found = self._by_date.get(day)
        if found is None:
            found = self._by_date[day] = list(_day_pieces(self.worker, day))
        return found


def is_holiday(day: dt.date) -> bool:
    return bool(jpholiday.is_holiday(day))


def _minutes(t: dt.time) -> int:
    return t.hour * 60 + t.minute


def _day_pieces(worker: WorkerTime, day: dt.date) -> Iterable[Piece]:
    """The windows that start on `day` (not clipped to now or any deadline)."""
    if day in worker.days_off:
        return
    weekday = SUNDAY if is_holiday(day) else day.weekday()
    for slot in worker.windows:
        if slot.weekday != weekday:
            continue
        start = dt.datetime.combine(day, slot.start, tzinfo=TOKYO)
        length = _minutes(slot.end) - _minutes(slot.start)
        if length <= 0:  # runs into the next day (an end of 00:00 is midnight)
            length += 24 * 60
        yield Piece(start, start + dt.timedelta(minutes=length))


def _call_label(call: Call) -> str:
    """「平日10:00」, 「土曜14:00」, 「祝日10:00」 — how a person names the time of a call."""
    local = call.starts_at.astimezone(TOKYO)
    day = local.date()
    if is_holiday(day):
        when = _("祝日")
    elif day.weekday() == 5:
        when = _("土曜")
    elif day.weekday() == SUNDAY:
        when = _("日曜")
    else:
        when = _("平日")
    # Japanese writes the day and the time together (平日10:00); English puts a space between them.
    return _("%(day)s%(time)s") % {"day": when, "time": f"{local:%H:%M}"}


def _call_mode_problem(worker: WorkerTime, job: JobNeeds) -> str | None:
    if worker.no_meetings:
        return _("この仕事には通話での打ち合わせがあります。あなたは「打ち合わせなし」を選んでいます")
    modes = job.call_modes or frozenset({"voice", "video"})
    if ("voice" in modes and worker.accepts_voice) or ("video" in modes and worker.accepts_video):
        return None
    if modes == {"voice"}:
        return _("この仕事の打ち合わせは音声通話です。あなたが受けられる連絡の方法に音声通話がありません")
    if modes == {"video"}:
        return _("この仕事の打ち合わせはビデオ通話です。あなたが受けられる連絡の方法にビデオ通話がありません")
    return _("この仕事には通話での打ち合わせがあります。あなたの連絡の方法は文字だけです")


def _place(code: str) -> str:
    return prefectures.name(code) if code in prefectures.BY_CODE else code


def lives_elsewhere(worker: WorkerTime, job: JobNeeds) -> bool:
    """The job has work on site in a prefecture other than the one she said she lives in."""
    return bool(job.onsite_prefecture and worker.prefecture and job.onsite_prefecture != worker.prefecture)


def _onsite_problem(worker: WorkerTime, job: JobNeeds) -> tuple[str | None, str | None]:
    """(a reason she cannot, a reason it is uncertain) for a job with work on site."""
    if not job.onsite_prefecture or job.onsite_prefecture == worker.prefecture:
        return None, None
    place = _place(job.onsite_prefecture)
    if lives_elsewhere(worker, job):
        return _("現地(%(place)s)での作業があります。お住まいの地域と違います") % {"place": place}, None
    return None, _(
        "現地(%(place)s)での作業があります。お住まいの都道府県をプロフィールに登録すると、通えるかどうかを判断できます"
    ) % {"place": place}


def _call_outside(calendar: WorkerCalendar, call: Call) -> bool:
    key = (call.starts_at, call.minutes)
    found = calendar._outside.get(key)
    if found is None:
        found = calendar._outside[key] = _call_outside_uncached(calendar, call)
    return found


def _call_outside_uncached(calendar: WorkerCalendar, call: Call) -> bool:
    start = call.starts_at.astimezone(TOKYO)
    end = start + dt.timedelta(minutes=call.minutes)
    # A window that started the evening before may hold an early-morning call.
    for day in (start.date() - dt.timedelta(days=1), start.date()):
        for piece in calendar.pieces_starting_on(day):
            if piece.start <= start and end <= piece.end:
                return False
    return True


def usable_minutes(calendar: WorkerCalendar, job: JobNeeds) -> int:
    """Minutes of her windows between now and the end of the deadline day that this job can use."""
    block = max(job.min_block_minutes, calendar.worker.min_block_minutes or 0, 1)
    key = (job.deadline, block, job.interruptible)
    found = calendar._usable.get(key)
    if found is None:
        found = calendar._usable[key] = _usable_minutes(calendar, job.deadline, block, job.interruptible)
    return found


def _usable_minutes(calendar: WorkerCalendar, deadline: dt.date, block: int, interruptible: bool) -> int:
    """`_usable_minutes_walk` by whole weeks: the weeks that end before the deadline day do not depend on
    the deadline (a piece is at most a day long, so nothing of theirs reaches past it), so their sums are
    kept per (block, interruptible) and added up once; only the deadline's own week is walked."""
    first = calendar.now.astimezone(TOKYO).date() - dt.timedelta(days=1)
    if not first <= deadline <= first + dt.timedelta(days=MAX_HORIZON_DAYS):
        return _usable_minutes_walk(calendar, deadline, block, interruptible)
    monday = first - dt.timedelta(days=first.weekday())
    week = (deadline - monday).days // 7
    sums = calendar._week_sums.setdefault((block, interruptible), [0])
    while len(sums) <= week:
        start = monday + dt.timedelta(days=7 * (len(sums) - 1))
        sums.append(
            sums[-1] + _week_minutes(calendar, start, deadline=None, block=block, interruptible=interruptible)
        )
    last_week = monday + dt.timedelta(days=7 * week)
    return sums[week] + _week_minutes(
        calendar, last_week, deadline=deadline, block=block, interruptible=interruptible
    )


def _week_minutes(
    calendar: WorkerCalendar, monday: dt.date, *, deadline: dt.date | None, block: int, interruptible: bool
) -> int:
    """One Monday–Sunday week's usable minutes from now (to the end of `deadline`, if given)."""
    worker, now = calendar.worker, calendar.now.astimezone(TOKYO)
    first = now.date() - dt.timedelta(days=1)
    last = deadline or monday + dt.timedelta(days=6)
    end_of_deadline = (
        dt.datetime.combine(deadline + dt.timedelta(days=1), dt.time(0), tzinfo=TOKYO) if deadline else None
    )
    committed = worker.committed_hours_per_week * 60
    # The weekly limit and the committed hours apply to the whole week (Monday–Sunday), also when only
    # part of it lies between now and the deadline.
    usable = whole = 0
    for offset in range(7):
        day = monday + dt.timedelta(days=offset)
        for piece in calendar.pieces_starting_on(day):
            whole += piece.minutes
            if not first <= day <= last:
                continue
            start = max(piece.start, now)
            end = piece.end if end_of_deadline is None else min(piece.end, end_of_deadline)
            length = int((end - start).total_seconds() // 60)
            if length >= block:
                usable += length if interruptible else (length // block) * block
    cap = whole if worker.max_hours_per_week is None else min(whole, worker.max_hours_per_week * 60)
    return int(min(usable, max(0, cap - committed)))


def usable_minutes_many(calendar: WorkerCalendar, keys: list[tuple[dt.date, int, bool]]) -> list[int]:
    """`usable_minutes` for many (deadline, block, interruptible) at once (block already the larger of the
    job's and hers), each equal to `_usable_minutes` (tested) and kept in the calendar's memo. Per (block,
    interruptible) and week, each day's minutes are worked out once — a piece whole, and a piece cut at the
    end of its own day (the deadline's day cuts only the pieces that start on it: a piece is at most a day
    long) — so a deadline costs a sum of at most seven numbers, not a walk over the week's windows."""
    now = calendar.now.astimezone(TOKYO)
    first = now.date() - dt.timedelta(days=1)
    monday0 = first - dt.timedelta(days=first.weekday())
    worker = calendar.worker
    committed = worker.committed_hours_per_week * 60
    # (block, interruptible, week) → (each day's whole minutes, each day's cut minutes, the week's cap)
    weeks: dict[tuple[int, bool, int], tuple[list[int], list[int], float]] = {}
    out: list[int] = []
    for key in keys:
        found = calendar._usable.get(key)
        if found is not None:
            out.append(found)
            continue
        deadline, block, interruptible = key
        if not first <= deadline <= first + dt.timedelta(days=MAX_HORIZON_DAYS):
            found = calendar._usable[key] = _usable_minutes(calendar, deadline, block, interruptible)
            out.append(found)
            continue
        week = (deadline - monday0).days // 7

        def days_of(
            w: int, block: int = block, interruptible: bool = interruptible
        ) -> tuple[list[int], list[int], float]:
            found = weeks.get((block, interruptible, w))
            if found is None:
                found = weeks[(block, interruptible, w)] = _week_days(
                    calendar, monday0 + dt.timedelta(days=7 * w), first, now, block, interruptible
                )
            return found

        sums = calendar._week_sums.setdefault((block, interruptible), [0])
        while len(sums) <= week:
            # A whole week (`_week_minutes` without a deadline): its days' minutes, capped.
            whole_days, _cut, week_cap = days_of(len(sums) - 1)
            sums.append(sums[-1] + int(min(sum(whole_days), max(0, week_cap - committed))))
        days = days_of(week)
        whole, cut, cap = days
        offset = (deadline - monday0).days - 7 * week
        usable = sum(whole[:offset]) + cut[offset]
        found = calendar._usable[key] = sums[week] + int(min(usable, max(0, cap - committed)))
        out.append(found)
    return out


def _week_days(
    calendar: WorkerCalendar,
    monday: dt.date,
    first: dt.date,
    now: dt.datetime,
    block: int,
    interruptible: bool,
) -> tuple[list[int], list[int], float]:
    """For `usable_minutes_many`: each day's usable minutes (pieces starting that day, from now on), whole
    and cut at the end of that day, and the week's cap (its windows' total or her weekly limit)."""
    lengths, total = _week_lengths(calendar, monday, first, now)
    whole_days: list[int] = []
    cut_days: list[int] = []
    for pieces in lengths:
        whole = cut = 0
        for whole_length, cut_length in pieces:
            if whole_length >= block:
                whole += whole_length if interruptible else (whole_length // block) * block
            if cut_length >= block:
                cut += cut_length if interruptible else (cut_length // block) * block
        whole_days.append(whole)
        cut_days.append(cut)
    worker = calendar.worker
    cap = total if worker.max_hours_per_week is None else min(total, worker.max_hours_per_week * 60)
    return whole_days, cut_days, cap


def _week_lengths(
    calendar: WorkerCalendar, monday: dt.date, first: dt.date, now: dt.datetime
) -> tuple[list[list[tuple[int, int]]], int]:
    """Each day's pieces as (minutes from now to the piece's end, minutes from now to the end of its own
    day), and the week's windows in minutes: the same for every block, worked out once per week."""
    found = calendar._lengths.get(monday)
    if found is not None:
        return found
    days: list[list[tuple[int, int]]] = []
    total = 0
    for offset in range(7):
        day = monday + dt.timedelta(days=offset)
        end_of_day = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=TOKYO)
        pieces: list[tuple[int, int]] = []
        for piece in calendar.pieces_starting_on(day):
            total += piece.minutes
            if day < first:
                continue
            start = max(piece.start, now)
            pieces.append(
                (
                    int((piece.end - start).total_seconds() // 60),
                    int((min(piece.end, end_of_day) - start).total_seconds() // 60),
                )
            )
        days.append(pieces)
    found = calendar._lengths[monday] = (days, total)
    return found


def _usable_minutes_walk(calendar: WorkerCalendar, deadline: dt.date, block: int, interruptible: bool) -> int:
    """Day by day from yesterday (a window from last night may still be open) to the deadline."""
    worker, now = calendar.worker, calendar.now.astimezone(TOKYO)
    first = now.date() - dt.timedelta(days=1)  # a window from last night may still be open
    last = min(deadline, first + dt.timedelta(days=MAX_HORIZON_DAYS))
    # The end of the deadline day, or (a deadline past the horizon, up to 9999-12-31) a day after the last
    # day walked, which cuts nothing: a piece is at most a day long.
    end_of_deadline = dt.datetime.combine(
        min(deadline, last + dt.timedelta(days=1)) + dt.timedelta(days=1), dt.time(0), tzinfo=TOKYO
    )
    committed = worker.committed_hours_per_week * 60
    total = 0
    monday = first - dt.timedelta(days=first.weekday())
    while monday <= last:
        # The weekly limit and the committed hours apply to the whole week (Monday–Sunday), also when
        # only part of it lies between now and the deadline.
        usable = whole = 0
        for offset in range(7):
            day = monday + dt.timedelta(days=offset)
            for piece in calendar.pieces_starting_on(day):
                whole += piece.minutes
                if not first <= day <= last:
                    continue
                start, end = max(piece.start, now), min(piece.end, end_of_deadline)
                length = int((end - start).total_seconds() // 60)
                if length >= block:
                    usable += length if interruptible else (length // block) * block
        cap = whole if worker.max_hours_per_week is None else min(whole, worker.max_hours_per_week * 60)
        total += int(min(usable, max(0, cap - committed)))
        monday += dt.timedelta(days=7)
    return total


def assess(
    worker: WorkerTime, job: JobNeeds, now: dt.datetime, *, calendar: WorkerCalendar | None = None
) -> Feasibility:
    """The verdict and its reasons. `calendar` lets a caller reuse one worker's dates across many jobs."""
    calendar = calendar or WorkerCalendar(worker=worker, now=now)
    needed = max(job.effort_minutes, 0)
    today = now.astimezone(TOKYO).date()
    if job.deadline < today:
        return Feasibility(Verdict.CANNOT, (_("納期を過ぎています"),), 0, needed)
    blockers: list[str] = []
    away, unsure = _onsite_problem(worker, job)
    if away:
        blockers.append(away)
    if job.has_calls:
        problem = _call_mode_problem(worker, job)
        if problem:
            blockers.append(problem)
        else:
            outside = sorted(
                {_call_label(c) for c in job.calls if c.starts_at >= now and _call_outside(calendar, c)}
            )
            blockers.extend(
                _("打ち合わせ(%(when)s)があなたの時間帯の外です") % {"when": when} for when in outside
            )
    available = usable_minutes(calendar, job)
    time_reason = calendar._time_reasons.get((available, needed))
    if time_reason is None:
        time_reason = calendar._time_reasons[(available, needed)] = _(
            "締切までに使える時間: %(have)s / 必要: %(need)s"
        ) % {"have": duration_text(available), "need": duration_text(needed)}
    block = max(job.min_block_minutes, worker.min_block_minutes or 0)
    if available < needed and not job.interruptible:
        blockers.append(
            _("途中で中断できない作業で、続けて%(time)s以上の時間が必要です") % {"time": duration_text(block)}
        )
    if blockers:
        return Feasibility(
            Verdict.CANNOT, (*blockers, *filter(None, [unsure]), time_reason), available, needed
        )
    reasons = (unsure, time_reason) if unsure else (time_reason,)
    if available < needed:
        return Feasibility(Verdict.CANNOT, reasons, available, needed)
    if unsure or available < needed * COMFORT_RATIO:
        # Not knowing where she lives, a job on site is at most ぎりぎり (module docstring).
        return Feasibility(Verdict.TIGHT, reasons, available, needed)
    return Feasibility(Verdict.CAN, reasons, available, needed)
