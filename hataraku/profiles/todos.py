"""What the profiles app puts on the dashboard (core/todos.py): the next thing to fill in on the profile,
once the basics are there (before that, the first-steps guide asks for them)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from hataraku.accounts.models import User
from hataraku.core import todos
from hataraku.core.todos import Todo

from . import selectors


@todos.source(todos.WORKER, order=80)
def worker_profile_next(user: User) -> list[Todo]:
    profile = selectors.profile_for(user)
    if not selectors.has_profile_basics(profile):
        return []
    completeness = selectors.profile_completeness(user, profile=profile)
    if not completeness.missing:
        return []
    return [
        Todo(
            key="profiles.next_step",
            title=_("プロフィールの次の一歩: 「%(item)s」を入力する(いま %(percent)s%%)")
            % {"item": completeness.missing[0], "percent": completeness.percent},
            url=reverse("profiles:edit"),
        )
    ]
