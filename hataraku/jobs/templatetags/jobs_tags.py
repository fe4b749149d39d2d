from __future__ import annotations

from typing import Any

from django import template

from hataraku.core.money import format_yen

register = template.Library()


@register.filter
def yen(value: Any) -> str:
    if value is None or value == "":
        return "—"
    return format_yen(int(value))
