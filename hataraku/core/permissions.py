"""Role checks for views. A person without the role gets 404, the same answer as for something that
does not exist, so routes do not reveal what is behind them."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest

from .errors import NotFound

F = TypeVar("F", bound=Callable[..., Any])

ROLE_FLAGS = {
    "worker": "is_worker",
    "client": "is_client",
    "municipal": "is_municipal_staff",
    "staff": "is_staff",
}


# Roles that reach other people's special-care data, identity documents or money: a password alone is not
# enough for them (issue 7). Superusers count too, whatever their flags say.
SECOND_FACTOR_ROLES = ("staff", "municipal")


def has_role(user: Any, role: str) -> bool:
    return bool(user is not None and user.is_authenticated and getattr(user, ROLE_FLAGS[role], False))


def needs_second_factor(user: Any) -> bool:
    """True for a person whose session must have used TOTP or a passkey before any page answers them."""
    if user is None or not user.is_authenticated:
        return False
    return bool(getattr(user, "is_superuser", False)) or any(
        has_role(user, role) for role in SECOND_FACTOR_ROLES
    )


def role_required(*roles: str) -> Callable[[F], F]:
    """Log-in required; then at least one of `roles`, else 404."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if not any(has_role(request.user, role) for role in roles):
                raise NotFound()
            return view(request, *args, **kwargs)

        return login_required(wrapped)  # type: ignore[return-value]

    return decorator
