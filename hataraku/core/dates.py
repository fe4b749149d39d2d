"""One rule for every date and time people type: deadlines, delivery dates, milestone due dates, meeting
times, extension dates, date exceptions, transfer dates.

- Not in the past where that makes no sense (a deadline yesterday, a call that already happened). The few
  fields where the past is normal pass `allow_past=True`, which still stops at two years back.
- At most two years ahead of `clock.today()`. Nothing on the platform is planned further out, and the
  limit keeps year 9999 (and year 1) away from date arithmetic that would overflow into a server error.

Forms use `DateField` / `DateTimeField` below; services call `check_date` / `check_datetime`, which raise
`DateOutOfRange` (a `DomainError`, so the API answers 422 in its error shape); both give the same
Japanese message, built by `date_error` / `datetime_error`. No database here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import clock
from .errors import DomainError, ErrorCode

YEARS_AHEAD = 2
YEARS_BACK = 2


class DateOutOfRange(DomainError):
    code = ErrorCode.DATE_OUT_OF_RANGE


def _years_from(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


def latest_allowed() -> dt.date:
    """The last date anyone may enter: two years from today (Japan)."""
    return _years_from(clock.today(), YEARS_AHEAD)


def earliest_allowed(*, allow_past: bool = False) -> dt.date:
    """Today, or two years back for the fields where a past date is normal."""
    today = clock.today()
    return _years_from(today, -YEARS_BACK) if allow_past else today


def _long(day: dt.date) -> str:
    return formats.date_format(day, "DATE_FORMAT")


def date_error(value: dt.date, *, label: str, allow_past: bool = False) -> str | None:
    """The Japanese message for a date outside the rule, or None when it is fine."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if value < earliest_allowed(allow_past=allow_past):
        if allow_past:
            return _("%(label)sは%(earliest)s以降の日付にしてください。") % {
                "label": label,
                "earliest": _long(earliest_allowed(allow_past=True)),
            }
        return _("%(label)sは今日以降の日付にしてください。") % {"label": label}
    if value > latest_allowed():
        return _("%(label)sは%(latest)sまで(今日から2年以内)の日付にしてください。") % {
            "label": label,
            "latest": _long(latest_allowed()),
        }
    return None


def datetime_error(value: dt.datetime, *, label: str) -> str | None:
    """The same rule for a moment (a meeting time): its date in Japan within the range, and not before now.
    A date far outside the range is refused before any conversion between time zones, which is where year 1
    and year 9999 overflow."""
    slack = dt.timedelta(days=1)
    if not earliest_allowed() - slack <= value.date() <= latest_allowed() + slack:
        return date_error(value.date(), label=label)
    local = value.astimezone(clock.TOKYO) if value.tzinfo else value.replace(tzinfo=clock.TOKYO)
    problem = date_error(local.date(), label=label)
    if problem is None and local < clock.now():
        problem = _("%(label)sは今より後の日時にしてください。") % {"label": label}
    return problem


def check_date(value: dt.date, *, label: str, field: str | None = None, allow_past: bool = False) -> None:
    """Raise `DateOutOfRange` with the rule's message (for services; forms get it from `DateField`)."""
    problem = date_error(value, label=label, allow_past=allow_past)
    if problem:
        raise DateOutOfRange(problem, field=field)


def check_datetime(value: dt.datetime, *, label: str, field: str | None = None) -> None:
    problem = datetime_error(value, label=label)
    if problem:
        raise DateOutOfRange(problem, field=field)


# --- forms ---------------------------------------------------------------------------------------------


class DateInput(forms.DateInput):
    """`<input type="date">` whose `min`/`max` follow the rule, worked out when the page is drawn (not when
    the server started), so the browser's date picker offers only dates the form will accept."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None, *, allow_past: bool = False) -> None:
        super().__init__(attrs, format="%Y-%m-%d")
        self.allow_past = allow_past

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        widget_attrs.setdefault("min", earliest_allowed(allow_past=self.allow_past).isoformat())
        widget_attrs.setdefault("max", latest_allowed().isoformat())
        return context


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        widget_attrs.setdefault("min", f"{earliest_allowed().isoformat()}T00:00")
        widget_attrs.setdefault("max", f"{latest_allowed().isoformat()}T23:59")
        return context


def _label(field: forms.Field) -> str:
    return str(field.label) if field.label else _("日付")


class DateField(forms.DateField):
    """A form date that follows the rule, with the same message the services give."""

    def __init__(self, *, allow_past: bool = False, **kwargs: Any) -> None:
        kwargs.setdefault("widget", DateInput(allow_past=allow_past))
        kwargs["error_messages"] = {
            "invalid": gettext_lazy("日付を「2026-12-24」のように入力してください。"),
            **kwargs.get("error_messages", {}),
        }
        super().__init__(**kwargs)
        self.allow_past = allow_past

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value is not None:
            problem = date_error(value, label=_label(self), allow_past=self.allow_past)
            if problem:
                raise forms.ValidationError(problem, code="date_out_of_range")


class DateTimeField(forms.DateTimeField):
    """A form date and time (Japan) that follows the rule and is not in the past."""

    widget = DateTimeInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs["error_messages"] = {
            "invalid": gettext_lazy("日時を「2026-12-24 13:30」のように入力してください。"),
            **kwargs.get("error_messages", {}),
        }
        super().__init__(**kwargs)

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value is not None:
            problem = datetime_error(value, label=_label(self))
            if problem:
                raise forms.ValidationError(problem, code="date_out_of_range")
