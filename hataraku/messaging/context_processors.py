"""`unread`: unread message and notification counts for the header (two queries, only when logged in)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .selectors import unread_message_count, unread_notification_count


def unread(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "unread_messages": unread_message_count(user),
        "unread_notifications": unread_notification_count(user),
    }
