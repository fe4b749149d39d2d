"""When an alert may reach her: at once or at her digest hour, and never inside her quiet hours (both are
her own settings, owned by messaging and profiles; the rules are theirs, not copied here)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hataraku.messaging.constants import EmailMode
from hataraku.messaging.notifications import next_digest_time, preference_for
from hataraku.profiles.selectors import next_allowed_notification_time

from .constants import Frequency


def due_for(search: Any, found_at: dt.datetime) -> dt.datetime:
    """When jobs found at `found_at` for `search` may be told: a daily search waits for her digest hour
    (お知らせの設定, 8:00 unless she chose another); either way the end of her quiet hours."""
    due = found_at
    if search.frequency == Frequency.DAILY:
        _mode, hour = preference_for(search.worker)
        due = next_digest_time(found_at, hour)
    return next_allowed_notification_time(search.worker, due)


def quiet_now(user: Any, now: dt.datetime) -> bool:
    """She is inside her quiet hours at `now` (set since the alert was scheduled, perhaps): wait."""
    return next_allowed_notification_time(user, now) > now


def email_allowed(user: Any) -> bool:
    """E-mail may go to her at all: an active account with an address, and she has not turned every
    e-mail off in お知らせの設定 (that wins over a saved search's own choice)."""
    if not getattr(user, "is_active", False) or getattr(user, "deleted_at", None) or not user.email:
        return False
    mode, _hour = preference_for(user)
    return mode != EmailMode.OFF
