"""Issue 7 item 8: one rule for every date — not in the past where that makes no sense, at most two years
ahead — with the same Japanese message in forms, services and the API."""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms
from django.utils import translation
from ninja import NinjaAPI
from ninja.testing import TestClient

from config.api_errors import install_error_handlers
from hataraku.core import clock, dates
from hataraku.core.errors import DomainError

# frozen_clock: Tuesday 2026-12-01 10:00 in Tokyo.
TODAY = dt.date(2026, 12, 1)
YESTERDAY = TODAY - dt.timedelta(days=1)
LAST_ALLOWED = dt.date(2028, 12, 1)
TWO_YEARS_AND_A_DAY = dt.date(2028, 12, 2)


class _Form(forms.Form):
    day = dates.DateField(label="納期")
    past_ok = dates.DateField(label="記録日", allow_past=True, required=False)
    moment = dates.DateTimeField(label="通話の日時", required=False)


@pytest.fixture(autouse=True)
def _japanese(frozen_clock):  # type: ignore[no-untyped-def]
    with translation.override("ja"):
        yield frozen_clock


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (dt.date(1, 1, 1), "納期は今日以降の日付にしてください。"),
        (YESTERDAY, "納期は今日以降の日付にしてください。"),
        (TODAY, None),
        (LAST_ALLOWED, None),
        (TWO_YEARS_AND_A_DAY, "納期は2028年12月1日まで(今日から2年以内)の日付にしてください。"),
        (dt.date(9999, 12, 31), "納期は2028年12月1日まで(今日から2年以内)の日付にしてください。"),
    ],
)
def test_one_rule_one_message_for_forms_and_services(value: dt.date, message: str | None) -> None:
    # given a date a person typed
    # when the form and the service each check it
    form = _Form(data={"day": value.isoformat()})
    form_errors = form.errors.get("day")
    try:
        dates.check_date(value, label="納期", field="deadline")
        service_message = None
    except dates.DateOutOfRange as exc:
        service_message = exc.message
        assert exc.field == "deadline" and exc.code == "date_out_of_range"
        assert isinstance(exc, DomainError)  # so the API answers 422 in its error shape

    # then both accept it, or both refuse it with the same kind Japanese message
    assert service_message == message
    assert (form_errors[0] if form_errors else None) == message


def test_past_dates_are_allowed_only_where_asked_and_only_two_years_back() -> None:
    # given a field where a past date is normal
    # when last month, exactly two years back and year 1 are typed
    ok = _Form(data={"day": TODAY.isoformat(), "past_ok": "2026-11-01"})
    edge = _Form(data={"day": TODAY.isoformat(), "past_ok": "2024-12-01"})
    ancient = _Form(data={"day": TODAY.isoformat(), "past_ok": "0001-01-01"})

    # then last month and the edge pass; year 1 gets the rule's message
    assert ok.is_valid() and edge.is_valid()
    assert ancient.errors["past_ok"] == ["記録日は2024年12月1日以降の日付にしてください。"]


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("0001-01-01T00:00", "通話の日時は今日以降の日付にしてください。"),
        ("9999-12-31T23:59", "通話の日時は2028年12月1日まで(今日から2年以内)の日付にしてください。"),
        ("2026-12-01T09:00", "通話の日時は今より後の日時にしてください。"),
        ("2026-12-01T11:00", None),
        ("2028-12-01T23:30", None),
        ("2028-12-02T00:00", "通話の日時は2028年12月1日まで(今日から2年以内)の日付にしてください。"),
        ("2026-13-01T10:00", "日時を「2026-12-24 13:30」のように入力してください。"),
    ],
)
def test_meeting_times_follow_the_rule_without_overflowing(typed: str, message: str | None) -> None:
    # given a meeting time typed in Japan's time
    form = _Form(data={"day": TODAY.isoformat(), "moment": typed})

    # when the form is checked
    errors = form.errors.get("moment")

    # then the first and last years never overflow, and an hour ago counts as past
    assert (errors[0] if errors else None) == message


def test_a_utc_moment_from_a_service_caller_is_judged_in_japan() -> None:
    # given 23:30 UTC on 30 November, which is 08:30 on 1 December in Tokyo (before the frozen 10:00)
    moment = dt.datetime(2026, 11, 30, 23, 30, tzinfo=dt.UTC)

    # when a service checks it
    # then it is in the past, with the rule's message
    with pytest.raises(dates.DateOutOfRange, match="今より後の日時"):
        dates.check_datetime(moment, label="通話の日時")
    dates.check_datetime(clock.now() + dt.timedelta(minutes=1), label="通話の日時")


def test_unparseable_dates_get_a_kind_example() -> None:
    form = _Form(data={"day": "10000-01-01"})
    assert form.errors["day"] == ["日付を「2026-12-24」のように入力してください。"]


def test_the_date_picker_offers_only_dates_the_form_accepts(frozen_clock) -> None:  # type: ignore[no-untyped-def]
    # given the form drawn today
    html = str(_Form()["day"])
    assert 'min="2026-12-01"' in html and 'max="2028-12-01"' in html

    # when the clock moves on a day (a long-running server)
    frozen_clock.advance(dt.timedelta(days=1))

    # then the bounds move with it
    html = str(_Form()["day"])
    assert 'min="2026-12-02"' in html and 'max="2028-12-02"' in html
    assert 'min="2024-12-02"' in str(_Form()["past_ok"])


def test_29_february_two_years_on_is_28_february(frozen_clock) -> None:  # type: ignore[no-untyped-def]
    frozen_clock.set(dt.datetime(2028, 2, 29, 12, 0, tzinfo=clock.TOKYO))
    assert dates.latest_allowed() == dt.date(2030, 2, 28)
    assert dates.earliest_allowed(allow_past=True) == dt.date(2026, 2, 28)


@pytest.mark.parametrize(
    ("day", "status", "detail"),
    [
        ("0001-01-01", 422, "期日は今日以降の日付にしてください。"),
        ("9999-12-31", 422, "期日は2028年12月1日まで(今日から2年以内)の日付にしてください。"),
        ("2026-12-01", 200, None),
    ],
)
def test_the_api_answers_the_same_message_in_its_error_shape(
    day: str, status: int, detail: str | None
) -> None:
    # given an API operation that takes a date and passes it to a service (no API operation takes one yet;
    # this is how one will: the schema parses, the service checks, the API's handlers answer)
    api = NinjaAPI(urls_namespace="test-dates")
    install_error_handlers(api)

    @api.get("/due")
    def due(request, day: dt.date):  # type: ignore[no-untyped-def]
        dates.check_date(day, label="期日", field="day")
        return {"day": day.isoformat()}

    # when year 1, year 9999 or today is sent
    response = TestClient(api).get(f"/due?day={day}")

    # then a bad date is a 422 {"detail", "code"} with the forms' message; today is fine
    assert response.status_code == status
    if detail:
        assert response.json() == {"detail": detail, "code": "date_out_of_range"}
