"""Calls into the sibling apps (messaging, reviews, contracts).

The imports happen at call time because those apps import jobs models and services themselves
(contracts marks a proposal accepted through `jobs.services`); importing them at module load would be
circular. Tests replace these functions to observe the calls."""

from __future__ import annotations

from typing import Any


def notify(*, user: Any, kind: str, title: str, body: str, url: str = "") -> None:
    from hataraku.messaging.services import notify as messaging_notify

    messaging_notify(user=user, kind=kind, title=title, body=body, url=url)


def client_stats(client: Any) -> Any:
    from hataraku.reviews.selectors import client_stats as reviews_client_stats

    return reviews_client_stats(client)


def contract_offer(*, proposal: Any, actor: Any, idempotency_key: str) -> Any:
    from hataraku.contracts.services import contract_offer as contracts_contract_offer

    return contracts_contract_offer(proposal=proposal, actor=actor, idempotency_key=idempotency_key)
