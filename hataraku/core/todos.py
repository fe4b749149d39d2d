"""The dashboard's to-do list: every app says what its people have to do next, and core names no app.

An installed `hataraku.*` app may have a `todos.py` whose functions are registered for a role:

    @todos.source(todos.WORKER, order=10)
    def deliveries_returned(user: User) -> list[todos.Todo]:
        ...

A source is a selector: it reads and never writes (the dashboard is a GET), it returns only the person's
own items (a worker never sees another worker's to-do), and it is cheap — a query or two, a count and the
oldest row or a short list with its `select_related`, never one query per item. A source that has nothing
to say returns an empty list; staff queues always return their one line, with a count of 0 when empty.

A **panel** is a block with its own template (the new worker's first steps): `@todos.panel(role, template=…)`
on a function that returns `Show(context)` — above the lists, or at the foot of the role's card with
`at_top=False` (a way back to a guide she closed) — or None when there is nothing to show. The template
reads its context as `panel.context`.

`CoreConfig.ready` imports every app's `todos.py` (like `privacy.py`, `notices.py` and `handlers.py`),
so a later app adds its to-dos by adding that one module.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.urls import reverse
from django.utils.functional import Promise

from . import clock
from .discovery import import_app_modules

WORKER = "worker"
CLIENT = "client"
STAFF = "staff"
MUNICIPAL = "municipal"
ROLES = (WORKER, CLIENT, MUNICIPAL, STAFF)

# Which flag of the user says they hold each role (accounts.User; core cannot import it).
_ROLE_FLAG = {WORKER: "is_worker", CLIENT: "is_client", MUNICIPAL: "is_municipal_staff", STAFF: "is_staff"}


@dataclass(frozen=True)
class Todo:
    """One line of the list: what to do, where, and the date that matters for it.

    `key` is stable (`"<app>.<what>"`) for tests and the page's `data-todo` attribute; `title` is already
    in the reader's language; `when` is a date or an aware datetime, described by `when_label`
    (「納期」, 「自動で検収される日」, 「いちばん古いもの」); `count` > 1 says the line stands for several
    rows (a queue, proposals on one job); `urgent` marks a date that has passed or is very near, said
    in words by the template as well (never by colour alone)."""

    key: str
    title: str | Promise
    url: str
    when: dt.date | dt.datetime | None = None
    when_label: str | Promise = ""
    detail: str | Promise = ""
    count: int = 1
    urgent: bool = False

    @property
    def has_time(self) -> bool:
        """A moment (shown with its time: an automatic acceptance at 16:00) rather than a day."""
        return isinstance(self.when, dt.datetime)


@dataclass(frozen=True)
class Show:
    """What a panel source answers when it has something to show."""

    context: dict[str, Any] = field(default_factory=dict)
    at_top: bool = True


@dataclass(frozen=True)
class Panel:
    key: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    at_top: bool = True


Source = Callable[[Any], Sequence[Todo]]
PanelSource = Callable[[Any], Show | None]
S = TypeVar("S", bound=Source)
P = TypeVar("P", bound=PanelSource)


@dataclass(frozen=True)
class _Registered:
    role: str
    order: int
    name: str
    fn: Callable[[Any], Any]
    template: str = ""


_SOURCES: dict[str, _Registered] = {}
_PANELS: dict[str, _Registered] = {}


def _name(fn: Callable[..., Any]) -> str:
    return f"{fn.__module__}.{fn.__qualname__}"


def source(role: str, *, order: int = 50) -> Callable[[S], S]:
    """Register `fn(user) -> list[Todo]` for `role`; lower `order` comes first in the role's list."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")

    def register(fn: S) -> S:
        name = _name(fn)
        _SOURCES[name] = _Registered(role=role, order=order, name=name, fn=fn)
        return fn

    return register


