"""Authentication backends: Django's and allauth's, with the one read every signed-in request makes — the
user row behind the session — done through SQL built once per process (`core.compiled`). Building
`User.objects.get(pk=…)` through the ORM cost more CPU than the indexed lookup itself (issue 9, item 4);
everything else (log-in by e-mail and password, permissions) is the parent backends' own.

AUTHENTICATION_BACKENDS names these two instead of the parents, so a session stored with a parent's path
(before this change) is simply signed out once."""

from __future__ import annotations

from typing import Any

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend

from hataraku.core.compiled import arg, compiled

from .models import User

_FIELDS = tuple(f.attname for f in User._meta.concrete_fields)


def user_by_id(user_id: Any) -> User | None:
    """The user with this primary key (as the session stores it: an int or its text), or None."""
    try:
        pk = int(user_id)
    except (TypeError, ValueError):
        return None
    read = compiled(
        ("accounts.user_by_id",), lambda: User._default_manager.filter(pk=arg(0)).values_list(*_FIELDS)
    )
    rows = read.rows(pk)
    if not rows:
        return None
    return User.from_db(read.using, list(_FIELDS), rows[0])


class _CompiledGetUser:
    def get_user(self, user_id: Any) -> User | None:
        user = user_by_id(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None  # type: ignore[attr-defined]


class ModelBackend(_CompiledGetUser, DjangoModelBackend):
    pass


class AuthenticationBackend(_CompiledGetUser, AllauthBackend):
    pass
