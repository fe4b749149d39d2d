from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.utils.functional import SimpleLazyObject

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
        # Where the language switch sends her back: a plain name, so base.html's header can keep it as a
        # hole of its kept fragment ({% cachefragment … holes %}).
        "here": request.get_full_path(),
    }


def request_token(request: HttpRequest) -> str:
    """The request's CSRF token, masked once: every form on a page carries the same one. (Django masks
    anew on each `get_token` call, 32 random characters each time; a page with a header, ☆ toggles and
    its own forms asked three times.)"""
    token = getattr(request, "_hataraku_csrf_token", None)
    if token is None:
        token = get_token(request)
        request._hataraku_csrf_token = token  # type: ignore[attr-defined]
    return token


def csrf(request: HttpRequest) -> dict[str, Any]:
    """`{{ csrf_token }}` and `{% csrf_token %}` through `request_token` (after Django's own processor, whose
    lazy value then is never read)."""
    return {"csrf_token": SimpleLazyObject(lambda: request_token(request))}
