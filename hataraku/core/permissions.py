"""Role checks for views. A person without the role gets 404, the same answer as for something that
does not exist, so routes do not reveal what is behind them."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest

F = TypeVar("F", bound=Callable[..., Any])

ROLE_FLAGS = {
    "worker": "is_worker",
    "client": "is_client",
    "municipal": "is_municipal_staff",
    "staff": "is_staff",
}


def has_role(user: Any, role: str) -> bool:
    return bool(user is not None and user.is_authenticated and getattr(user, ROLE_FLAGS[role], False))


def role_required(*roles: str) -> Callable[[F], F]:
    """Log-in required; then at least one of `roles`, else 404."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if not any(has_role(request.user, role) for role in roles):
                raise Http404
            return view(request, *args, **kwargs)

        return login_required(wrapped)  # type: ignore[return-value]

    return decorator
