from __future__ import annotations

from typing import Any

from django import template

from hataraku.core.money import format_yen

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
