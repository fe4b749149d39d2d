from __future__ import annotations

from typing import Any

from django import template

from hataraku.core.money import format_yen, format_yen_range

from .. import selectors

register = template.Library()


@register.simple_tag
def proposal_flags(proposal: Any) -> list[str]:
    """`{% proposal_flags p as flags %}`: what the client should notice about this proposal."""
    return selectors.proposal_flags(proposal)


@register.filter
def yen(value: Any) -> str:
    if value is None or value == "":
        return "—"
    return format_yen(int(value))


@register.filter
def yen_range(low: Any, high: Any) -> str:
    """`{{ job.budget_min|yen_range:job.budget_max }}` → ¥12,000〜¥18,000 in the reader's language."""
    return format_yen_range(low, high)
