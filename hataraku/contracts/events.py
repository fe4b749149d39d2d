"""What the contracts app announces (`hataraku.core.events`), after the change commits: every state
change of a contract, a milestone or an hourly week (`status_changed` is their machines' event factory,
called by `hataraku.core.state.transition`). Notifications and, later, matching and reviews react to
these."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hataraku.core.events import Event


@dataclass(frozen=True)
class StatusChanged(Event):
    """`model` is the row's label ("contract", "milestone", "hourlyweek"); `contract_id` the contract it
    belongs to."""

    model: str
    pk: int
    contract_id: int
    previous: str
    status: str
    actor_id: int | None


def status_changed(row: Any, previous: str, actor_id: int | None = None) -> StatusChanged:
    """The event of a move of a contract, milestone or week (`row` is the locked row, already moved)."""
    model = row._meta.model_name or ""
    return StatusChanged(
        model=model,
        pk=row.pk,
        contract_id=row.pk if model == "contract" else row.contract_id,
        previous=str(previous),
        status=str(row.status),
        actor_id=actor_id,
    )
