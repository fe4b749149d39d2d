"""Calls into the sibling apps (messaging, reviews, contracts).

The messaging and reviews imports happen at call time because those apps import jobs models and services
themselves; importing them at module load would be circular. Contracts sits above jobs and is never
imported here: it registers its offer service at start-up (`ContractsConfig.ready` →
`contract_offer_register`), the way it registers its funding askers with payments. An offer is a command
that answers with the new contract, not an event, so it is a registered port rather than a handler. Tests
replace these functions to observe the calls."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

ContractOffer = Callable[..., Any]
_contract_offer: ContractOffer | None = None


def contract_offer_register(offer: ContractOffer) -> None:
    """The contracts app hands over `contracts.services.contract_offer` (called from its `ready`)."""
    global _contract_offer
    _contract_offer = offer


def notify(*, user: Any, kind: str, title: str, body: str, url: str = "") -> None:
    from hataraku.messaging.services import notify as messaging_notify

    messaging_notify(user=user, kind=kind, title=title, body=body, url=url)


def client_stats(client: Any) -> Any:
    from hataraku.reviews.selectors import client_stats as reviews_client_stats

    return reviews_client_stats(client)


def contract_offer(*, proposal: Any, actor: Any, idempotency_key: str) -> Any:
    if _contract_offer is None:  # pragma: no cover - the contracts app is installed with jobs
        raise RuntimeError("no contracts app registered its offer service")
    return _contract_offer(proposal=proposal, actor=actor, idempotency_key=idempotency_key)
