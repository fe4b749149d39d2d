from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    authenticated = bool(user is not None and user.is_authenticated)
    return {
        "site_name": "Hataraku",
        "session_timeout_seconds": settings.SESSION_COOKIE_AGE if authenticated else 0,
        "session_warning_seconds": settings.SESSION_TIMEOUT_WARNING_SECONDS,
    }
