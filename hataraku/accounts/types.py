"""Types the other apps' views and services name."""

from __future__ import annotations

from django.http import HttpRequest

from .models import User


class AuthedRequest(HttpRequest):
    """A request behind `login_required` / `role_required`: its user is a real account (never anonymous).
    Views so decorated take `request: AuthedRequest`, so `request.user` is a `User` for the services."""

    user: User
