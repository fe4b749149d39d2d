"""Domain events: an app says what happened; other apps react after the transaction commits.

A service announces an event inside its own transaction:

    events.announce(FundingPosted(escrow_id=..., reference="milestone:12", ...))

and the handlers subscribed to that event type run once that transaction commits
(`transaction.on_commit`, in this process). If the transaction rolls back, nothing was announced. A
handler that writes opens its own transaction (it calls a service, whose `transaction.atomic` locks and
re-checks); `_run` opens none for it, so a handler with nothing to do costs no transaction (on SQLite an
empty atomic block still sends `BEGIN IMMEDIATE` and takes the write lock). Handlers are registered at start-up: every installed `hataraku.*` app may have a
`handlers.py` module whose import subscribes them (found the way `privacy.py` modules are found;
`CoreConfig.ready` imports them), so the announcing app never imports the apps that listen.

Event types are frozen dataclasses defined by the app that announces them (`ledger/events.py`,
`jobs/events.py`, `contracts/events.py`); they carry ids and plain values, never model instances, so a
handler reads the committed state itself.

Handlers must be idempotent: the clock's reconciliation (`core/periodic.py`) does the same work again for
anything a failed handler left undone, so a handler that raises is logged and skipped (the other handlers
and the request still succeed) and the next tick catches up. No money is ever moved by a handler that the
ledger's idempotency keys would not also refuse to move twice.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

from django.db import transaction

from .discovery import import_app_modules

logger = logging.getLogger(__name__)


class Event:
    """Base of every domain event (subclasses are `@dataclass(frozen=True)`)."""


E = TypeVar("E", bound=Event)
Handler = Callable[[Any], None]

_HANDLERS: dict[type[Event], list[Handler]] = defaultdict(list)


def subscribe(event_type: type[E], handler: Callable[[E], None]) -> Callable[[E], None]:
    """Run `handler(event)` after commit whenever an `event_type` is announced. Subscribing the same
    handler twice keeps one."""
    if handler not in _HANDLERS[event_type]:
        _HANDLERS[event_type].append(handler)
    return handler


def handles(event_type: type[E]) -> Callable[[Callable[[E], None]], Callable[[E], None]]:
    """Decorator form of `subscribe`, for an app's `handlers.py`."""
    return partial(subscribe, event_type)


def handlers_for(event_type: type[Event]) -> list[Handler]:
    return list(_HANDLERS.get(event_type, ()))


def _run(handler: Handler, event: Event) -> None:
    # No transaction here: a handler that writes owns its `transaction.atomic` (every service does), and one
    # that only reads and finds nothing to do sends nothing but its reads.
    try:
        handler(event)
    except Exception:  # a failing handler is logged; the clock's reconciliation repeats its work
        logger.exception("event handler %s failed for %r", getattr(handler, "__qualname__", handler), event)


def announce(event: Event) -> None:
    """Schedule every handler of `event` to run after the current transaction commits (at once when
    there is none). Call it inside the service's transaction, next to its audit row."""
    for handler in handlers_for(type(event)):
        transaction.on_commit(partial(_run, handler, event))


def handler_modules() -> list[str]:
    """Import every installed hataraku app's `handlers` module (which subscribes its handlers)."""
    return import_app_modules("handlers")
