"""The second factor for staff and municipal sessions (issue 7, item 3).

allauth already keeps, in the session, a record of every way this person proved who they are ("password",
"mfa" with the authenticator's type, "reauthenticated" when asked again). We read those records rather than
keeping a flag of our own, so that allauth's log-in, reauthentication and passkey flows are the only doors.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from allauth.account.authentication import get_authentication_records
from allauth.account.internal.flows.login import record_authentication
from allauth.core.exceptions import ReauthenticationRequired
from allauth.mfa.models import Authenticator
from django.http import HttpRequest

from hataraku.core import clock
from hataraku.core.permissions import needs_second_factor

F = TypeVar("F", bound=Callable[..., Any])

# Authenticators that are a second factor on their own; recovery codes only stand in for a lost one.
SECOND_FACTOR_TYPES = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)
# How recent the second factor must be before revealing special-care data, identity documents, confirming
# a transfer or producing a payout file: five minutes, the same window allauth uses for reauthentication.
RECENT_MFA_SECONDS = 5 * 60


def has_second_factor(user: Any) -> bool:
    return Authenticator.objects.filter(user_id=user.pk, type__in=SECOND_FACTOR_TYPES).exists()


def _second_factor_records(request: HttpRequest) -> list[dict[str, Any]]:
    return [r for r in get_authentication_records(request, request.user) if r.get("method") == "mfa"]


def session_used_second_factor(request: HttpRequest) -> bool:
    """Did this session prove a second factor (at log-in, on reauthentication, or when setting one up)?"""
    return bool(_second_factor_records(request))


def second_factor_age(request: HttpRequest) -> float | None:
    """Seconds since this session last proved a second factor, or None if it never did."""
    records = _second_factor_records(request)
    if not records:
        return None
    return clock.now().timestamp() - max(float(r.get("at", 0)) for r in records)


def recent_mfa_required(view: F | None = None, *, max_age: int = RECENT_MFA_SECONDS) -> Any:
    """Ask for the authenticator code (or passkey) again unless this session proved it in the last
    `max_age` seconds. allauth keeps a POST that was interrupted and replays it after the code is entered,
    so nothing typed is lost. Put it under `role_required(...)`: the role decides first, with a 404."""

    def decorator(func: F) -> F:
        @wraps(func)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            age = second_factor_age(request) if request.user.is_authenticated else None
            if age is None or age >= max_age:
                # allauth's middleware keeps the request and sends the person to the first reauthentication
                # method our adapter offers, which for these roles is the second factor only.
                raise ReauthenticationRequired()
            return func(request, *args, **kwargs)

        return wrapped  # type: ignore[return-value]

    if view is not None:
        return decorator(view)
    return decorator


__all__ = [
    "RECENT_MFA_SECONDS",
    "has_second_factor",
    "needs_second_factor",
    "recent_mfa_required",
    "second_factor_age",
    "session_used_second_factor",
]


def record_setup_as_second_factor(
    sender: Any, request: HttpRequest | None, user: Any, authenticator: Authenticator, **kwargs: Any
) -> None:
    """Setting up the first TOTP or passkey proves the person holds it (they typed its code or touched the
    key), so the session counts as having used it and the set-up ends where they were going, without a
    second log-in. Only the first: once an authenticator exists, adding another needs a session that used
    one, which the middleware already demands."""
    if request is None or authenticator.type not in SECOND_FACTOR_TYPES:
        return
    others = Authenticator.objects.filter(user_id=user.pk, type__in=SECOND_FACTOR_TYPES).exclude(
        pk=authenticator.pk
    )
    if others.exists() and not session_used_second_factor(request):
        return
    record_authentication(request, user, "mfa", id=authenticator.pk, type=authenticator.type, setup=True)
