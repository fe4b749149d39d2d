"""What the contracts app announces (`hataraku.core.events`), after the change commits: every state
change of a contract, a milestone or an hourly week (from `services._transition`, the one way they change
state). Notifications and, later, matching and reviews react to these."""

from __future__ import annotations

from dataclasses import dataclass

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
