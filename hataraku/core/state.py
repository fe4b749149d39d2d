"""The one way a row changes state.

Every model with a `status` (or `state`) field declares its machine next to its choices, in its app's
`constants.py`:

    JOB_MACHINE = StateMachine(
        model="jobs.job", choices=JobStatus, table=JOB_TRANSITIONS, initial=JobStatus.DRAFT
    )

and every service that moves such a row calls `transition(...)`, which, in one transaction:

1. locks the row (`select_for_update`; or trusts a row the caller already locked, `locked=True`),
2. checks the move against the machine's table and raises `InvalidTransition` (a kind, translatable
   message naming both states) for a move it does not allow,
3. sets the status and any `fields` that go with the move (`published_at`, `decided_at`, …) and saves them,
4. writes the audit row (`<model>.<target>` unless the caller names the action), and
5. announces the domain event, if any, after commit (`core.events`).

Nothing else assigns a status: `core/tests/test_state.py` lists every status field of every installed
hataraku model, checks that each has a machine whose table covers its choices, and reads the source to
check that no module outside this one assigns `.status`/`.state` or bulk-updates it.

Creating a row in one of its `initial` states is not a transition (`Model.objects.create(...)`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from django.db import models, transaction
from django.utils.translation import gettext as _

from .audit import audit_record
from .errors import InvalidTransition
from .events import Event, announce

M = TypeVar("M", bound=models.Model)

EventFactory = Callable[[Any, str], Event | None]
"""Builds the event for a move from the locked row and the previous status (or returns None)."""

_MACHINES: dict[str, StateMachine] = {}


class StateMachine:
    """The allowed moves of one model's status field. Registered by model label on construction, so a
    machine is found from the row alone (`machine_for(row)`)."""

    def __init__(
        self,
        *,
        model: str,
        choices: type[models.TextChoices],
        table: Mapping[str, frozenset[str]],
        initial: str | Iterable[str],
        field: str = "status",
        event: EventFactory | None = None,
    ) -> None:
        self.model = model.lower()
        self.choices = choices
        self.table = {str(k): frozenset(str(t) for t in v) for k, v in table.items()}
        self.initial = frozenset([str(initial)] if isinstance(initial, str) else (str(i) for i in initial))
        self.field = field
        self.event = event
        _MACHINES[self.model] = self

    def __repr__(self) -> str:
        return f"StateMachine({self.model}.{self.field})"

    def allows(self, current: str, target: str) -> bool:
        return str(target) in self.table.get(str(current), frozenset())

    def targets(self, current: str) -> frozenset[str]:
        return self.table.get(str(current), frozenset())

    def label(self, value: str) -> str:
        try:
            return str(self.choices(value).label)
        except ValueError:
            return str(value)

    def refuse(self, current: str, target: str, message: str | None = None) -> InvalidTransition:
        """The error for a move the table does not allow. `message` may use %(current)s and %(target)s."""
        template = message or _("いまは「%(current)s」のため、「%(target)s」にはできません。")
        return InvalidTransition(
            template
            % {"current": self.label(current), "target": self.label(target), "status": self.label(current)},
            current=str(current),
            target=str(target),
        )


def machines() -> dict[str, StateMachine]:
    """Every registered machine, by model label (`"jobs.job"`)."""
    return dict(_MACHINES)


def machine_for(row_or_model: models.Model | type[models.Model]) -> StateMachine:
    label = row_or_model._meta.label_lower
    try:
        return _MACHINES[label]
    except KeyError:
        raise LookupError(f"{label} has no StateMachine; declare one in its app's constants.py") from None


def transition(
    row: M,
    *,
    target: str,
    actor: Any,
    action: str | None = None,
    fields: Mapping[str, Any] | None = None,
    data: Mapping[str, Any] | None = None,
    refusal: str | None = None,
    event: EventFactory | None = None,
    locked: bool = False,
) -> M:
    """Move `row` to `target` along its machine's table; see the module docstring for the steps.

    `locked=True` says the caller already holds this row from `select_for_update()` inside its own
    transaction (and may have changed other fields of it that this save should keep); otherwise the row is
    locked and re-read here, so the check is made against the committed status, never a stale instance.
    Money services call this after locking in their fixed order (contract → escrow → ledger accounts).
    Returns the locked row; the caller's instance is updated to match.
    """
    machine = machine_for(row)
    name = machine.field
    if locked and not transaction.get_connection().in_atomic_block:
        raise RuntimeError("transition(locked=True) needs the caller's transaction that holds the row lock")
    # A caller that already holds the row lock is inside its own transaction: no savepoint is needed (two
    # statements saved on every money move, `bench/ledger.py`).
    with contextlib.nullcontext() if locked else transaction.atomic():
        current_row = row if locked else type(row)._default_manager.select_for_update().get(pk=row.pk)
        previous = str(getattr(current_row, name))
        if not machine.allows(previous, target):
            raise machine.refuse(previous, target, refusal)
        extra = dict(fields or {})
        setattr(current_row, name, str(target))
        for key, value in extra.items():
            setattr(current_row, key, value)
        current_row.save(update_fields=None if locked else [name, *extra])
        audit_record(
            actor=actor,
            action=action or f"{current_row._meta.model_name}.{target}",
            target=current_row,
            data={"from": previous, "to": str(target), **(data or {})},
        )
        make_event = event or machine.event
        if make_event is not None:
            built = make_event(current_row, previous)
            if built is not None:
                announce(built)
    if current_row is not row:
        setattr(row, name, getattr(current_row, name))
        for key in extra:
            setattr(row, key, getattr(current_row, key))
    return current_row
