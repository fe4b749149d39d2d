"""Lengths of time in the reader's language — the one place that says 「5時間15分」 / "5 h 15 min".

Every page, notice and summary that shows minutes or hours calls `duration_text` (in templates the
`duration` filter, core/templatetags/words.py); a weekly amount is `per_week`."""

from __future__ import annotations

from django.utils.formats import number_format
from django.utils.translation import gettext as _


def duration_text(minutes: float | int | None) -> str:
    """12時間 / 1時間30分 / 45分 (English: 12 h / 1 h 30 min / 45 min). Rounded to the minute."""
    total = max(0, round(minutes or 0))
    hours, rest = divmod(int(total), 60)
    h, m = number_format(hours, force_grouping=True), number_format(rest)
    if hours and rest:
        return _("%(h)s時間%(m)s分") % {"h": h, "m": m}
    if rest or not hours:
        return _("%(m)s分") % {"m": m}
    return _("%(h)s時間") % {"h": h}


def per_week(minutes: float | int | None) -> str:
    """週15時間 / 週3時間30分 (English: 15 h a week)."""
    return _("週%(time)s") % {"time": duration_text(minutes)}
