from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from . import sessions


def site(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    authenticated = bool(user is not None and user.is_authenticated)
    session = getattr(request, "session", None)
    return {
        "site_name": "Hataraku",
        # The seconds really left (the row is refreshed at most once a minute), so the warning is on time.
        "session_timeout_seconds": sessions.seconds_left(session)
        if authenticated and session is not None
        else 0,
        "session_warning_seconds": settings.SESSION_TIMEOUT_WARNING_SECONDS,
    }
