"""`unread`: unread message and notification counts for the header (one statement, only when logged in)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .selectors import unread_counts


def unread(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    messages, notices = unread_counts(user)
    return {"unread_messages": messages, "unread_notifications": notices}
