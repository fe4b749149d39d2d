"""Ports the apps above jobs plug into at start-up, so jobs never imports them.

Contracts registers its offer service (`ContractsConfig.ready` → `contract_offer_register`), the way it
registers its funding askers with payments: an offer is a command that answers with the new contract,
not an event, so it is a registered port rather than a handler. Reviews registers what it knows about a
client (`ReviewsConfig.ready` → `client_stats_register`), which the job page shows. Notices go through
`hataraku.core.notifications` (texts in `notices.py`). Tests replace these functions to observe the calls.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

ContractOffer = Callable[..., Any]
ClientStats = Callable[[Any], Any]
KeywordFilter = Callable[[Any, str], Any]
CardExtras = Callable[[Any, Sequence[tuple[int, str]]], Mapping[int, str]]
_contract_offer: ContractOffer | None = None
_client_stats: ClientStats | None = None
_keyword_filter: KeywordFilter | None = None
_card_extras: CardExtras | None = None
ListActions = Callable[[Any, str], str]
_list_actions: ListActions | None = None


def list_actions_register(provider: ListActions) -> None:
    """The alerts app hands over its 「この条件を保存」 link (called from its `ready`)."""
    global _list_actions
    _list_actions = provider


def list_actions(request: Any, query: str) -> str:
    """Markup the job list draws under its filters for this viewer and search (query string without the
    page), or "" when no app provides any."""
    return _list_actions(request, query) if _list_actions is not None else ""


def card_extras_register(provider: CardExtras) -> None:
    """The alerts app hands over its ☆ 「あとで見る」 toggles (called from its `ready`)."""
    global _card_extras
    _card_extras = provider


def card_extras(request: Any, jobs: Sequence[tuple[int, str]]) -> Mapping[int, str]:
    """Per-viewer markup for each (job id, title), drawn beside the job card — never inside it, because the
    card is kept per process for every viewer alike (`selectors.JobCard`). Empty when no app provides it or
    it has nothing for this viewer (at most one cheap query; none for a client)."""
    if _card_extras is None or not jobs:
        return {}
    return _card_extras(request, jobs)


def keyword_filter_register(narrow: KeywordFilter) -> None:
    """The search app hands over `search.selectors.keyword_filter` (called from its `ready`): the job
    list's keyword box then finds 「ﾃﾞｰﾀ」 in 「データ」 and ANDs several words through the search index."""
    global _keyword_filter
    _keyword_filter = narrow


def keyword_filter(qs: Any, text: str) -> Any | None:
    """`qs` narrowed to jobs matching `text`, or None when no search app is installed."""
    return _keyword_filter(qs, text) if _keyword_filter is not None else None


def contract_offer_register(offer: ContractOffer) -> None:
    """The contracts app hands over `contracts.services.contract_offer` (called from its `ready`)."""
    global _contract_offer
    _contract_offer = offer


def client_stats_register(provider: ClientStats) -> None:
    """The reviews app hands over `reviews.selectors.client_stats` (called from its `ready`)."""
    global _client_stats
    _client_stats = provider


def client_stats(client: Any) -> Any | None:
    """What reviews knows about a client, or None when no app provides it (the page copes with None)."""
    return _client_stats(client) if _client_stats is not None else None


def contract_offer(*, proposal: Any, actor: Any, idempotency_key: str) -> Any:
    if _contract_offer is None:  # pragma: no cover - the contracts app is installed with jobs
        raise RuntimeError("no contracts app registered its offer service")
    return _contract_offer(proposal=proposal, actor=actor, idempotency_key=idempotency_key)
