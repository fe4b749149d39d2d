"""The idle timeout, refreshed at most once a minute.

Saving the session on every request (SESSION_SAVE_EVERY_REQUEST) rewrote the `django_session` row on every
page view, so on SQLite every signed-in GET took the database's write lock. Instead the session remembers
when its expiry was last pushed out (`REFRESHED_AT`, from the platform clock) and is saved again only when
that is a minute old, or when something else changed it. The expiry can therefore be up to a minute earlier
than "now + SESSION_COOKIE_AGE"; `seconds_left` says exactly when it ends, so the timeout warning
(WCAG 2.2.1) counts down to the real moment rather than an optimistic one.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase

from . import clock

REFRESHED_AT = "_hataraku_refreshed_at"
REFRESH_EVERY_SECONDS = 60


def _age(session: SessionBase) -> float | None:
    """Seconds since the expiry was last pushed out, or None if never (or the clock went back)."""
    refreshed = session.get(REFRESHED_AT)
    if not isinstance(refreshed, (int, float)):
        return None
    age = clock.now().timestamp() - refreshed
    return age if age >= 0 else None


def refresh_due(session: SessionBase) -> bool:
    age = _age(session)
    return age is None or age >= REFRESH_EVERY_SECONDS


def seconds_left(session: SessionBase) -> int:
    """Seconds until this session ends if nothing else happens, counting this response's refresh."""
    age = _age(session)
    if age is None or age >= REFRESH_EVERY_SECONDS or session.modified:
        return settings.SESSION_COOKIE_AGE
    return max(0, int(settings.SESSION_COOKIE_AGE - age))


def mark_refreshed(session: SessionBase) -> None:
    """Record that this response saves the session (and so pushes its expiry out by the full age)."""
    session[REFRESHED_AT] = clock.now().timestamp()
