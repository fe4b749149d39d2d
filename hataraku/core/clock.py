"""The one clock of the platform.

Every piece of code that asks "what time is it?" asks here, never `timezone.now()` directly, so that tests
can set time (auto-acceptance after 7 days, quiet hours, session expiry) without sleeping.
"""

from __future__ import annotations

import datetime as dt
import threading
from zoneinfo import ZoneInfo

from django.utils import timezone

TOKYO = ZoneInfo("Asia/Tokyo")

_state = threading.local()
_global_override: list[dt.datetime | None] = [None]


def now() -> dt.datetime:
    """The current aware datetime (UTC), or the time a test has set."""
    frozen = getattr(_state, "frozen", None) or _global_override[0]
    if frozen is not None:
        return frozen
    return timezone.now()


def local_now() -> dt.datetime:
    return now().astimezone(TOKYO)


def today() -> dt.date:
    """Today's date in Japan, which is the date that matters for deadlines and payment dates."""
    return local_now().date()


def set_time(moment: dt.datetime | None) -> None:
    """Set (or with None, release) the clock for every thread; used by tests and the demo."""
    if moment is not None and timezone.is_naive(moment):
        moment = moment.replace(tzinfo=TOKYO)
    _global_override[0] = moment


def advance(delta: dt.timedelta) -> dt.datetime:
    """Move a set clock forward. Starts from the real time if the clock was not set."""
    moment = now() + delta
    set_time(moment)
    return moment
