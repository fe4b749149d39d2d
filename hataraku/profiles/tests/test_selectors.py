"""Selectors other apps rely on: quiet hours, availability, completeness."""

from __future__ import annotations

import datetime as dt

import pytest

from hataraku.core import clock
from hataraku.profiles import selectors
from hataraku.profiles.selectors import next_allowed_notification_time, quiet_hours_for

from .factories import (
    AvailabilityWindowFactory,
    WorkConditionsFactory,
    WorkerFactory,
    WorkerProfileFactory,
)

pytestmark = pytest.mark.django_db

TOKYO = clock.TOKYO


def test_no_quiet_hours_means_an_empty_list_and_now(frozen_clock):
    # given a worker who set nothing
    user = WorkerFactory.create()
    # then there are no quiet hours and a notification may go at once
    assert quiet_hours_for(user) == []
    assert next_allowed_notification_time(user, clock.now()) == clock.now()


def test_quiet_hours_across_midnight(frozen_clock):
    # given quiet hours 22:00–7:00
    user = WorkConditionsFactory.create(quiet_start=dt.time(22), quiet_end=dt.time(7)).user
    assert quiet_hours_for(user) == [(dt.time(22), dt.time(7))]
    # when asked at 23:30 (Tuesday) / then the answer is Wednesday 7:00 Tokyo, aware
    frozen_clock.set(dt.datetime(2026, 12, 1, 23, 30, tzinfo=TOKYO))
    answer = next_allowed_notification_time(user, clock.now())
    assert answer == dt.datetime(2026, 12, 2, 7, 0, tzinfo=TOKYO)
    assert answer.tzinfo is not None
    # when asked at 6:59 the next morning / then the same day's 7:00
    frozen_clock.set(dt.datetime(2026, 12, 2, 6, 59, tzinfo=TOKYO))
    assert next_allowed_notification_time(user, clock.now()) == dt.datetime(2026, 12, 2, 7, 0, tzinfo=TOKYO)
    # when asked at 7:00 or at the frozen 10:00 / then right away
    at_seven = dt.datetime(2026, 12, 2, 7, 0, tzinfo=TOKYO)
    assert next_allowed_notification_time(user, at_seven) == at_seven


def test_quiet_hours_use_tokyo_wall_clock_whatever_zone_comes_in(frozen_clock):
    # given quiet hours 12:00–13:00 (lunch)
    user = WorkConditionsFactory.create(quiet_start=dt.time(12), quiet_end=dt.time(13)).user
    # when asked at 03:30 UTC, which is 12:30 in Tokyo
    at = dt.datetime(2026, 12, 1, 3, 30, tzinfo=dt.UTC)
    # then the answer is 13:00 Tokyo (04:00 UTC)
    assert next_allowed_notification_time(user, at) == dt.datetime(2026, 12, 1, 4, 0, tzinfo=dt.UTC)


def test_frozen_clock_outside_quiet_hours_returns_at(frozen_clock):
    user = WorkConditionsFactory.create(quiet_start=dt.time(22), quiet_end=dt.time(7)).user
    # the frozen clock is Tuesday 10:00 in Tokyo
    assert next_allowed_notification_time(user, clock.now()) == clock.now()


def test_naive_datetimes_are_refused():
    user = WorkerFactory.create()
    with pytest.raises(ValueError):
        next_allowed_notification_time(user, dt.datetime(2026, 12, 1, 10, 0))


def test_availability_and_weekly_minutes():
    user = WorkerFactory.create()
    AvailabilityWindowFactory.create(
        user=user, weekday=4, start=dt.time(22), end=dt.time(1), crosses_midnight=True
    )
    AvailabilityWindowFactory.create(user=user, weekday=0, start=dt.time(13), end=dt.time(14, 30))
    assert [w.weekday for w in selectors.availability_for(user)] == [0, 4]
    assert selectors.weekly_available_minutes(user) == 270


def test_completeness_counts_ten_items(django_assert_num_queries):
    # given a brand-new worker with only a display name
    user = WorkerFactory.create(display_name="翔太")
    c = selectors.profile_completeness(user)
    assert (c.done, c.total, c.percent) == (1, 10, 10)
    assert "都道府県" in c.missing and "働ける時間帯" in c.missing
    # when they fill the profile (7 items) and add a window
    WorkerProfileFactory.create(user=user)
    AvailabilityWindowFactory.create(user=user)
    with django_assert_num_queries(3):
        c = selectors.profile_completeness(user)
    # then 8 of 10, and the missing list names the last two
    assert c.percent == 80
    assert c.missing == ["1週間に働ける時間の上限", "続けて作業できる最短の時間"]
    WorkConditionsFactory.create(user=user, max_hours_per_week=10, min_block_minutes=30)
    assert selectors.profile_completeness(user).percent == 100
