from __future__ import annotations

import datetime as dt
from typing import Any

from django import template

from hataraku.core.money import format_yen

register = template.Library()


@register.filter
def yen(value: Any) -> str:
    if value is None or value == "":
        return ""
    return format_yen(int(value))


@register.filter
def isodate(value: Any) -> str:
    """Terms store dates as ISO strings; show them as 2026年12月1日."""
    if not value:
        return ""
    day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    return f"{day.year}年{day.month}月{day.day}日"


@register.filter
def hours(minutes: Any) -> str:
    m = int(minutes or 0)
    return f"{m // 60}時間{m % 60:02d}分"


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    """`{{ transfers|get_item:m.escrow_id }}`: a dict lookup by a variable key."""
    return mapping.get(key) if hasattr(mapping, "get") else None
