"""`{% explain "acceptance" "escrow" %}`: a short explanation of words of the trade where a page first uses
them (hataraku.core.glossary)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext

from hataraku.core.glossary import terms

register = template.Library()


@register.inclusion_tag("core/_explain.html")
def explain(*keys: str) -> dict[str, Any]:
    found = terms(*keys)
    # 「検収」「仮払い」 in Japanese; “Acceptance” “Escrow” in English (the quote carries its own spacing).
    words = "".join(gettext("「%(word)s」") % {"word": term.word} for term in found).strip()
    return {"terms": found, "words": words}
