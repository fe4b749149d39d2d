"""`{{ job.title|ja }}`: a person's words, marked `lang="ja"` on a page in another language
(core/words.py). A builtin (settings TEMPLATES), so every template can use it without `{% load %}`."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import normalize_newlines

from hataraku.core.durations import duration_text
from hataraku.core.words import theirs

register = template.Library()


@register.filter
def ja(value: Any) -> Any:
    return theirs(value)


@register.filter(needs_autoescape=True)
def phrase_lines(value: Any, autoescape: bool = True) -> SafeString:
    """`linebreaksbr` that keeps a phrase's `lang` marks (Django's escapes the plain text again)."""
    html = str(conditional_escape(value)) if autoescape else str(value)
    return mark_safe(normalize_newlines(html).replace("\n", "<br>"))  # noqa: S308 - escaped above


@register.filter
def duration(value: Any, unit: str = "minutes") -> str:
    """`{{ m|duration }}` minutes, `{{ h|duration:"hours" }}` hours → 「5時間15分」 / "5 h 15 min"."""
    if value is None or value == "":
        return ""
    return duration_text(float(value) * (60 if unit == "hours" else 1))
