from __future__ import annotations

from typing import Any

from django import template

from hataraku.core.money import format_yen

register = template.Library()


@register.filter
def yen(amount: Any) -> str:
    """¥1,234 for an integer amount; empty for None."""
    if amount is None or amount == "":
        return ""
    return format_yen(int(amount))
