"""Second-factor helpers for tests: staff and municipal sessions need TOTP (issue 7, item 3)."""

from __future__ import annotations

import time
from typing import Any

from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.account.internal.flows.login import _AUTHENTICATION_METHODS_USER_SESSION_KEY
from allauth.account.internal.userkit import user_id_to_str
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from allauth.mfa.utils import decrypt
from django.core.cache import cache

from hataraku.core import clock
from hataraku.core.permissions import needs_second_factor


def ensure_totp(user: Any) -> Authenticator:
    """The person's TOTP authenticator, made on first use."""
    existing = Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).first()
    return existing or TOTP.activate(user, generate_totp_secret()).instance


def totp_secret(user: Any) -> str:
    return decrypt(ensure_totp(user).data["secret"])


def totp_code(user: Any, *, unused: bool = True) -> str:
    """A code the authenticator app would show now. allauth refuses a code already used in the tolerance
    window, so by default this picks one of the window's codes that has not been used yet."""
    authenticator = ensure_totp(user)
    secret = decrypt(authenticator.data["secret"])
    counter = int(time.time()) // mfa_settings.TOTP_PERIOD
    offsets = [0, *(o for t in range(1, mfa_settings.TOTP_TOLERANCE + 1) for o in (t, -t))]
    wrapper = TOTP(authenticator)
    for offset in offsets:
        code = format_hotp_value(hotp_value(secret, counter + offset))
        if not unused or cache.get(wrapper._get_used_cache_key(code)) is None:
            return code
    raise AssertionError("every code of this 30-second window was already used; log in once per window")


def login_with_mfa(client: Any, user: Any, *, seconds_ago: float = 0) -> Any:
    """Log `user` in on the Django test client as allauth records a log-in with password and TOTP code:
    the person has a TOTP authenticator, and the session's authentication records say that it was used
    `seconds_ago` seconds ago (by the platform clock). Use this for staff and municipal people; a plain
    `force_login` leaves their session without a second factor, so every page sends them to set one up."""
    authenticator = ensure_totp(user)
    client.force_login(user)
    at = clock.now().timestamp() - seconds_ago
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": at, "email": user.email},
        {"method": "mfa", "at": at, "id": authenticator.pk, "type": Authenticator.Type.TOTP},
    ]
    session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = user_id_to_str(user)
    session.save()
    return user


def login_as(client: Any, user: Any) -> Any:
    """Log anyone in on the test client: workers and clients with `force_login`, staff and municipal people
    as after password and TOTP code (`login_with_mfa`), which is how their sessions always look."""
    if needs_second_factor(user):
        return login_with_mfa(client, user)
    client.force_login(user)
    return user
