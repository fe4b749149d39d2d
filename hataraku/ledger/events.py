"""What the ledger announces (`hataraku.core.events`), after the entry commits.

Each event names the escrow by its id and its reference (`milestone:12`, `week:34`, later `batch:…`), so
the app that owns that reference reacts without the ledger knowing it."""

from __future__ import annotations

from dataclasses import dataclass

from hataraku.core.events import Event


@dataclass(frozen=True)
class EscrowEvent(Event):
    escrow_id: int
    reference: str

    @property
    def reference_kind(self) -> str:
        """`milestone` for `milestone:12`."""
        return self.reference.partition(":")[0]

    @property
    def reference_id(self) -> int | None:
        """12 for `milestone:12`; None when the reference has no numeric id."""
        number = self.reference.partition(":")[2]
        return int(number) if number.isascii() and number.isdigit() else None


@dataclass(frozen=True)
class FundingRequested(EscrowEvent):
    """A client's payment into the escrow was recorded and waits for the money (`escrow_fund`)."""

    funding_id: int
    amount: int
    source: str


@dataclass(frozen=True)
class FundingVoided(EscrowEvent):
    """A pending payment will never arrive and was dropped (`funding_void`); the escrow holds nothing more."""

    funding_id: int
    amount: int


@dataclass(frozen=True)
class FundingPosted(EscrowEvent):
    """Money arrived in the escrow (`funding_post`)."""

    funding_id: int
    amount: int


@dataclass(frozen=True)
class EscrowReleased(EscrowEvent):
    """Money left the escrow for the worker (`escrow_release`, or the worker's part of `escrow_split`)."""

    settlement_id: int
    amount: int


@dataclass(frozen=True)
class EscrowRefunded(EscrowEvent):
    """Money went back to the client's refundable balance (`escrow_refund`, or the client's part of a
    split)."""

    settlement_id: int
    amount: int