def panel(role: str, *, template: str, order: int = 50) -> Callable[[P], P]:
    """Register `fn(user) -> Show | None`: the context of `template` and where it goes."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")

    def register(fn: P) -> P:
        name = _name(fn)
        _PANELS[name] = _Registered(role=role, order=order, name=name, fn=fn, template=template)
        return fn

    return register


def roles_of(user: Any) -> list[str]:
    return [role for role in ROLES if getattr(user, _ROLE_FLAG[role], False)]


def sources(role: str) -> list[Callable[[Any], Sequence[Todo]]]:
    return [r.fn for r in sorted(_SOURCES.values(), key=lambda r: (r.order, r.name)) if r.role == role]


def todos_for(user: Any, role: str) -> list[Todo]:
    """Every registered source's items for `user` in `role` (empty for a role the user does not hold)."""
    if role not in roles_of(user):
        return []
    items: list[Todo] = []
    for fn in sources(role):
        items.extend(fn(user))
    return items


def panels_for(user: Any, role: str) -> list[Panel]:
    if role not in roles_of(user):
        return []
    found: list[Panel] = []
    for r in sorted(_PANELS.values(), key=lambda r: (r.order, r.name)):
        if r.role != role:
            continue
        shown = r.fn(user)
        if shown is not None:
            found.append(Panel(key=r.name, template=r.template, context=shown.context, at_top=shown.at_top))
    return found


# --- grouping: a long list read as a few headed groups ---------------------------------------------------
# A client with many jobs can have dozens of lines. The dashboard shows them by kind (「確かめる納品 (3)」),
# the most urgent and the oldest first, at most GROUP_LIMIT lines per kind and a 「すべて見る」 link to the
# page that lists them all. An app names its kinds next to its sources:
#
#     todos.kind("contracts.delivery_to_inspect", label=_("確かめる納品"), more_url="contracts:list")

GROUP_LIMIT = 3


@dataclass(frozen=True)
class Kind:
    label: str | Promise
    more_url: str = ""  # a URL name without arguments: the page with every line of this kind


@dataclass(frozen=True)
class Group:
    key: str
    label: str | Promise
    items: list[Todo]
    lines: int  # how many lines the kind has (only the first GROUP_LIMIT are in `items`)
    total: int  # how many things they stand for (a line may stand for several proposals)
    more_url: str = ""

    @property
    def hidden(self) -> int:
        return self.lines - len(self.items)


_KINDS: dict[str, Kind] = {}


def kind(key: str, *, label: str | Promise, more_url: str = "") -> None:
    """Name the kind of line `key` for the grouped list (its heading and its 「すべて見る」 page)."""
    _KINDS[key] = Kind(label=label, more_url=more_url)


def _moment(item: Todo) -> dt.datetime:
    when = item.when
    if isinstance(when, dt.datetime):
        return when.astimezone(dt.UTC)
    if isinstance(when, dt.date):
        return dt.datetime.combine(when, dt.time.min, tzinfo=clock.TOKYO).astimezone(dt.UTC)
    return dt.datetime.max.replace(tzinfo=dt.UTC)


def _first(item: Todo) -> tuple[bool, dt.datetime]:
    # urgent lines first, then the nearest date (a due day, or the oldest waiting item); undated last
    return (not item.urgent, _moment(item))


def grouped(items: Sequence[Todo], *, limit: int = GROUP_LIMIT) -> list[Group]:
    """`items` by kind (lines of a kind nobody named stay alone, under their own title), each kind's
    lines most urgent and oldest first, kinds ordered by their first line."""
    by_kind: dict[str, list[Todo]] = {}
    for item in items:
        by_kind.setdefault(item.key if item.key in _KINDS else f"{item.key}#{len(by_kind)}", []).append(item)
    groups = []
    for key, lines in by_kind.items():
        lines = sorted(lines, key=_first)
        named = _KINDS.get(key)
        groups.append(
            Group(
                key=key,
                label=named.label if named else "",
                items=lines[:limit],
                lines=len(lines),
                total=sum(max(i.count, 1) for i in lines),
                more_url=reverse(named.more_url) if named and named.more_url and len(lines) > limit else "",
            )
        )
    return sorted(groups, key=lambda g: _first(g.items[0]))


def todo_modules() -> list[str]:
    """Import every installed hataraku app's `todos` module, so its sources register (CoreConfig.ready)."""
    return import_app_modules("todos")
