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
    secret = request.META.get("CSRF_COOKIE")
    kept = getattr(request, "_hataraku_csrf_token", None)
    if kept is not None and kept[0] == secret:
        return str(kept[1])
    token = get_token(request)
    # Kept with the secret it masks: a log-in later in the same request rotates the secret, and then the
    # next form gets a token of the new one.
    request._hataraku_csrf_token = (request.META.get("CSRF_COOKIE"), token)  # type: ignore[attr-defined]
    return token


def csrf(request: HttpRequest) -> dict[str, Any]:
    """`{{ csrf_token }}` and `{% csrf_token %}` through `request_token` (after Django's own processor, whose
    lazy value then is never read)."""
    return {"csrf_token": SimpleLazyObject(lambda: request_token(request))}
