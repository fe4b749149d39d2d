from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils.formats import date_format

from hataraku.core.durations import duration_text
from hataraku.core.money import format_yen

register = template.Library()


@register.filter
def yen(value: Any) -> str:
    if value is None or value == "":
        return ""
    return format_yen(int(value))


@register.filter
def isodate(value: Any) -> str:
    """Terms store dates as ISO strings; show them with DATE_FORMAT (2026年12月1日 / Dec 1, 2026)."""
    if not value:
        return ""
    day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    return date_format(day, "DATE_FORMAT")


@register.filter
def hours(minutes: Any) -> str:
    """Minutes worked, in the reader's language (core.durations)."""
    return duration_text(int(minutes or 0))


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    """`{{ transfers|get_item:m.escrow_id }}`: a dict lookup by a variable key."""
    return mapping.get(key) if hasattr(mapping, "get") else None
