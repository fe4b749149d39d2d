"""The calendar of hourly work, as pure functions shared by the service, the form and the contract page:
which days time may be logged for, when a week closes for logging, and when a submitted week counts as
approved. Nothing here touches the database, so the rules are tested at their boundaries directly.

Weeks run Monday to Sunday on Japan's calendar. Time is logged from the day the contract became active,
never for the future, and only for the current week and the one before it: a week closes for logging at
the end of the following week (its second Sunday) and the tick submits it then, unless the worker
submitted it earlier. The client's acceptance period runs from that submission.
"""

from __future__ import annotations

import datetime as dt

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from hataraku.core.clock import TOKYO

from .constants import LOGGABLE_WEEKS

WEEK = dt.timedelta(days=7)


def week_start_for(day: dt.date) -> dt.date:
    """Weeks are Monday-based, on Japan's calendar (dates here are already Tokyo dates)."""
    return day - dt.timedelta(days=day.weekday())


def local_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone(TOKYO).date()


def logging_closes_on(week_start: dt.date) -> dt.date:
    """The last day time may be logged for the week starting `week_start`: the Sunday of the week after.
    From the next day (a Monday) the tick submits the week."""
    return week_start + dt.timedelta(days=7 * LOGGABLE_WEEKS - 1)


def oldest_open_week(today: dt.date) -> dt.date:
    """The Monday of the oldest week still open for logging today (last week's). Older weeks are closed."""
    return week_start_for(today) - WEEK * (LOGGABLE_WEEKS - 1)


def first_loggable_day(*, activated_on: dt.date | None, today: dt.date) -> dt.date:
    """The earliest work date accepted today: the Monday of last week, or the activation day if later.
    A contract without a recorded activation accepts only today (never a guess into the past)."""
    earliest = oldest_open_week(today)
    if activated_on is None:
        return today
    return max(earliest, activated_on)


def loggable_weeks(*, activated_on: dt.date | None, today: dt.date) -> list[dt.date]:
    """Monday of each week time may still be logged for, oldest first (at most this week and last week)."""
    first = first_loggable_day(activated_on=activated_on, today=today)
    if first > today:
        return []
    start = week_start_for(first)
    weeks = []
    while start <= today:
        weeks.append(start)
        start += WEEK
    return weeks


def work_date_error(*, work_date: dt.date, activated_on: dt.date | None, today: dt.date) -> str | None:
    """Why time cannot be logged for `work_date` today, in words for the worker; None when it can. The
    week's own state (already submitted) is checked by the service, which holds the row."""
    if work_date > today:
        return _("未来の日付の作業は記録できません。今日(%(today)s)までの日付を入力してください。") % {
            "today": date_format(today, "DATE_FORMAT")
        }
    if activated_on is None or work_date < activated_on:
        start = activated_on or today
        return _(
            "この契約が始まった日(%(start)s)より前の作業は記録できません。%(start)s以降の日付を入力してください。"
        ) % {"start": date_format(start, "DATE_FORMAT")}
    earliest = first_loggable_day(activated_on=activated_on, today=today)
    if work_date < earliest:
        return _(
            "記録できるのは今週と先週(%(from)s以降)の作業だけです。"
            "それより前の週を直したいときは、その週の「作業時間の修正を申し出る」からクライアントに承諾をお願いしてください。"
        ) % {"from": date_format(earliest, "DATE_FORMAT")}
    return None


def auto_approve_at(*, submitted_at: dt.datetime, acceptance_days: int) -> dt.datetime:
    """The moment a submitted week the client left unanswered counts as approved: the full acceptance
    period after submission, to the minute (as a milestone's 検収期間 runs from delivery)."""
    return submitted_at + dt.timedelta(days=acceptance_days)
